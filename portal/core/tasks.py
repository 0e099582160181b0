"""Mail goes out from a worker, so a slow mail server never holds up a page."""

import smtplib

from celery import shared_task
from django.core.mail import send_mail


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    acks_late=True,
)
def send_email(self, *, to: list[str], subject: str, body: str) -> int:  # type: ignore[no-untyped-def]
    """Send one already-rendered message. Retried with backoff when the mail server is away."""
    return send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
