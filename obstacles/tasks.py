"""Background work of the obstacle register: tasks load, call a service, retry transient errors."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services.digest import obstacle_review_digest_send


@shared_task(
    name="obstacles.tasks.send_review_digest",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    acks_late=True,
)
def send_review_digest() -> int:
    """The reviewers' daily digest (Celery beat, 07:00 Europe/Stockholm). Safe to run again
    the same day: each reviewer gets one digest per day (see `services.digest`)."""
    return obstacle_review_digest_send()
