"""Per-request account rules: the user's language, and MFA before anything else for staff."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from portal.core.security import security_event

from .selectors import user_has_staff_role, user_has_totp


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie, so it follows them everywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user else ""
        if user is not None and user.is_authenticated and language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def mfa_required(user: Any) -> bool:
    """Portal admins, coordinators, sponsors and reviewers must use MFA (demo users excepted)."""
    if not user.is_authenticated:
        return False
    if user.email in settings.PORTAL_MFA_EXEMPT_EMAILS:
        return False
    return bool(user.is_superuser or user.is_staff or user_has_staff_role(user))


class MFARequiredMiddleware:
    """Send staff without an authenticator to set one up before they can do anything else.

    Only the pages needed to set up MFA, leave, or read the public help stay open; every other
    URL, the Django admin included, redirects, so the rule cannot be skipped by typing an address.
    """

    ALLOWED_PREFIXES = (
        "/accounts/2fa/",
        "/accounts/logout/",
        "/accounts/reauthenticate/",
        "/static/",
        "/healthz",
        "/readyz",
        "/csp-report",  # a browser's violation report, whoever is signed in
        "/language/",
        "/accounts/email/",
        "/accounts/confirm-email/",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and mfa_required(user)
            and not user_has_totp(user)
        ):
            target = reverse("mfa_activate_totp")
            security_event("access_denied", request=request, outcome="mfa_required")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)
