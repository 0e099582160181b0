"""The URL walk: every URL pattern of the project, opened by every role (issue 7, "Nobody sees
what they should not").

The patterns come from `get_resolver()`, so a new view cannot escape: a pattern without a row in
`urlwalk_spec.SPEC` (or, for Django's admin, outside the admin rules) fails
`test_every_url_pattern_is_in_the_walk`. Each row says what each role gets: "public" (200),
"ok" (200 or the view's normal redirect), "login" (sent to sign in) or "404". Objects of another
organisation or region answer 404 in pages, htmx fragments, downloads and exports, never 403 or
200; a refused POST leaves every table as it was; no page of ours makes more than 15 queries;
staff without a second factor are sent to set one up from every URL but the few that help them
do it; and the views open to anonymous visitors are exactly the ones listed in PUBLIC_VIEWS.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.urls import reverse

from portal.accounts.middleware import MFARequiredMiddleware

from .urlwalk_admin import ADMIN_ROLES, admin_cases, admin_expected, admin_url
from .urlwalk_http import MAX_QUERIES, Answer, ask, changed_tables, client_for, sign_in, snapshot
from .urlwalk_patterns import Pattern, all_patterns
from .urlwalk_spec import ALL, SIGNED_IN, SPEC, Entry
from .urlwalk_world import ROLES, STAFF_ROLES, World, build_world

pytestmark = pytest.mark.django_db

# Views open to anonymous visitors on purpose (`login_not_required`, or allauth's own pages
# that it marks the same way). A view that becomes public, or stops being public, must be
# added or removed here deliberately.
PUBLIC_VIEWS = frozenset(
    {
        # The portal's public face.
        "core:home",
        "core:accessibility",
        "core:set_language",
        "core:healthz",
        "core:readyz",
        "core:privacy",
        "core:csp_report",
        # The load benchmark's ceiling page (404 unless settings.PORTAL_CEILING_VIEW).
        "core:ceiling",
        "accounts:privacy_closed",
        "regions:list",
        "regions:detail",
        "partnerships:call_list",
        "partnerships:call_detail",
        "partnerships:guide",
        "partnerships:public_summary",
        "obstacles:list",
        "obstacles:detail",
        "obstacles:export_csv",
        "obstacles:export_json",
        "obstacles:article_list",
        "obstacles:article_detail",
        "obstacles:mitigation_detail",
        "dissemination:calendar",
        "dissemination:archive",
        "dissemination:event_detail",
        "dissemination:event_ics",
        "dissemination:feed_all",
        "dissemination:feed_region",
        "dissemination:publication_detail",
        "dissemination:publication_download",
        "dissemination:lesson_list",
        "dissemination:lesson_detail",
        # Reports of public subjects may be asked for anonymously (the session owns them).
        "reports:request",
        "reports:detail",
        "reports:status",
        "reports:download",
        "reports:retry",
        # Signing in, up and out, and getting back in.
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",
        "account_email_verification_sent",
        "account_reset_password",
        "account_confirm_login_code",
        "account_confirm_email",
        "account_reset_password_from_key_done",
        "account_reset_password_from_key",
        "account_reset_password_done",
        "mfa_authenticate",
        "admin:login",
    }
)

# The only paths a staff member without a second factor may open (portal/accounts/middleware.py).
MFA_ALLOWED_PREFIXES = (
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
# A staff-role person with no authenticator, for the MFA walk (coordinator of Västra Götaland).
NO_MFA_USER = "coordinator.vgr"

PATTERNS: dict[str, Pattern] = all_patterns()
# Pages known to need more than MAX_QUERIES, each held to its own ceiling so that it cannot
# grow unnoticed. Every row here is a debt to pay, not a permission: see the reason.
QUERY_CEILINGS: dict[str, tuple[int, str]] = {
    "accounts:privacy_export": (
        60,
        "a download, not a page: one read for each kind of record the portal holds about the "
        "person (GDPR art. 15/20)",
    ),
}
# Roles whose pages must stay within MAX_QUERIES (issue 7: the coordinator of the region and the
# portal admin; the walk holds every signed-in role to it).
QUERY_ROLES = frozenset(ALL) - {"anonymous"}


@pytest.fixture(scope="module")
def world(demo_world: dict[str, Any], django_db_blocker: Any) -> Iterator[World]:
    """The demo world plus the walk's own rows, a second factor for every staff role of the
    walk, a signed-in session per role and the fingerprint of everything stored; all of it
    rolled back after this module (the demo world stays as it was)."""
    with django_db_blocker.unblock():
        savepoint = transaction.savepoint()
        try:
            walk = build_world(demo_world)
            for role in STAFF_ROLES:
                Authenticator.objects.get_or_create(
                    user=walk.user(role),
                    type=Authenticator.Type.TOTP,
                    defaults={"data": {"secret": "x"}},
                )
            # Signing in once per role (not per test) keeps the walk fast, and the stored data
            # the same at the start of every test (signing in writes `last_login`).
            walk.sessions = {role: sign_in(walk.user(role)) for role in ALL}
            for role in SIGNED_IN:
                # A first request records the session for allauth's "your sessions" list (and
                # gives the admin's session pages a row to open).
                client_for(walk.sessions[role]).get(reverse("core:healthz"))
            walk.stored = snapshot()
            yield walk
        finally:
            transaction.savepoint_rollback(savepoint)


def _url(world: World, key: str, entry: Entry) -> str:
    return reverse(key.split("#")[0], kwargs=entry.kwargs(world))


def _data(world: World, entry: Entry) -> dict[str, Any]:
    return {
        name: value.format(**world.ids) if isinstance(value, str) else value
        for name, value in entry.data.items()
    }


def _judge(expected: str, answer: Answer, method: str) -> bool:
    word = answer.word
    if expected == "public":
        return answer.status == 200
    if expected == "ok":
        allowed = {"200", "204", "redirect"}
        if method == "POST":
            # An empty POST by someone allowed is a form error beside the fields.
            allowed |= {"400", "409", "422"}
        return word in allowed
    return word == expected


# --- 1. every pattern is in the walk ------------------------------------------------------


def test_every_url_pattern_is_in_the_walk() -> None:
    missing = [
        f"new URL pattern {key} ({p.route}) has no entry in the URL walk: say who may open it "
        "(tests/security/urlwalk_spec.py)"
        for key, p in PATTERNS.items()
        if not p.is_admin and key not in SPEC
    ]
    gone = [
        f"{key} is in the URL walk but no longer a URL pattern"
        for key in SPEC
        if key.split("#")[0] not in PATTERNS
    ]
    assert not missing + gone, "\n".join(missing + gone)


def test_every_admin_pattern_has_an_admin_rule() -> None:
    cases = {key for key, _role in admin_cases(PATTERNS)}
    admin_keys = {key for key, p in PATTERNS.items() if p.is_admin}
    assert admin_keys and admin_keys == cases


# --- 2. the walk --------------------------------------------------------------------------


def _walk_cases() -> Iterator[Any]:
    for key, entry in SPEC.items():
        for method in entry.methods:
            for role in ALL:
                suffix = "" if method == "GET" else "-POST"
                yield pytest.param(key, role, method, id=f"{key}-{role}{suffix}")


@pytest.mark.parametrize(("key", "role", "method"), list(_walk_cases()))
def test_walk(world: World, key: str, role: str, method: str) -> None:
    entry = SPEC[key]
    expected = entry.expected(role, method)
    url = _url(world, key, entry)
    client = client_for(world.sessions[role])
    refused = method == "POST" and expected in ("404", "login")
    variants = (False, True) if entry.htmx else (False,)
    counted = method == "GET" and entry.ours and role in QUERY_ROLES
    if counted:
        # The person has been on the portal a moment already: their session's activity was
        # just recorded (portal.core.activity writes it once a minute, not on every page).
        client.get(reverse("core:healthz"))
    for htmx in variants:
        # A POST that worked is undone before the htmx one, so both meet the same state.
        undo = transaction.savepoint() if method == "POST" and htmx != variants[-1] else None
        answer, sql = ask(
            client,
            method,
            url,
            data=_data(world, entry),
            htmx=htmx,
            content_type=entry.content_type,
        )
        if undo is not None:
            transaction.savepoint_rollback(undo)
        assert answer.status not in (403, 500), f"{role}: {answer} (expected {expected})"
        assert _judge(expected, answer, method), f"{role}: {answer} (expected {expected})"
        if counted and answer.status == 200:
            ceiling = QUERY_CEILINGS.get(key.split("#")[0], (MAX_QUERIES, ""))[0]
            assert answer.queries <= ceiling, (
                f"{role}: {answer} made {answer.queries} queries (at most {ceiling}):\n"
                + "\n".join(sql)
            )
    if refused:
        after = snapshot()
        assert after == world.stored, (
            f"{role}: a refused POST {url} changed {changed_tables(world.stored, after)}"
        )


# --- 3. public on purpose -----------------------------------------------------------------


def test_the_public_views_are_public_on_purpose() -> None:
    public = {key for key, p in PATTERNS.items() if p.public}
    unlisted = sorted(public - PUBLIC_VIEWS)
    assert not unlisted, f"views open to anonymous visitors but not listed as public: {unlisted}"
    assert PUBLIC_VIEWS - public == set(), (
        f"listed as public but they need signing in: {sorted(PUBLIC_VIEWS - public)}"
    )


# Public views that send anonymous visitors to sign in themselves.
SIGN_IN_FROM_A_PUBLIC_VIEW = {
    # A report of a private subject (a partnership) is for signed-in people.
    "reports:request",
    # allauth's sign-in stages, without a sign-in in progress.
    "mfa_authenticate",
    "account_confirm_login_code",
}


def test_the_walk_agrees_with_the_public_marks() -> None:
    """A page that sends anonymous visitors to sign in is not public, and a public view does
    not (an object it may not show is a 404 instead), but for the listed exceptions."""
    wrong = [
        key
        for key, entry in SPEC.items()
        if (entry.expect["anonymous"] == "login") == PATTERNS[key.split("#")[0]].public
        and key not in SIGN_IN_FROM_A_PUBLIC_VIEW
    ]
    assert not wrong, wrong


# --- 4. MFA cannot be skipped -------------------------------------------------------------


def test_the_mfa_exceptions_are_the_listed_ones() -> None:
    assert MFARequiredMiddleware.ALLOWED_PREFIXES == MFA_ALLOWED_PREFIXES


def _every_url(world: World) -> Iterator[tuple[str, str]]:
    for key, entry in SPEC.items():
        yield key, _url(world, key, entry)
    for key, p in PATTERNS.items():
        if p.is_admin:
            yield key, admin_url(p)


@pytest.mark.parametrize("role", [r for r in STAFF_ROLES if r != "coordinator_other"])
def test_every_staff_role_without_mfa_is_sent_to_set_it_up(world: World, role: str) -> None:
    user = world.user(role)
    Authenticator.objects.filter(user=user).delete()
    answer, _ = ask(client_for(world.sessions[role]), "GET", reverse("accounts:dashboard"))
    assert answer.word == "mfa", answer


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_mfa_cannot_be_skipped_by_going_to_another_url(
    world: World, method: str, htmx: bool
) -> None:
    user = world.users[NO_MFA_USER]
    assert not Authenticator.objects.filter(user=user).exists()
    session = sign_in(user)
    activate = reverse("mfa_activate_totp")
    wrong = []
    for key, url in _every_url(world):
        # Each request from the same signed-in state (a POST to sign out ends the session).
        undo = transaction.savepoint()
        answer, _ = ask(client_for(session), method, url, htmx=htmx)
        transaction.savepoint_rollback(undo)
        allowed = url.startswith(MFA_ALLOWED_PREFIXES)
        if htmx:
            stopped = answer.status == 204 and answer.hx_redirect == activate
        else:
            stopped = answer.word == "mfa" and answer.location == f"{activate}?next={url}"
        if stopped == allowed:
            wrong.append(f"{key}: {answer} HX-Redirect={answer.hx_redirect!r}")
    assert not wrong, "\n".join(wrong)


# --- 5. Django's admin --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "role"), [pytest.param(k, r, id=f"{k}-{r}") for k, r in admin_cases(PATTERNS)]
)
def test_admin_walk(world: World, key: str, role: str) -> None:
    pattern = PATTERNS[key]
    url = admin_url(pattern)
    method, expected = admin_expected(pattern, role, world.user("admin"))
    answer, _ = ask(client_for(world.sessions[role]), method, url)
    assert expected(answer), f"{role}: {answer}"
    if method == "POST" and role != "admin":
        assert snapshot() == world.stored


def test_the_query_ceilings_are_above_the_limit_and_for_real_pages() -> None:
    """An exception that is no longer needed is removed, not kept as slack."""
    for key, (ceiling, reason) in QUERY_CEILINGS.items():
        assert key in SPEC and ceiling > MAX_QUERIES and reason, key


def test_roles_are_the_issue_roles() -> None:
    assert list(ROLES) == [
        "anonymous",
        "company_other",
        "company_owner",
        "coordinator_other",
        "coordinator",
        "sponsor",
        "reviewer",
        "admin",
    ]
    assert set(ADMIN_ROLES) <= set(ROLES)
    assert MAX_QUERIES == 15
