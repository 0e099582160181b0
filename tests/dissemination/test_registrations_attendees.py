"""The organisers' attendee list, its CSV export and marking attendance.

Only the event's organisers (its region's coordinators; portal admins everywhere, and alone for
national events) see the list with needs and email addresses; everyone else gets 404 for GET and
POST alike, and signed-out visitors are sent to sign in.
"""

import csv
import datetime as dt
import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dissemination.models import Registration
from dissemination.workflow import RegistrationStatus
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory, RegistrationFactory
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

RS = RegistrationStatus
LOGIN = "login"


def _held(**kwargs: Any) -> Any:
    """An event that started two hours ago (attendance can be marked)."""
    now = timezone.now()
    return EventFactory(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1), **kwargs
    )


def _csv(response: Any) -> tuple[str, list[list[str]]]:
    raw = b"".join(response.streaming_content).decode("utf-8")
    return raw, list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))


# --- Who may do what ----------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "attendee",
    "company_member",
    "sponsor",
    "other_coordinator",
    "coordinator",
    "portal_admin",
]
VIEWS = [
    "attendees",
    "attendees_post",
    "attendees_csv",
    "attendees_csv_post",
    "attendance_get",
    "attendance",
]


@pytest.fixture
def people(
    company_member: Any,
    sponsor: Any,
    other_coordinator: Any,
    coordinator: Any,
    portal_admin: Any,
) -> dict[str, Any]:
    return {
        "anonymous": None,
        "attendee": UserFactory(),
        "company_member": company_member,
        "sponsor": sponsor,
        "other_coordinator": other_coordinator,
        "coordinator": coordinator,
        "portal_admin": portal_admin,
    }


def _requests(event: Any, registration: Registration) -> dict[str, tuple[str, str, dict]]:
    attendees = reverse("dissemination:attendees", args=[event.pk])
    csv_url = reverse("dissemination:attendees_csv", args=[event.pk])
    attendance = reverse("dissemination:attendance", args=[event.pk])
    mark = {f"attended-{registration.pk}": "yes", f"initial-attended-{registration.pk}": ""}
    return {
        "attendees": ("get", attendees, {}),
        "attendees_post": ("post", attendees, {}),
        "attendees_csv": ("get", csv_url, {}),
        "attendees_csv_post": ("post", csv_url, {}),
        "attendance_get": ("get", attendance, {}),
        "attendance": ("post", attendance, mark),
    }


def _rule(view: str, role: str) -> Any:
    if role == "anonymous":
        return LOGIN
    if role not in {"coordinator", "portal_admin"}:
        return 404
    return {"attendees_post": 405, "attendees_csv_post": 405, "attendance_get": 405}.get(
        view, 302 if view == "attendance" else 200
    )


@pytest.mark.parametrize(
    ("view", "role", "expected"),
    [
        pytest.param(view, role, _rule(view, role), id=f"{view}-{role}")
        for view in VIEWS
        for role in ROLES
    ],
)
def test_the_attendee_list_export_and_attendance_are_for_organisers_only(
    view: str, role: str, expected: Any, people: dict[str, Any], client: Any
) -> None:
    event = _held()
    registration = RegistrationFactory(event=event, user=people["attendee"], needs="Nötallergi")
    method, url, data = _requests(event, registration)[view]
    if people[role] is not None:
        client.force_login(people[role])

    response = getattr(client, method)(url, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    else:
        assert response.status_code == expected
    marked = Registration.objects.get(pk=registration.pk).attended
    assert marked is (True if (view == "attendance" and expected == 302) else None)
    if expected == 200 and view == "attendees":
        assert "Nötallergi" in response.content.decode()


@pytest.mark.parametrize(("role", "expected"), [("coordinator", 404), ("portal_admin", 200)])
def test_a_national_events_attendees_are_for_portal_admins(
    role: str, expected: int, people: dict[str, Any], client: Any
) -> None:
    event = EventFactory(region=None)
    client.force_login(people[role])
    assert client.get(reverse("dissemination:attendees", args=[event.pk])).status_code == expected


def test_a_missing_event_is_a_404_for_organisers_too(coordinator: Any, client: Any) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("dissemination:attendees", args=[999999])).status_code == 404


def test_needs_are_shown_to_organisers_only(coordinator: Any, client: Any) -> None:
    event = EventFactory()
    attendee = RegistrationFactory(event=event, needs="Teckenspråkstolk").user
    other = RegistrationFactory(event=event).user
    for person in (attendee, other):
        client.force_login(person)
        page = client.get(reverse("dissemination:register", args=[event.pk])).content.decode()
        assert "Teckenspråkstolk" not in page
    client.force_login(coordinator)
    page = client.get(reverse("dissemination:attendees", args=[event.pk])).content.decode()
    assert "Teckenspråkstolk" in page


# --- The page -----------------------------------------------------------------------------------


