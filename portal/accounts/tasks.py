"""Background work of accounts: the retention rule for inactive accounts (Celery beat, daily)."""

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services_privacy import anonymise_inactive_accounts as _anonymise_inactive_accounts


@shared_task(
    name="portal.accounts.tasks.anonymise_inactive_accounts",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    acks_late=True,
)
def anonymise_inactive_accounts() -> dict[str, Any]:
    """Anonymise the accounts unused for PORTAL_INACTIVE_ACCOUNT_DAYS and warn those about to be
    (see `services_privacy.anonymise_inactive_accounts`). Safe to run again: an anonymised
    account is skipped and a person is warned once per period of inactivity. Returns the
    counts."""
    run = _anonymise_inactive_accounts()
    return {
        "enabled": run.enabled,
        "warned": run.warned,
        "anonymised": run.anonymised,
        "failed": run.failed,
        "organisations_handed_over": run.organisations_handed_over,
    }
