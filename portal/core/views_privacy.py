"""The public notices a Swedish public body publishes: the privacy notice (/privacy/) and the
accessibility statement (/accessibility/). Periods, addresses and dates come from the settings,
so the notices say what the portal actually does."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """Public on purpose: everyone must be able to read it before they sign up."""
    return render(
        request,
        "core/privacy.html",
        {
            "controller": settings.PORTAL_PRIVACY_CONTROLLER,
            "privacy_email": settings.PORTAL_PRIVACY_EMAIL,
            "dpo_email": settings.PORTAL_DPO_EMAIL,
            "inactive_days": settings.PORTAL_INACTIVE_ACCOUNT_DAYS,
            "warning_days": settings.PORTAL_INACTIVE_WARNING_DAYS,
            "reports_days": settings.REPORTS_RETENTION_DAYS,
            "mail_days": getattr(settings, "PORTAL_MAIL_KEEP_SENT_DAYS", 30),
            "session_hours": max(1, settings.SESSION_COOKIE_AGE // 3600),
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "language_cookie": settings.LANGUAGE_COOKIE_NAME,
        },
    )


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, after DIGG's model (public on purpose)."""
    return render(
        request,
        "core/accessibility.html",
        {
            "accessibility_email": settings.PORTAL_ACCESSIBILITY_EMAIL,
            "statement_date": _date(settings.PORTAL_ACCESSIBILITY_STATEMENT_DATE),
            "reviewed_date": _date(settings.PORTAL_ACCESSIBILITY_REVIEWED_DATE),
        },
    )
