"""The organisers' pages: who may open and post each one (404 for everyone else, a sign-in for
anonymous visitors), the event form (every bad input keeps what was typed and stores nothing,
a double submit makes one event, a stale version answers 409 keeping the text), the move pages,
the organisers' panel and the dashboard (fixed query counts)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dissemination.models import Event, EventKind
from dissemination.selectors.events import organiser_panel_context
from dissemination.services.events import event_create, event_update
from dissemination.workflow import (
    EVENT_MOVES,
    EventMove,
    EventStatus,
    RegistrationStatus,
    event_move_allowed,
)
from portal.core.models import AuditEvent
from regions.models import Region
from tests.factories_dissemination import EventFactory, LessonFactory, PublicationFactory
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import make_partnership
from tests.utils import count_queries, sign_in

from .test_events_scene import *  # noqa: F403  (fixtures and helpers)
from .test_events_scene import form_data, register, soon

pytestmark = pytest.mark.django_db

S, M = EventStatus, EventMove
LOGIN = "login"
ROLES = ["coordinator", "portal_admin", "other_coordinator", "sponsor", "company_member", "anon"]


@pytest.fixture
def people(
    coordinator: Any, portal_admin: Any, other_coordinator: Any, sponsor: Any, company_member: Any
) -> dict[str, Any]:
    return {
        "coordinator": coordinator,
        "portal_admin": portal_admin,
        "other_coordinator": other_coordinator,
        "sponsor": sponsor,
        "company_member": company_member,
        "anon": None,
    }


def _assert_answer(response: Any, expected: Any) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected


# --- Permission matrix ----------------------------------------------------------------------------

PAGE_EXPECTED = {
    # Any organiser opens the dashboard and the new-event form.
    "manage": {"coordinator": 200, "portal_admin": 200, "other_coordinator": 200},
    "event_create": {"coordinator": 200, "portal_admin": 200, "other_coordinator": 200},
}


@pytest.mark.parametrize("view", ["manage", "event_create"])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_dashboard_and_the_new_event_form(
    view: str, role: str, people: dict[str, Any], client: Any
) -> None:
    sign_in(client, people[role])
    expected = LOGIN if role == "anon" else PAGE_EXPECTED[view].get(role, 404)
    _assert_answer(client.get(reverse(f"dissemination:{view}")), expected)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_post_a_new_event(role: str, people: dict[str, Any], client: Any) -> None:
    sign_in(client, people[role])
    response = client.post(reverse("dissemination:event_create"), form_data(publish="1"))
    if role == "anon":
        _assert_answer(response, LOGIN)
    elif role in ("coordinator", "portal_admin"):
        assert response.status_code == 302
    elif role == "other_coordinator":
        # Uppsala is not a region they organise: the form refuses the choice.
        assert response.status_code == 200
        assert "Choose a region whose events you organise." in response.content.decode()
    else:
        assert response.status_code == 404
    assert Event.objects.exists() is (role in ("coordinator", "portal_admin"))


EVENT_VIEWS = [
    "edit_get",
    "edit_post",
    *[f"move_get_{m.value}" for m in M],
    *[f"move_post_{m.value}" for m in M],
]


def _request(client: Any, view: str, event: Event) -> Any:
    if view == "edit_get":
        return client.get(reverse("dissemination:event_edit", args=[event.pk]))
    if view == "edit_post":
        data = form_data(
            starts_at=event.starts_at,
            title="Ändrad",
            version=event.version,
            region=event.region_id or "",
        )
        return client.post(reverse("dissemination:event_edit", args=[event.pk]), data)
    kind, _sep, move = view.partition("_")[2].partition("_")
    url = reverse("dissemination:event_move", args=[event.pk, move])
    if kind == "get":
        return client.get(url)
    return client.post(
        url,
        {
            "version": event.version,
            "reason": "Skäl.",
            "starts_at": (timezone.localtime(event.starts_at) + dt.timedelta(days=3)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "ends_at": (timezone.localtime(event.ends_at) + dt.timedelta(days=3)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        },
    )


def _expected_for_organiser(view: str, status: str) -> int:
    if view.startswith("edit"):
        if status == S.CANCELLED:
            return 302  # back to the event, with a message
        return 302 if view == "edit_post" else 200
    move = view.rsplit("_", 1)[1]
    if event_move_allowed(move=move, status=status):
        return 302 if _is_post(view) else 200
    if _is_post(view) and move != M.RESCHEDULE and EVENT_MOVES[move][1] == status:
        return 302  # done already (a double click): said so, nothing changes
    return 409


def _changes(view: str, status: str) -> bool:
    """Does an organiser's request change the event?"""
    if view == "edit_post":
        return status != S.CANCELLED
    if not view.startswith("move_post_"):
        return False
    return event_move_allowed(move=view.rsplit("_", 1)[1], status=status)