def test_the_list_shows_every_registration_in_order_with_its_details(
    coordinator: Any, client: Any
) -> None:
    event = EventFactory(capacity=1)
    RegistrationFactory(
        event=event, name="Först Fredriksson", organisation="Alfa AB", consent_to_list=False
    )
    RegistrationFactory(event=event, name="Köande Karlsson", status=RS.WAITLISTED)
    RegistrationFactory(
        event=event, name="Avbokad Andersson", status=RS.CANCELLED, cancelled_at=timezone.now()
    )
    client.force_login(coordinator)

    html = client.get(reverse("dissemination:attendees", args=[event.pk])).content.decode()

    order = [html.index(n) for n in ("Först", "Köande", "Avbokad")]
    assert order == sorted(order)
    assert "Waiting list, number 1" in html
    assert "Alfa AB" in html
    assert "You can mark attendance once the event has started." in html
    assert "<select" not in html
    assert reverse("dissemination:attendees_csv", args=[event.pk]) in html


def test_attendee_page_queries_do_not_grow_with_rows(coordinator: Any, client: Any) -> None:
    counts = []
    for rows in (2, 20):
        event = _held(capacity=rows)
        for i in range(rows):
            RegistrationFactory(event=event, status=RS.WAITLISTED if i % 3 == 0 else RS.CONFIRMED)
        client.force_login(coordinator)
        counts.append(count_queries(client, reverse("dissemination:attendees", args=[event.pk])))
    assert counts[0] == counts[1]


# --- Attendance ---------------------------------------------------------------------------------


def _mark(client: Any, event: Any, values: dict[Registration, tuple[str, str]]) -> Any:
    """Post the attendance form: registration → (value drawn on the page, value chosen)."""
    data: dict[str, str] = {}
    for registration, (was, now) in values.items():
        data[f"initial-attended-{registration.pk}"] = was
        data[f"attended-{registration.pk}"] = now
    return client.post(reverse("dissemination:attendance", args=[event.pk]), data)


def test_organisers_mark_attendance_after_the_start(coordinator: Any, client: Any) -> None:
    event = _held()
    came, absent, unknown = (RegistrationFactory(event=event) for _ in range(3))
    client.force_login(coordinator)

    page = client.get(reverse("dissemination:attendees", args=[event.pk])).content.decode()
    assert f'name="attended-{came.pk}"' in page
    assert "Attended: " in page  # each choice has its own label
    response = _mark(client, event, {came: ("", "yes"), absent: ("", "no"), unknown: ("", "")})

    assert response.status_code == 302
    stored = {r.pk: r.attended for r in Registration.objects.filter(event=event)}
    assert stored == {came.pk: True, absent.pk: False, unknown.pk: None}
    page = client.get(response["Location"]).content.decode()
    assert "Attendance saved (2 changed)." in page


def test_only_the_rows_changed_in_the_form_are_saved(coordinator: Any, client: Any) -> None:
    """Another organiser marked Bo meanwhile; this organiser's older page changes only Anna."""
    event = _held()
    anna, bo = RegistrationFactory(event=event), RegistrationFactory(event=event)
    Registration.objects.filter(pk=bo.pk).update(attended=True)
    client.force_login(coordinator)

    _mark(client, event, {anna: ("", "yes"), bo: ("", "")})

    assert Registration.objects.get(pk=anna.pk).attended is True
    assert Registration.objects.get(pk=bo.pk).attended is True


def test_attendance_before_the_start_is_refused(coordinator: Any, client: Any) -> None:
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    client.force_login(coordinator)

    response = _mark(client, event, {registration: ("", "yes")})

    assert response.status_code == 400
    assert "You can mark attendance once the event has started." in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).attended is None


def test_a_value_that_is_not_a_choice_is_shown_beside_the_row(
    coordinator: Any, client: Any
) -> None:
    event = _held()
    good, bad = RegistrationFactory(event=event), RegistrationFactory(event=event)
    client.force_login(coordinator)

    response = _mark(client, event, {good: ("", "yes"), bad: ("", "maybe")})

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="attendance-attended-{bad.pk}_error"' in html
    assert "Select a valid choice" in html
    assert not Registration.objects.filter(event=event, attended__isnull=False).exists()


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_is_made_for_swedish_excel_and_neutralises_formulas(
    coordinator: Any, client: Any
) -> None:
    starts = timezone.make_aware(dt.datetime(2026, 10, 27, 13, 0))
    event = EventFactory(starts_at=starts, capacity=1)
    RegistrationFactory(
        event=event,
        name="=cmd|' /C calc'!A0",
        organisation="+SUM(A1)",
        needs="@Vegetariskt\noch glutenfritt",
        attended=True,
    )
    RegistrationFactory(event=event, name="Väntande", status=RS.WAITLISTED, consent_to_list=False)
    client.force_login(coordinator)

    response = client.get(reverse("dissemination:attendees_csv", args=[event.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="attendees-2026-10-27-event-{event.pk}.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    raw, rows = _csv(response)
    assert raw.startswith("\ufeffName;Organisation;Email;")
    assert "\r\n" in raw
    header, first, second = rows
    assert header[:4] == ["Name", "Organisation", "Email", "Dietary or accessibility needs"]
    assert first[0] == "'=cmd|' /C calc'!A0"
    assert first[1] == "'+SUM(A1)"
    assert first[3] == "'@Vegetariskt\noch glutenfritt"
    # Shown on the list, email shared (not consented: the Email cell is empty), status, place.
    assert first[2] == ""
    assert first[4:8] == ["yes", "no", "Registered", ""]
    assert first[9] == "yes"
    assert second[0] == "Väntande"
    assert second[4:8] == ["no", "no", "On the waiting list", "1"]
