"""Django's admin in the URL walk: every admin pattern, by rule instead of by row.

- anonymous visitors are sent to sign in (LoginRequiredMiddleware, before the admin's own check);
- signed-in people who are not staff (a company member, a coordinator) are sent to the admin's
  sign-in page and never see an admin page;
- the portal admin opens every changelist, object page and history (200), and the add and
  delete pages where the ModelAdmin allows it (Django answers 403 where it does not: read-only
  tables such as the audit log).
"""

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from .urlwalk_http import Answer
from .urlwalk_patterns import Pattern

ADMIN_ROLES = ("anonymous", "company_owner", "coordinator", "admin")
ADMIN_LOGIN = "/admin/login/"


def _model(pattern: Pattern) -> Any:
    model_admin = getattr(pattern.callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    match = re.match(r"admin/(\w+)/(\w+)/", pattern.route)
    if match:
        try:
            return apps.get_model(match[1], match[2])
        except LookupError:
            return None
    return None


def _object_id(model: Any) -> str:
    row = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    assert row is not None, (
        f"the URL walk's world has no {model.__name__}: add one (tests/security/urlwalk_world.py)"
    )
    return str(row)


def admin_url(pattern: Pattern) -> str:
    """The pattern's URL with real ids: the first row of the pattern's model."""
    route = pattern.route
    model = _model(pattern)
    if "<path:content_type_id>" in route:
        from partnerships.models import Partnership

        partnership = Partnership.objects.order_by("pk").first()
        assert partnership is not None
        route = route.replace(
            "<path:content_type_id>", str(ContentType.objects.get_for_model(Partnership).pk)
        ).replace("<path:object_id>", str(partnership.pk))
    if model is not None:
        route = route.replace("<path:object_id>", _object_id(model)).replace(
            "<id>", _object_id(model)
        )
    route = re.sub(r"\(\?P<app_label>[^)]*\)", "partnerships", route)
    route = re.sub(r"\(\?P<url>[^)]*\)", "no-such-admin-page/", route)
    route = route.replace("^", "").replace("$", "")
    assert "<" not in route and "(" not in route, f"cannot fill {pattern.route}"
    return "/" + route


def admin_cases(patterns: dict[str, Pattern]) -> Iterator[tuple[str, str]]:
    for key, pattern in patterns.items():
        if pattern.is_admin:
            for role in ADMIN_ROLES:
                yield key, role


def _status(*codes: int) -> Callable[[Answer], bool]:
    return lambda answer: answer.status in codes


def _redirect_to(path: str) -> Callable[[Answer], bool]:
    return lambda answer: answer.status == 302 and urlsplit(answer.location).path == path


def _sent_to_sign_in(answer: Answer) -> bool:
    """Sent to sign in: the portal's page (LoginRequiredMiddleware, for the model pages) or the
    admin's own (the admin site's pages, which Django marks public and guards itself)."""
    return answer.word == "login" or (
        answer.status == 302 and urlsplit(answer.location).path == ADMIN_LOGIN
    )


def _not_staff(answer: Answer) -> bool:
    """Signed in but not staff: sent to the admin's sign-in page (or on to /admin/, which sends
    them there), never shown an admin page."""
    return answer.status == 302 and urlsplit(answer.location).path in (
        ADMIN_LOGIN,
        "/admin/",
        reverse("account_login"),
    )


def _permission(pattern: Pattern, user: Any) -> bool:
    """What the ModelAdmin says about the pattern's view for a portal admin."""
    model_admin = getattr(pattern.callback, "model_admin", None)
    if model_admin is None:
        return True
    request = RequestFactory().get("/admin/")
    request.user = user
    name = pattern.key.rsplit("_", 1)[-1]
    if name == "add":
        return bool(model_admin.has_add_permission(request))
    if name == "delete":
        return bool(model_admin.has_delete_permission(request))
    return True


def admin_expected(
    pattern: Pattern, role: str, admin_user: Any = None
) -> tuple[str, Callable[[Answer], bool]]:
    """The method the walk uses for the pattern and the test its answer must pass."""
    key = pattern.key
    method = "POST" if key == "admin:logout" else "GET"
    if role == "anonymous":
        if key == "admin:login":
            return method, lambda a: a.status == 200 or _sent_to_sign_in(a)
        return method, _sent_to_sign_in
    if role != "admin":
        if key == "admin:login":
            # allauth's secure_admin_login refuses a signed-in person who is not staff (its 403:
            # no object is involved, and nothing is shown).
            return method, _status(403)
        return method, _not_staff
    if key == "admin:login":
        return method, _redirect_to("/admin/")
    if key == "admin:logout":
        return method, _status(200, 302)
    if key == "admin:autocomplete":
        # No admin form uses autocomplete: Django refuses the lookup (its own 403).
        return method, _status(403)
    if key == "admin:view_on_site" or not pattern.key.startswith("admin:"):
        if pattern.route.endswith("(?P<url>.*)$"):
            return method, _status(404)
        return method, _status(302)
    if admin_user is not None and not _permission(pattern, admin_user):
        return method, _status(403)
    return method, _status(200)


__all__ = ["ADMIN_ROLES", "admin", "admin_cases", "admin_expected", "admin_url"]