def _is_post(view: str) -> bool:
    return view in ("edit_post",) or view.startswith("move_post_")


@pytest.mark.parametrize("view", EVENT_VIEWS)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_and_post_each_organiser_page_of_a_published_event(
    view: str, role: str, people: dict[str, Any], event_in: Callable[..., Event], client: Any
) -> None:
    event = event_in(S.PUBLISHED)
    sign_in(client, people[role])
    response = _request(client, view, event)
    if role == "anon":
        _assert_answer(response, LOGIN)
    elif role in ("coordinator", "portal_admin"):
        _assert_answer(response, _expected_for_organiser(view, S.PUBLISHED))
    else:
        _assert_answer(response, 404)
    stored = Event.objects.get(pk=event.pk)
    changed = role in ("coordinator", "portal_admin") and _changes(view, S.PUBLISHED)
    assert (stored.version != event.version) is changed


@pytest.mark.parametrize("view", EVENT_VIEWS)
@pytest.mark.parametrize("status", [S.DRAFT, S.POSTPONED, S.CANCELLED])
def test_the_organiser_pages_in_each_state(
    view: str, status: str, event_in: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = event_in(status)
    client.force_login(coordinator)
    _assert_answer(_request(client, view, event), _expected_for_organiser(view, status))
    stored = Event.objects.get(pk=event.pk)
    assert (stored.version != event.version) is _changes(view, status)


@pytest.mark.parametrize("view", ["edit_get", "edit_post", "move_get_publish", "move_post_publish"])
def test_national_events_are_organised_by_portal_admins_only(
    view: str, coordinator: Any, portal_admin: Any, client: Any
) -> None:
    event = event_create(
        actor=portal_admin,
        kind=EventKind.CONFERENCE,
        title="Nationell konferens",
        starts_at=soon(),
        ends_at=soon() + dt.timedelta(hours=5),
        location="Stockholm",
        region=None,
    )
    client.force_login(coordinator)
    assert _request(client, view, event).status_code == 404
    client.force_login(portal_admin)
    if view == "edit_post":
        data = form_data(starts_at=event.starts_at, version=event.version, region="")
        response = client.post(reverse("dissemination:event_edit", args=[event.pk]), data)
    else:
        response = _request(client, view, event)
    assert response.status_code in (200, 302)


def test_an_unknown_move_and_a_missing_event_are_404(
    event_in: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = event_in(S.PUBLISHED)
    client.force_login(coordinator)
    assert (
        client.get(reverse("dissemination:event_move", args=[event.pk, "delete"])).status_code
        == 404
    )
    assert (
        client.get(reverse("dissemination:event_move", args=[999999, "cancel"])).status_code == 404
    )
    assert client.get(reverse("dissemination:event_edit", args=[999999])).status_code == 404


def test_an_illegal_move_is_explained_to_the_organiser(
    event_in: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = event_in(S.CANCELLED)
    client.force_login(coordinator)
    response = client.post(
        reverse("dissemination:event_move", args=[event.pk, "postpone"]),
        {"version": event.version, "reason": "x"},
    )
    assert response.status_code == 409
    assert "The event is cancelled: it cannot be moved that way now." in response.content.decode()


# --- The event form -----------------------------------------------------------------------------


def test_a_coordinator_creates_a_draft_and_a_published_event(
    coordinator: Any, client: Any, partnership: Any
) -> None:
    obstacle = ObstacleFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("dissemination:event_create"),
        form_data(publish="0", partnerships=[partnership.pk], obstacles=[obstacle.pk]),
    )
    draft = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert draft.status == S.DRAFT and draft.published_at is None
    assert "<p>First paragraph.</p>" in draft.description
    assert "<p>Second paragraph.</p>" in draft.description
    assert list(draft.partnerships.all()) == [partnership]
    assert list(draft.obstacles.all()) == [obstacle]
    assert draft.created_by == coordinator
    client.post(reverse("dissemination:event_create"), form_data(publish="1", title="Andra"))
    published = Event.objects.get(title="Andra")
    assert published.status == S.PUBLISHED and published.published_at is not None


def test_the_form_reads_times_as_swedish_time(coordinator: Any, client: Any) -> None:
    start = soon(30)
    client.force_login(coordinator)
    client.post(reverse("dissemination:event_create"), form_data(starts_at=start))
    event = Event.objects.get()
    assert event.starts_at == start
    assert timezone.localtime(event.starts_at).hour == 13


def test_a_double_submit_of_the_new_event_form_makes_one_event(
    coordinator: Any, client: Any
) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("dissemination:event_create"))
    token = page.context["form"].initial["client_token"]
    data = form_data(client_token=str(token), publish="1")
    first = client.post(reverse("dissemination:event_create"), data)
    second = client.post(reverse("dissemination:event_create"), data)
    assert Event.objects.count() == 1
    assert first["Location"] == second["Location"]


def _bad_inputs() -> list[Any]:
    past = timezone.localtime(timezone.now() - dt.timedelta(days=1))
    start = timezone.localtime(soon())
    fmt = "%Y-%m-%dT%H:%M"
    return [
        pytest.param({"kind": ""}, "kind", id="no-kind"),
        pytest.param({"kind": "party"}, "kind", id="unknown-kind"),
        pytest.param({"title": ""}, "title", id="no-title"),
        pytest.param({"title": "x" * 201}, "title", id="long-title"),
        pytest.param({"description": "x" * 20001}, "description", id="long-description"),
        pytest.param({"starts_at": ""}, "starts_at", id="no-start"),
        pytest.param({"starts_at": "i morgon"}, "starts_at", id="garbled-start"),
        pytest.param({"starts_at": "2027-02-30T10:00"}, "starts_at", id="no-such-day"),
        pytest.param(
            {
                "starts_at": past.strftime(fmt),
                "ends_at": (past + dt.timedelta(hours=1)).strftime(fmt),
            },
            "starts_at",
            id="start-in-the-past",
        ),
        pytest.param({"ends_at": ""}, "ends_at", id="no-end"),
        pytest.param({"ends_at": start.strftime(fmt)}, "ends_at", id="end-at-start"),
        pytest.param(
            {"ends_at": (start - dt.timedelta(hours=1)).strftime(fmt)}, "ends_at", id="end-first"
        ),
        pytest.param({"location": "", "online_url": ""}, "location", id="no-place-no-link"),
        pytest.param({"location": "x" * 301}, "location", id="long-place"),
        pytest.param({"online_url": "inte en adress"}, "online_url", id="bad-link"),
        pytest.param({"online_url": "javascript:alert(1)"}, "online_url", id="script-link"),
        pytest.param({"region": "999999"}, "region", id="unknown-region"),
        pytest.param({"region": ""}, "region", id="no-region"),
        pytest.param({"language": "de"}, "language", id="bad-language"),
        pytest.param({"capacity": "0"}, "capacity", id="no-seats"),
        pytest.param({"capacity": "-5"}, "capacity", id="negative-seats"),
        pytest.param({"capacity": "tio"}, "capacity", id="words-for-seats"),
        pytest.param({"capacity": "1.5"}, "capacity", id="half-a-seat"),
        pytest.param(
            {"registration_deadline": (start + dt.timedelta(minutes=1)).strftime(fmt)},
            "registration_deadline",
            id="deadline-after-start",
        ),
        pytest.param(
            {"registration_deadline": "snart"}, "registration_deadline", id="bad-deadline"
        ),
        pytest.param({"partnerships": ["999999"]}, "partnerships", id="unknown-partnership"),
        pytest.param({"obstacles": ["999999"]}, "obstacles", id="unknown-obstacle"),
    ]


@pytest.mark.parametrize(("changes", "field"), _bad_inputs())
def test_bad_input_on_the_new_event_form_keeps_what_was_typed_and_stores_nothing(
    changes: dict[str, Any], field: str, coordinator: Any, client: Any
) -> None:
    client.force_login(coordinator)
    data = form_data(**{"title": "Mitt evenemang", "location": "Sal 3", **changes})
    response = client.post(reverse("dissemination:event_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    if "title" not in changes:
        assert 'value="Mitt evenemang"' in body
    typed = data.get("starts_at")
    if typed and field != "starts_at":
        assert f'value="{typed}"' in body
    assert not Event.objects.exists()
    assert not AuditEvent.objects.filter(action="event.create").exists()


def test_partnerships_of_another_region_are_not_offered(
    coordinator: Any, partnership: Any, client: Any
) -> None:
    elsewhere = make_partnership("ostergotland")
    client.force_login(coordinator)
    response = client.post(
        reverse("dissemination:event_create"), form_data(partnerships=[elsewhere.pk])
    )
    assert "partnerships" in response.context["form"].errors
    assert not Event.objects.exists()
    offered = list(response.context["form"].fields["partnerships"].queryset)
    assert offered == [partnership]


def test_a_withdrawn_obstacle_is_not_offered_but_stays_linked(
    make_event: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    kept = ObstacleFactory()
    event = make_event(obstacles=[kept])
    kept.status = "withdrawn"
    kept.save(update_fields=["status"])
    client.force_login(coordinator)
    response = client.get(reverse("dissemination:event_edit", args=[event.pk]))
    assert kept in response.context["form"].fields["obstacles"].queryset
    fresh = client.get(reverse("dissemination:event_create"))
    assert kept not in fresh.context["form"].fields["obstacles"].queryset


def test_the_edit_form_shows_the_description_as_typed_and_saves_it_unchanged(
    make_event: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = make_event(description="Rad ett.\n\nRad två.")
    client.force_login(coordinator)
    page = client.get(reverse("dissemination:event_edit", args=[event.pk]))
    assert page.context["form"].initial["description"] == "Rad ett.\n\nRad två."
    data = form_data(
        starts_at=event.starts_at,
        title=event.title,
        description="Rad ett.\n\nRad två.",
        online_url=event.online_url,
        capacity=str(event.capacity),
        version=event.version,
    )
    client.post(reverse("dissemination:event_edit", args=[event.pk]), data)
    stored = Event.objects.get(pk=event.pk)
    assert stored.description == event.description


def test_a_stale_edit_answers_409_keeping_what_was_typed(
    make_event: Callable[..., Event], coordinator: Any, portal_admin: Any, client: Any
) -> None:
    event = make_event()
    seen = event.version
    event_update(actor=portal_admin, event=event, expected_version=seen, title="Adminens rubrik")
    client.force_login(coordinator)
    response = client.post(
        reverse("dissemination:event_edit", args=[event.pk]),
        form_data(
            starts_at=event.starts_at,
            title="Min rubrik",
            description="Min egen text.",
            version=seen,
        ),
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert 'value="Min rubrik"' in body
    assert "Min egen text." in body
    assert "Adminens rubrik" in body  # what is stored now, beside the form
    assert f'name="version" value="{seen + 1}"' in body  # saving again is a choice
    assert Event.objects.get(pk=event.pk).title == "Adminens rubrik"


def test_a_double_click_on_save_of_an_edit_is_no_conflict(
    make_event: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = make_event()
    client.force_login(coordinator)
    data = form_data(
        starts_at=event.starts_at,
        title="Ny rubrik",
        description="Hur regionen och företagen hittar varandra.",
        online_url=event.online_url,
        capacity="2",
        version=event.version,
    )
    url = reverse("dissemination:event_edit", args=[event.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Event.objects.get(pk=event.pk).version == event.version + 1


def test_a_new_time_saved_in_the_edit_form_tells_everyone_registered(
    make_event: Callable[..., Event],
    coordinator: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = make_event()
    register(event, email="a@example.se")
    register(event, status=RegistrationStatus.WAITLISTED, email="b@example.se")
    register(event, status=RegistrationStatus.CANCELLED, email="c@example.se")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dissemination:event_edit", args=[event.pk]),
            form_data(
                starts_at=event.starts_at + dt.timedelta(days=1),
                title=event.title,
                online_url=event.online_url,
                capacity="2",
                version=event.version,
            ),
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.se", "b@example.se"]


# --- Move pages ---------------------------------------------------------------------------------


def test_the_cancel_page_asks_for_the_reason_and_keeps_it_on_error(
    event_in: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = event_in(S.PUBLISHED)
    register(event)
    client.force_login(coordinator)
    url = reverse("dissemination:event_move", args=[event.pk, "cancel"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    empty = client.post(url, {"version": event.version, "reason": "  "})
    assert empty.status_code == 400
    assert "Give a reason" in empty.content.decode()
    assert Event.objects.get(pk=event.pk).status == S.PUBLISHED
    done = client.post(url, {"version": event.version, "reason": "För få anmälda."})
    assert done.status_code == 302
    stored = Event.objects.get(pk=event.pk)
    assert (stored.status, stored.status_reason) == (S.CANCELLED, "För få anmälda.")


def test_the_reschedule_page_offers_the_current_time_and_refuses_a_bad_one(
    event_in: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = event_in(S.PUBLISHED)
    client.force_login(coordinator)
    url = reverse("dissemination:event_move", args=[event.pk, "reschedule"])
    page = client.get(url).content.decode()
    assert timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M") in page
    start = timezone.localtime(event.starts_at) + dt.timedelta(days=2)
    response = client.post(
        url,
        {
            "version": event.version,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Ny lokal.",
        },
    )
    assert response.status_code == 400
    assert "Ny lokal." in response.content.decode()
    assert Event.objects.get(pk=event.pk).starts_at == event.starts_at


def test_a_stale_move_page_answers_409_keeping_the_reason(
    event_in: Callable[..., Event], coordinator: Any, portal_admin: Any, client: Any
) -> None:
    event = event_in(S.PUBLISHED)
    seen = event.version
    event_update(actor=portal_admin, event=event, expected_version=seen, title="Ändrad")
    client.force_login(coordinator)
    response = client.post(
        reverse("dissemination:event_move", args=[event.pk, "postpone"]),
        {"version": seen, "reason": "Talaren är sjuk."},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Talaren är sjuk." in body
    assert "changed while you were looking at it" in body
    assert Event.objects.get(pk=event.pk).status == S.PUBLISHED


def test_a_double_click_on_cancel_is_done_once(
    event_in: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = event_in(S.PUBLISHED)
    client.force_login(coordinator)
    url = reverse("dissemination:event_move", args=[event.pk, "cancel"])
    data = {"version": event.version, "reason": "Inställt."}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert again.redirect_chain[0][1] == 302
    assert "The event is cancelled. Everyone registered has been told." in again.content.decode()
    assert AuditEvent.objects.filter(action="event.cancel").count() == 1


# --- The organisers' panel ------------------------------------------------------------------------


def test_the_organiser_panel_is_for_organisers_only(
    event_in: Callable[..., Event], people: dict[str, Any]
) -> None:
    from django.contrib.auth.models import AnonymousUser

    event = event_in(S.PUBLISHED)
    register(event)
    register(event, status=RegistrationStatus.WAITLISTED)
    for role in ("other_coordinator", "sponsor", "company_member"):
        assert organiser_panel_context(user=people[role], event=event) == {}
    assert organiser_panel_context(user=AnonymousUser(), event=event) == {}
    for role in ("coordinator", "portal_admin"):
        context = organiser_panel_context(user=people[role], event=event)
        assert context["organiser_panel_event"] == event
        assert context["organiser_panel_edit_url"] == reverse(
            "dissemination:event_edit", args=[event.pk]
        )
        assert [move for move, _label, _url in context["organiser_panel_moves"]] == [
            "reschedule",
            "postpone",
            "cancel",
        ]
        assert context["organiser_panel_seats"] == {
            "confirmed": 1,
            "waiting": 1,
            "capacity": 2,
            "free": 1,
        }
        assert context["organiser_panel_attendees_url"].endswith(f"/{event.pk}/attendees/")
        assert context["organiser_panel_reach_url"].endswith(f"/{event.pk}/reach/")


def test_the_organiser_panel_of_a_cancelled_event_offers_no_edit_and_no_move(
    event_in: Callable[..., Event], coordinator: Any
) -> None:
    context = organiser_panel_context(user=coordinator, event=event_in(S.CANCELLED))
    assert context["organiser_panel_edit_url"] == ""
    assert context["organiser_panel_moves"] == []


def test_the_organiser_panel_renders(event_in: Callable[..., Event], coordinator: Any) -> None:
    from django.template.loader import render_to_string

    event = event_in(S.DRAFT)
    html = render_to_string(
        "dissemination/partials/organiser_panel.html",
        organiser_panel_context(user=coordinator, event=event),
    )
    assert reverse("dissemination:event_move", args=[event.pk, "publish"]) in html
    assert "0 of 2 seats taken, 2 free" in html
    assert render_to_string("dissemination/partials/organiser_panel.html", {}).strip() == ""


# --- The dashboard ------------------------------------------------------------------------------


def test_the_dashboard_lists_the_organisers_events_publications_and_lessons(
    coordinator: Any, other_region: Region, partnership: Any, client: Any
) -> None:
    draft = EventFactory(status=S.DRAFT, title="Utkastet")
    coming = EventFactory(title="Kommande")
    register(coming)
    register(coming, status=RegistrationStatus.WAITLISTED)
    past = EventFactory(
        title="Förra året",
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=30) + dt.timedelta(hours=1),
    )
    elsewhere = EventFactory(title="Östgöta", region=other_region)
    PublicationFactory(title="Rapporten")
    PublicationFactory(title="Östgötarapporten", region=other_region)
    LessonFactory(partnership=partnership, status="submitted", published_at=None)
    client.force_login(coordinator)
    response = client.get(reverse("dissemination:manage"))
    body = response.content.decode()
    assert response.status_code == 200
    coming_rows = [event for event, _seats in response.context["coming"]]
    assert sorted(e.pk for e in coming_rows) == sorted([coming.pk, draft.pk])
    assert [event for event, _seats in response.context["past"]] == [past]
    assert elsewhere.title not in body
    assert "Rapporten" in body and "Östgötarapporten" not in body
    assert "1 lesson learned waits for your review" in body
    assert reverse("dissemination:lesson_review") in body
    assert reverse("dissemination:publication_create") in body
    assert reverse("dissemination:event_create") in body
    seats = dict(response.context["coming"])[coming]
    assert (seats["confirmed"], seats["waiting"], seats["capacity"]) == (1, 1, 50)


def test_the_dashboard_of_an_admin_can_be_narrowed_to_a_region_or_national(
    portal_admin: Any, other_region: Region, client: Any
) -> None:
    EventFactory(title="Uppsalas")
    EventFactory(title="Östgötas", region=other_region)
    EventFactory(title="Nationellt", region=None)
    client.force_login(portal_admin)
    everything = client.get(reverse("dissemination:manage")).content.decode()
    assert all(t in everything for t in ("Uppsalas", "Östgötas", "Nationellt"))
    narrowed = client.get(reverse("dissemination:manage"), {"region": other_region.slug})
    titles = [e.title for e, _s in narrowed.context["coming"]]
    assert titles == ["Östgötas"]
    national = client.get(reverse("dissemination:manage"), {"region": "national"})
    assert [e.title for e, _s in national.context["coming"]] == ["Nationellt"]


def test_the_dashboard_makes_the_same_number_of_queries_for_5_and_30_events(
    coordinator: Any, client: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("dissemination:manage")

    def fill(n: int) -> None:
        for i in range(n):
            event = EventFactory(status=S.DRAFT if i % 3 == 0 else S.PUBLISHED)
            register(event)
            EventFactory(
                starts_at=timezone.now() - dt.timedelta(days=i + 2),
                ends_at=timezone.now() - dt.timedelta(days=i + 2) + dt.timedelta(hours=1),
            )
            PublicationFactory()

    fill(5)
    few = count_queries(client, url)
    fill(25)
    many = count_queries(client, url)
    assert few == many
