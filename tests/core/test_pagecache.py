"""The page cache (portal/core/pagecache.py) on the real Redis: a page rendered once is answered
without a query until anything is written, each person (and each visitor's session) has their
own copy, every copy carries the visitor's own working CSRF token, and nothing that must be
fresh (flash messages, htmx fragments, errors) is ever served from it.

The writes that refresh it are committed for real (transactional tests): the refresh happens
when a transaction commits, never when it rolls back.
"""

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from portal.core import pagecache
from regions.models import Region
from tests.factories import UserFactory

pytestmark = pytest.mark.redis

REGIONS = "/regions/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
ANY_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def _get(client: Client, url: str, **headers: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    return response, len(ctx.captured_queries)


@pytest.fixture(autouse=True)
def _cache_on(settings: Any) -> None:
    settings.PORTAL_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def world(reference_data: None) -> None:
    """The data migrations' rows in a transactional test (regions, roles, ...)."""


@pytest.mark.django_db(transaction=True)
def test_a_page_is_answered_from_the_cache_until_something_is_written(world: None) -> None:
    client = Client()
    first, queries = _get(client, REGIONS)
    assert first.status_code == 200 and queries > 0
    again, queries = _get(client, REGIONS)
    assert again.status_code == 200
    assert queries == 0
    assert ANY_TOKEN.sub("", again.content.decode()) == ANY_TOKEN.sub("", first.content.decode())

    Region.objects.filter(slug="gotland").update(
        name_sv="Region Gotland (ny)", name_en="Region Gotland (ny)"
    )
    fresh, queries = _get(client, REGIONS)
    assert queries > 0
    assert "Region Gotland (ny)" in fresh.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_write_that_rolls_back_keeps_the_copy(world: None) -> None:
    client = Client()
    _get(client, REGIONS)
    with pytest.raises(RuntimeError), transaction.atomic():
        Region.objects.filter(slug="gotland").update(
            name_sv="Never committed", name_en="Never committed"
        )
        raise RuntimeError
    again, queries = _get(client, REGIONS)
    assert queries == 0
    assert "Never committed" not in again.content.decode()


@pytest.mark.django_db(transaction=True)
def test_writes_to_sessions_do_not_refresh_the_cache(world: None) -> None:
    before = cache.get(pagecache.GENERATION_KEY)
    client = Client()
    client.force_login(UserFactory())  # writes the session (and the user's last login)
    generation = cache.get(pagecache.GENERATION_KEY)
    assert generation != before  # the user row counts
    session = client.session
    session["something"] = "else"
    session.save()
    assert cache.get(pagecache.GENERATION_KEY) == generation


@pytest.mark.django_db(transaction=True)
def test_each_visitor_gets_a_working_csrf_token_of_their_own(world: None) -> None:
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    page_one, _ = _get(first, REGIONS)
    page_two, queries = _get(second, REGIONS)
    assert queries == 0
    token_one = TOKEN.search(page_one.content.decode())
    token_two = TOKEN.search(page_two.content.decode())
    assert token_one and token_two
    assert token_one.group(1) != token_two.group(1)
    assert pagecache.CSRF_MARKER.decode() not in page_two.content.decode()
    assert second.cookies.get("csrftoken")  # the cookie the token belongs to was set
    # The cached page's language form works for the second visitor.
    response = second.post(
        "/language/",
        {"language": "en", "next": REGIONS, "csrfmiddlewaretoken": token_two.group(1)},
    )
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_person_never_gets_someone_elses_copy(world: None) -> None:
    anna = UserFactory(email="anna@example.se")
    bo = UserFactory(email="bo@example.se")
    anonymous = Client()
    _get(anonymous, REGIONS)
    as_anna, as_bo = Client(), Client()
    as_anna.force_login(anna)
    as_bo.force_login(bo)
    _get(as_anna, REGIONS)
    cached_anna, queries = _get(as_anna, REGIONS)
    assert queries > 0  # the session and the user are still read: only the view is skipped
    page_bo, _ = _get(as_bo, REGIONS)
    page_anon, _ = _get(anonymous, REGIONS)
    assert "anna@example.se" in cached_anna.content.decode()
    assert "anna@example.se" not in page_bo.content.decode()
    assert "bo@example.se" in page_bo.content.decode()
    assert "anna@example.se" not in page_anon.content.decode()
    assert "bo@example.se" not in page_anon.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_visitor_with_a_session_has_copies_of_their_own(world: None) -> None:
    plain = Client()
    _get(plain, REGIONS)
    with_session = Client()
    session = with_session.session
    session["reports"] = "asked for one"
    session.save()
    _, queries = _get(with_session, REGIONS)
    assert queries > 0  # not the shared copy


def _message_cookie(text: str) -> str:
    """The cookie a view's `messages.success(...)` leaves for the next page."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    storage = CookieStorage(HttpRequest())
    storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies["messages"].value


@pytest.mark.django_db(transaction=True)
def test_flash_messages_are_never_cached_nor_lost(world: None) -> None:
    client = Client()
    _get(client, REGIONS)  # a copy without messages exists
    client.cookies["messages"] = _message_cookie("Saved – have a look")
    page, queries = _get(client, REGIONS)
    assert queries > 0
    assert "Saved – have a look" in page.content.decode()
    again, queries = _get(client, REGIONS)  # shown once, then gone
    assert "Saved – have a look" not in again.content.decode()
    assert queries == 0


@pytest.mark.django_db(transaction=True)
def test_htmx_fragments_and_errors_are_not_cached(world: None) -> None:
    client = Client()
    _get(client, "/obstacles/", **{"HX-Request": "true"})
    _, queries = _get(client, "/obstacles/", **{"HX-Request": "true"})
    assert queries > 0
    missing, _ = _get(client, "/regions/no-such-region/")
    assert missing.status_code == 404
    missing, queries = _get(client, "/regions/no-such-region/")
    assert missing.status_code == 404 and queries > 0


@pytest.mark.django_db(transaction=True)
def test_each_language_and_query_string_has_its_own_copy(world: None) -> None:
    swedish, english = Client(), Client()
    swedish.cookies["portal_language"] = "sv"
    english.cookies["portal_language"] = "en"
    page_sv, _ = _get(swedish, REGIONS)
    page_en, queries = _get(english, REGIONS)
    assert queries > 0
    assert page_sv.content != page_en.content
    _, queries = _get(swedish, REGIONS + "?x=1")
    assert queries > 0


@pytest.mark.django_db(transaction=True)
def test_off_every_request_renders(world: None, settings: Any) -> None:
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    client = Client()
    _get(client, REGIONS)
    _, queries = _get(client, REGIONS)
    assert queries > 0


@pytest.mark.django_db(transaction=True)
@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_a_per_process_cache_is_never_used(world: None) -> None:
    """Without Redis (or while it is away) one process could not see another's writes."""
    client = Client()
    _get(client, REGIONS)
    _, queries = _get(client, REGIONS)
    assert queries > 0


def test_only_writes_to_watched_tables_count() -> None:
    assert pagecache._watches('UPDATE "regions_region" SET "name" = %s')
    assert pagecache._watches('INSERT INTO "obstacles_obstacle" ("title") VALUES (%s)')
    assert pagecache._watches('DELETE FROM "partnerships_partnership" WHERE id = 1')
    assert not pagecache._watches('UPDATE "django_session" SET "session_data" = %s')
    assert not pagecache._watches('UPDATE "usersessions_usersession" SET "ip" = %s')
    assert not pagecache._watches('SELECT "regions_region"."id" FROM "regions_region"')


@pytest.mark.django_db
def test_writes_register_one_refresh_per_transaction_and_none_when_off(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        Region.objects.filter(slug="gotland").update(description="a")
        Region.objects.filter(slug="uppsala").update(description="b")
    assert callbacks == [pagecache.new_generation]
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    with django_capture_on_commit_callbacks() as callbacks:
        Region.objects.filter(slug="gotland").update(description="c")
    assert callbacks == []
