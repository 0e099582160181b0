"""The load benchmark's ceiling (/_ceiling/): off by default, the bare layout when on, and no
query of its own (only what the middleware and the layout's user menu read for every page)."""

import os
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.roles import Role
from tests.factories import MembershipFactory, UserFactory

URL = "/_ceiling/"
# The tables every signed-in page reads before its view runs, or for the layout's user menu.
LAYOUT_TABLES = {
    "django_session",
    "accounts_user",
    "auth_group",
    "accounts_user_groups",
    "accounts_membership",
    "accounts_organisation",
    "mfa_authenticator",
    # The regions they coordinate or sponsor for, read in the same query as the roles.
    "regions_regionuserobjectpermission",
    "auth_permission",
    "usersessions_usersession",
}


def _tables(sql: str) -> set[str]:
    return set(re.findall(r'(?:FROM|JOIN|INTO|UPDATE)\s+"(\w+)"', sql))


def test_the_url_is_the_named_one() -> None:
    assert reverse("core:ceiling") == URL


@pytest.mark.django_db
@override_settings(PORTAL_CEILING_VIEW=False)
@pytest.mark.parametrize("signed_in", [False, True])
def test_off_it_is_a_404_for_everyone(client, signed_in: bool) -> None:  # type: ignore[no-untyped-def]
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 404


@pytest.mark.skipif("PORTAL_CEILING_VIEW" in os.environ, reason="set in the environment")
def test_off_unless_the_environment_turns_it_on() -> None:
    assert settings.PORTAL_CEILING_VIEW is False


@pytest.mark.django_db
@override_settings(PORTAL_CEILING_VIEW=True)
def test_on_it_renders_the_bare_layout_anonymously_without_a_query(client) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["base.html"]
    html = response.content.decode()
    assert 'class="skip-link"' in html
    main = re.search(r'<main id="main"[^>]*>(.*?)</main>', html, re.S)
    assert main is not None and main.group(1).strip() == ""
    # Behind the same middleware as every page: CSP and the CSRF token of the language form.
    assert "Content-Security-Policy" in response.headers
    assert 'name="csrfmiddlewaretoken"' in html
    assert ctx.captured_queries == []


@pytest.mark.django_db
@override_settings(PORTAL_CEILING_VIEW=True)
def test_on_a_post_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post(URL).status_code == 405


@pytest.mark.django_db
@override_settings(PORTAL_CEILING_VIEW=True)
def test_signed_in_it_reads_only_what_every_page_reads(client, with_mfa) -> None:  # type: ignore[no-untyped-def]
    """A staff user with organisations: the queries are the session, the user, the MFA check,
    the session tracking and the user menu — the same as a static page's (the accessibility
    statement), none of the view's own."""
    user = with_mfa(UserFactory())
    user.groups.add(Group.objects.get(name=Role.REGION_COORDINATOR))
    MembershipFactory(user=user)
    client.force_login(user)
    client.get(URL)  # the session rows settle first
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    assert user.email in response.content.decode()
    tables = set().union(*(_tables(q["sql"]) for q in ctx.captured_queries))
    assert tables <= LAYOUT_TABLES, tables - LAYOUT_TABLES
    client.get(reverse("core:accessibility"))
    with CaptureQueriesContext(connection) as static_page:
        assert client.get(reverse("core:accessibility")).status_code == 200
    assert len(ctx.captured_queries) == len(static_page.captured_queries)
