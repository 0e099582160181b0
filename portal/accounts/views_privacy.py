"""The person's privacy page: what the portal holds about them, "Download my data" (one JSON
document) and "Close my account" (password again, a confirmation, then anonymisation)."""

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.core.forms import apply_validation_error
from portal.core.ratelimit import allow_per_minute
from portal.core.security import security_event

from .forms_privacy import CloseAccountForm
from .privacy import providers
from .services_privacy import close_account, organisations_needing_an_admin, personal_data_export


def _page(
    request: HttpRequest,
    *,
    form: CloseAccountForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "accounts/privacy.html",
        {
            "sections": providers(),
            "close_form": form or CloseAccountForm(user=user),
            "needing_admin": list(organisations_needing_an_admin(user=user)),
            "export_error": error,
            "inactive_days": settings.PORTAL_INACTIVE_ACCOUNT_DAYS,
        },
        status=status,
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """What the portal holds about the signed-in person, the export and closing the account."""
    return _page(request)


@never_cache
@require_GET
def privacy_export(request: HttpRequest) -> HttpResponse:
    """Everything about the signed-in person as one JSON document (an attachment, never
    cached); rate-limited per person (PORTAL_PRIVACY_EXPORTS_PER_MINUTE)."""
    if not allow_per_minute(
        request, scope="privacy_export", limit=settings.PORTAL_PRIVACY_EXPORTS_PER_MINUTE
    ):
        security_event("export", request=request, outcome="rate_limited", what="personal_data")
        return _page(
            request,
            error=_(
                "You downloaded your data several times just now. Wait a minute and try again."
            ),
            status=429,
        )
    document = personal_data_export(user=request.user)  # type: ignore[arg-type]
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    security_event(
        "export",
        request=request,
        what="personal_data",
        sections=len(document["sections"]),
    )
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{day}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def privacy_close(request: HttpRequest) -> HttpResponse:
    """Close the signed-in person's account: their password again and the confirmation; a
    wrong password or a missing tick is shown beside its field and nothing changes. Then the
    person is anonymised, signed out and shown the confirmation page."""
    user: Any = request.user
    form = CloseAccountForm(request.POST, user=user)
    if not allow_per_minute(
        request,
        scope="privacy_close",
        limit=settings.PORTAL_CLOSE_ACCOUNT_ATTEMPTS_PER_MINUTE,
    ):
        form.is_valid()
        form.add_error(None, _("Too many attempts. Wait a minute and try again."))
        security_event("account_close_refused", request=request, outcome="rate_limited")
        return _page(request, form=form, status=429)
    if not form.is_valid():
        if "password" in form.errors:
            security_event("account_close_refused", request=request, outcome="wrong_password")
        return _page(request, form=form, status=400)
    try:
        close_account(user=user, actor=user)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        security_event("account_close_refused", request=request, outcome="last_admin")
        return _page(request, form=form, status=400)
    security_event("account_closed", request=request, user=user)
    logout(request)
    return redirect("accounts:privacy_closed")


@login_not_required
@require_GET
def privacy_closed(request: HttpRequest) -> HttpResponse:
    """The confirmation after closing (public: the person is signed out by then). It names
    nobody, so anyone may open it."""
    return render(request, "accounts/privacy_closed.html")
