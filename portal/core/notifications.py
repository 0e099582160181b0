"""Tell people things by email, in their own language, once the transaction has committed."""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import send_email


def notify(*, users: Iterable[Any], template: str, context: dict[str, Any]) -> None:
    """Render `template`_subject.txt / _body.txt per user and send after commit.

    Each user gets the message in their preferred language. Call from services, inside their
    transaction: if it rolls back, nobody is told about something that did not happen.
    """
    for user in users:
        if not getattr(user, "email", "") or not getattr(user, "is_active", True):
            continue
        language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            ctx = {**context, "recipient": user, "site_url": settings.PORTAL_SITE_URL}
            subject = render_to_string(f"{template}_subject.txt", ctx).strip()
            body = render_to_string(f"{template}_body.txt", ctx)
        subject = " ".join(subject.split())
        transaction.on_commit(
            partial(send_email.delay, to=[user.email], subject=subject, body=body)
        )
