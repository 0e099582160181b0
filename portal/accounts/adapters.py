"""The portal's allauth adapters: where sign-in goes next, the security events of refused
attempts, the MFA rule for staff, and a record of every ended session."""

import logging
from collections.abc import Iterable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.security import current_request, security_event

from .selectors import user_memberships

# allauth's codes for a sign-in step refused because of too many attempts.
RATE_LIMIT_CODES = frozenset({"too_many_login_attempts", "rate_limited"})
EMAIL_MAX_LENGTH = 254


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """After sign-in, someone without an organisation is asked to create or join one."""
        url = super().get_login_redirect_url(request)
        user: Any = request.user
        if url == reverse("accounts:dashboard") and not user_memberships(user):
            return reverse("accounts:onboarding")
        return url

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Remember the login typed, for the record of a refusal (the failed-attempt limit)."""
        self._typed_login = str(credentials.get("email") or credentials.get("username") or "")
        super().pre_authenticate(request, **credentials)

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        """Every refusal for too many attempts (password, MFA code, TOTP set-up) is logged as
        `login_rate_limited`: the failed-attempt limits live in the shared cache, and this is
        where allauth says one of them was reached."""
        if code in RATE_LIMIT_CODES:
            request = current_request()
            on_mfa_page = bool(request and request.path.startswith("/accounts/2fa/"))
            security_event(
                "login_rate_limited",
                request=request,
                outcome="refused",
                level=logging.WARNING,
                step="mfa" if on_mfa_page else "password",
                email=getattr(self, "_typed_login", "")[:EMAIL_MAX_LENGTH] or None,
            )
        return super().validation_error(code, *args)


class MFAAdapter(DefaultMFAAdapter):
    """Staff roles must keep their authenticator app: allauth would let anyone deactivate it."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your role requires two-factor authentication, so it cannot be turned off. If you "
            "have a new phone, ask a portal administrator to reset it: you will then be asked "
            "to set it up again."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Refused for the authenticator app of anyone whose role requires MFA (the middleware
        would otherwise send them straight back to set-up, with a session that no longer needs
        a second factor). Recovery codes go with the app, so they are never removed alone."""
        from .middleware import mfa_required

        if authenticator.type != Authenticator.Type.TOTP:
            return True
        if mfa_required(authenticator.user):
            request = current_request()
            if request is not None and request.method == "POST":
                security_event(
                    "mfa_deactivation_refused",
                    request=request,
                    outcome="refused",
                    level=logging.WARNING,
                )
            return False
        return True


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """Ending sessions from the "Signed-in devices" page leaves a record per session."""

    def end_sessions(self, sessions: Iterable[Any]) -> None:
        sessions = list(sessions)
        super().end_sessions(sessions)
        for session in sessions:
            security_event(
                "session_ended",
                owner_id=session.user_id,
                session_ip=session.ip,
                session_started=session.created_at.isoformat(),
            )
