"""Security events for sign-in, passwords, email addresses and MFA, from Django's and allauth's
signals (connected in `AccountsConfig.ready`).

Each receiver logs one record through `portal.core.security.security_event`. A record carries
who (user id), from where (address, path) and what (the event and its outcome), never a
password, a code or a secret: a failed sign-in keeps the address as typed (it is what an
attacker tried), nothing else of the credentials.
"""

import logging
from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from portal.core.security import security_event

# The longest address an email field accepts (RFC 5321); longer input is cut, not logged whole.
EMAIL_MAX_LENGTH = 254


def _typed_login(credentials: dict[str, Any]) -> str:
    """What the person typed as their login (allauth passes it as `email`), cut to 254."""
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    return str(value or "")[:EMAIL_MAX_LENGTH]


def _address(email_address: Any) -> str | None:
    return getattr(email_address, "email", None)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    security_event(
        "login_failed",
        request=request,
        outcome="refused",
        level=logging.WARNING,
        email=_typed_login(credentials),
    )


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("login", request=request, user=user)


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("logout", request=request, user=user)


def on_signed_up(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("signed_up", request=request, user=user)


def on_password_changed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("password_changed", request=request, user=user)


def on_password_set(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("password_set", request=request, user=user)


def on_password_reset(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("password_reset", request=request, user=user)


def on_email_changed(
    sender: Any,
    request: HttpRequest | None,
    user: Any,
    from_email_address: Any = None,
    to_email_address: Any = None,
    **kwargs: Any,
) -> None:
    security_event(
        "email_changed",
        request=request,
        user=user,
        old_email=_address(from_email_address),
        new_email=_address(to_email_address),
    )


def on_email_added(
    sender: Any, request: HttpRequest | None, user: Any, email_address: Any, **kwargs: Any
) -> None:
    security_event("email_added", request=request, user=user, email=_address(email_address))


def on_email_removed(
    sender: Any, request: HttpRequest | None, user: Any, email_address: Any, **kwargs: Any
) -> None:
    security_event("email_removed", request=request, user=user, email=_address(email_address))


def on_email_confirmed(
    sender: Any, request: HttpRequest | None, email_address: Any, **kw: Any
) -> None:
    security_event(
        "email_confirmed",
        request=request,
        user=getattr(email_address, "user", None),
        email=_address(email_address),
    )


def _is_recovery_codes(authenticator: Authenticator) -> bool:
    return bool(authenticator.type == Authenticator.Type.RECOVERY_CODES)


def on_authenticator_added(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    event = "recovery_codes_generated" if _is_recovery_codes(authenticator) else "mfa_activated"
    security_event(event, request=request, user=user, authenticator=authenticator.type)


def on_authenticator_removed(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    event = "recovery_codes_removed" if _is_recovery_codes(authenticator) else "mfa_deactivated"
    security_event(
        event, request=request, user=user, authenticator=authenticator.type, level=logging.WARNING
    )


def on_authenticator_reset(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    event = "recovery_codes_generated" if _is_recovery_codes(authenticator) else "mfa_reset"
    security_event(event, request=request, user=user, authenticator=authenticator.type)


def on_authenticator_used(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    """A spent recovery code is worth a record (the person may have lost their phone); a TOTP
    code at sign-in is part of the `login` that follows."""
    if _is_recovery_codes(authenticator):
        security_event(
            "recovery_code_used",
            request=request,
            user=user,
            authenticator=authenticator.type,
            reauthentication=bool(kw.get("reauthenticated")),
            level=logging.WARNING,
        )
    elif kw.get("reauthenticated"):
        security_event(
            "reauthenticated", request=request, user=user, authenticator=authenticator.type
        )


def on_mfa_failed(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    security_event(
        "mfa_failed",
        request=request,
        user=user,
        outcome="refused",
        level=logging.WARNING,
        authenticator=authenticator.type,
        reauthentication=bool(kw.get("reauthentication")),
    )


def connect() -> None:
    """Connect every receiver once (dispatch_uid), from `AccountsConfig.ready`."""
    pairs: list[tuple[Any, Any]] = [
        (auth_signals.user_login_failed, on_login_failed),
        (auth_signals.user_logged_in, on_logged_in),
        (auth_signals.user_logged_out, on_logged_out),
        (account_signals.user_signed_up, on_signed_up),
        (account_signals.password_changed, on_password_changed),
        (account_signals.password_set, on_password_set),
        (account_signals.password_reset, on_password_reset),
        (account_signals.email_changed, on_email_changed),
        (account_signals.email_added, on_email_added),
        (account_signals.email_removed, on_email_removed),
        (account_signals.email_confirmed, on_email_confirmed),
        (mfa_signals.authenticator_added, on_authenticator_added),
        (mfa_signals.authenticator_removed, on_authenticator_removed),
        (mfa_signals.authenticator_reset, on_authenticator_reset),
        (mfa_signals.authenticator_used, on_authenticator_used),
        (mfa_signals.authentication_failed, on_mfa_failed),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"portal.security.{receiver.__name__}")
