"""Mail goes out from a worker, so a slow mail server never holds up a page (the outbox:
portal/core/mail.py)."""

from celery import shared_task
from django.core.mail import send_mail

from .mail import outbox_deliver, outbox_sweep


@shared_task(
    name="portal.core.tasks.deliver_mail",
    acks_late=True,
    reject_on_worker_lost=True,
    # Below PORTAL_MAIL_CLAIM_SECONDS: a claim is stale only once its task must be dead.
    soft_time_limit=90,
    time_limit=120,
)
def deliver_mail(mail_id: int) -> str:
    """Deliver one outbox row. Safe to run twice for the same id: only the claim holder sends.
    Failures are not retried here; they are written to the row and the sweep brings it back
    when it is due."""
    return outbox_deliver(mail_id=mail_id)


@shared_task(
    name="portal.core.tasks.sweep_outbox", acks_late=True, soft_time_limit=90, time_limit=120
)
def sweep_outbox() -> dict[str, int]:
    """Celery beat, every minute: hand due mail to the workers, take back interrupted
    deliveries, remove old sent mail (`outbox_sweep`)."""
    return outbox_sweep()


@shared_task(name="portal.core.tasks.send_email", acks_late=True)
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """The task the portal used before the outbox: messages still queued under this name when
    a new version starts are written to the outbox like any other."""
    return send_mail(subject=subject, message=body, from_email=None, recipient_list=to)


@shared_task(name="portal.core.tasks.remove_old_csp_reports", acks_late=True, time_limit=300)
def remove_old_csp_reports() -> int:
    """Celery beat, every night: CSP violation reports older than CSP_REPORTS_RETENTION_DAYS
    are removed (idempotent: running it twice removes nothing more). Returns how many."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from .models import CspReport

    cutoff = timezone.now() - timedelta(days=settings.CSP_REPORTS_RETENTION_DAYS)
    removed, _by_model = CspReport.objects.filter(received_at__lt=cutoff).delete()
    return removed
