"""The reach pages: who may open and post each (404 for everyone else, login for anonymous),
region scoping of the overview, the chart and table, bad input on the figure form, deleting,
the CSV (content, Swedish Excel, formula safety) and fixed query counts."""

import csv
import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from dissemination.models import DownloadCount, ReachEntry, ReachMetric
from dissemination.selectors.reach import last_quarters
from dissemination.services.reach import reach_record
from dissemination.workflow import EventStatus
from regions.models import RegionRole
from tests.factories_dissemination import (
    EventFactory,
    PublicationFactory,
    ReachEntryFactory,
    RegistrationFactory,
)
from tests.factories_process import make_region_person
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

STHLM = ZoneInfo("Europe/Stockholm")
YEAR = 2025
LOGIN = "login"
OVERVIEW = reverse("dissemination:reach_overview")
CSV_URL = reverse("dissemination:reach_csv")
ROLES = [
    "anonymous",
    "company_member",
    "other_coordinator",
    "sponsor",
    "coordinator",
    "portal_admin",
]


@pytest.fixture
def people(
    company_member: Any, other_coordinator: Any, sponsor: Any, coordinator: Any, portal_admin: Any
) -> dict[str, Any]:
    return {
        "anonymous": None,
        "company_member": company_member,
        "other_coordinator": other_coordinator,
        "sponsor": sponsor,
        "coordinator": coordinator,
        "portal_admin": portal_admin,
    }


def at(month: int, day: int, hour: int = 13, year: int = YEAR) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=STHLM)


def past_event(**kwargs: Any) -> Any:
    starts = kwargs.pop("starts_at", at(5, 20))
    return EventFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=2), **kwargs)


def figure_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "metric": "attendance",
        "value": "35",
        "counted_on": timezone.localdate().isoformat(),
        "notes": "Räknat vid dörren",
    }
    data.update(overrides)
    return data


def login(client: Any, person: Any) -> None:
    if person is not None:
        client.force_login(person)


def assert_outcome(response: Any, expected: Any) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected, response.status_code


# --- Permission matrix ----------------------------------------------------------------------

ORGANISERS = {"coordinator", "portal_admin"}
READERS = {"sponsor", "coordinator", "portal_admin"}


def _expected(view: str, role: str) -> Any:
    if role == "anonymous":
        return LOGIN
    if view in ("overview", "csv"):
        return 200 if role in READERS else 404
    if view in ("event_get", "publication_get"):
        return 200 if role in ORGANISERS else 404
    if view in ("event_post", "publication_post", "event_delete"):
        return 302 if role in ORGANISERS else 404
    raise AssertionError(view)


VIEWS = [
    "overview",
    "csv",
    "event_get",
    "event_post",
    "publication_get",
    "publication_post",
    "event_delete",
]


@pytest.mark.parametrize(
    ("view", "role", "expected"),
    [pytest.param(v, r, _expected(v, r), id=f"{v}-{r}") for v in VIEWS for r in ROLES],
)
def test_who_may_open_and_post_each_reach_page(
    view: str, role: str, expected: Any, people: dict[str, Any], coordinator: Any, client: Any
) -> None:
    event = past_event()
    publication = PublicationFactory()
    entry = reach_record(
        actor=coordinator, event=event, metric="views", value=5, counted_on=timezone.localdate()
    )
    login(client, people[role])
    if view == "overview":
        response = client.get(OVERVIEW + "?region=uppsala")
    elif view == "csv":
        response = client.get(CSV_URL + "?region=uppsala")
    elif view == "event_get":
        response = client.get(reverse("dissemination:event_reach", args=[event.pk]))
    elif view == "event_post":
        response = client.post(reverse("dissemination:event_reach", args=[event.pk]), figure_data())
    elif view == "publication_get":
        response = client.get(reverse("dissemination:publication_reach", args=[publication.pk]))
    elif view == "publication_post":
        response = client.post(
            reverse("dissemination:publication_reach", args=[publication.pk]),
            figure_data(metric="listeners"),
        )
    else:
        response = client.post(
            reverse("dissemination:event_reach_delete", args=[event.pk, entry.pk])
        )
    assert_outcome(response, expected)
    changed = expected == 302
    if view in ("event_post", "publication_post"):
        assert ReachEntry.objects.count() == (2 if changed else 1)
    if view == "event_delete":
        assert ReachEntry.objects.filter(pk=entry.pk).exists() is not changed


@pytest.mark.parametrize("role", ["coordinator", "sponsor"])
def test_another_regions_reach_is_a_404(role: str, people: dict[str, Any], client: Any) -> None:
    login(client, people[role])
    for query in (
        "?region=ostergotland",
        "?region=national",
        "?region=no-such-region",
        "?region=all",
    ):
        assert client.get(OVERVIEW + query).status_code == 404, query
        assert client.get(CSV_URL + query).status_code == 404, query


def test_a_coordinator_cannot_open_another_regions_event_or_publication(
    coordinator: Any, other_region: Any, client: Any
) -> None:
    event = past_event(region=other_region)
    national = past_event(region=None)
    publication = PublicationFactory(region=other_region)
    client.force_login(coordinator)
    for url in (
        reverse("dissemination:event_reach", args=[event.pk]),
        reverse("dissemination:event_reach", args=[national.pk]),
        reverse("dissemination:publication_reach", args=[publication.pk]),
        reverse("dissemination:event_reach", args=[999999]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, figure_data(metric="views")).status_code == 404
    assert not ReachEntry.objects.exists()


def test_a_figure_of_another_event_cannot_be_deleted_through_mine(
    coordinator: Any, portal_admin: Any, other_region: Any, client: Any
) -> None:
    mine = past_event()
    theirs = past_event(region=other_region)
    entry = reach_record(
        actor=portal_admin, event=theirs, metric="views", value=5, counted_on=timezone.localdate()
    )
    client.force_login(coordinator)
    response = client.post(reverse("dissemination:event_reach_delete", args=[mine.pk, entry.pk]))
    assert response.status_code == 302
    assert ReachEntry.objects.filter(pk=entry.pk).exists()
    assert (
        client.post(
            reverse("dissemination:event_reach_delete", args=[theirs.pk, entry.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("dissemination:event_reach_delete", args=[mine.pk, entry.pk])
        ).status_code
        == 405
    )


@pytest.mark.parametrize("role", ROLES)
def test_a_wrong_method_is_405_only_for_the_organisers(
    role: str, people: dict[str, Any], coordinator: Any, client: Any
) -> None:
    """The permission is checked before the method: a GET on a delete URL (or a PUT on a figures
    page) tells nobody else that the event, the publication or the figure exists."""
    event = past_event()
    publication = PublicationFactory()
    today = timezone.localdate()
    on_event = reach_record(
        actor=coordinator, event=event, metric="views", value=5, counted_on=today
    )
    on_publication = reach_record(
        actor=coordinator, publication=publication, metric="views", value=7, counted_on=today
    )
    login(client, people[role])
    urls = [
        ("get", reverse("dissemination:event_reach_delete", args=[event.pk, on_event.pk])),
        (
            "get",
            reverse(
                "dissemination:publication_reach_delete", args=[publication.pk, on_publication.pk]
            ),
        ),
        ("put", reverse("dissemination:event_reach", args=[event.pk])),
        ("delete", reverse("dissemination:publication_reach", args=[publication.pk])),
    ]
    expected = LOGIN if role == "anonymous" else (405 if role in ORGANISERS else 404)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert_outcome(response, expected)
        if expected == 405:
            assert response["Allow"] == ("POST" if "delete/" in url else "GET, POST")
    assert ReachEntry.objects.count() == 2


def test_a_publications_figure_is_deleted_by_post(
    coordinator: Any, other_coordinator: Any, client: Any
) -> None:
    publication = PublicationFactory()
    entry = reach_record(
        actor=coordinator,
        publication=publication,
        metric="listeners",
        value=40,
        counted_on=timezone.localdate(),
    )
    url = reverse("dissemination:publication_reach_delete", args=[publication.pk, entry.pk])
    client.force_login(other_coordinator)
    assert client.post(url).status_code == 404
    assert ReachEntry.objects.filter(pk=entry.pk).exists()
    client.force_login(coordinator)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("dissemination:publication_reach", args=[publication.pk])
    assert not ReachEntry.objects.filter(pk=entry.pk).exists()


# --- The overview ---------------------------------------------------------------------------


def test_a_coordinator_of_one_region_sees_it_by_default(
    coordinator: Any, other_region: Any, client: Any
) -> None:
    past_event(starts_at=timezone.now() - dt.timedelta(hours=3))
    past_event(starts_at=timezone.now() - dt.timedelta(hours=3), region=other_region)
    client.force_login(coordinator)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["scope"].key == "uppsala"
    assert sum(r.events for r in response.context["rows"]) == 1
    assert [r.key for r in response.context["rows"]] == last_quarters()
    choices = [key for key, _label in response.context["form"].fields["region"].choices]
    assert choices == ["uppsala"]


def test_a_person_with_two_regions_sees_both_together_by_default(
    region: Any, other_region: Any, client: Any
) -> None:
    person = make_region_person("uppsala", email="both@example.se")
    from regions.services import region_assign_role
    from tests.factories_process import make_admin

    region_assign_role(
        actor=make_admin(), region=other_region, user=person, role=RegionRole.SPONSOR
    )
    past_event(starts_at=timezone.now() - dt.timedelta(hours=3))
    past_event(starts_at=timezone.now() - dt.timedelta(hours=3), region=other_region)
    past_event(starts_at=timezone.now() - dt.timedelta(hours=3), region=None)
    client.force_login(person)
    response = client.get(OVERVIEW)
    assert response.context["scope"].key == "all"
    assert sum(r.events for r in response.context["rows"]) == 2
    choices = [key for key, _label in response.context["form"].fields["region"].choices]
    assert choices == ["all", "uppsala", "ostergotland"]
    assert client.get(OVERVIEW + "?region=ostergotland").status_code == 200
    assert client.get(OVERVIEW + "?region=national").status_code == 404


def test_an_admin_sees_programme_wide_national_and_each_region(
    portal_admin: Any, other_region: Any, client: Any
) -> None:
    for region in (None, other_region):
        past_event(starts_at=at(2, 1), region=region)
    past_event(starts_at=at(3, 1))
    client.force_login(portal_admin)

    def events(query: str) -> int:
        response = client.get(OVERVIEW + query)
        assert response.status_code == 200
        return sum(r.events for r in response.context["rows"])

    assert events(f"?year={YEAR}") == 3
    assert events(f"?region=all&year={YEAR}") == 3
    assert events(f"?region=national&year={YEAR}") == 1
    assert events(f"?region=ostergotland&year={YEAR}") == 1
    assert events(f"?region=uppsala&year={YEAR}") == 1
    choices = [key for key, _label in client.get(OVERVIEW).context["form"].fields["region"].choices]
    assert choices[:2] == ["all", "national"]
    assert len(choices) == 2 + 21


def test_the_page_shows_a_chart_a_caption_and_the_table(coordinator: Any, client: Any) -> None:
    event = past_event(starts_at=at(8, 20), title="Webbinarium <om> vården")
    RegistrationFactory.create_batch(3, event=event)
    ReachEntryFactory(
        event=event, metric=ReachMetric.VIEWS, value=1234, counted_on=dt.date(YEAR, 8, 21)
    )
    client.force_login(coordinator)
    response = client.get(OVERVIEW + f"?year={YEAR}")
    body = response.content.decode()
    assert [r.label for r in response.context["rows"]] == [f"Q{n} {YEAR}" for n in (1, 2, 3, 4)]
    q3 = response.context["rows"][2]
    assert (q3.events, q3.registrations, q3.views) == (1, 3, 1234)
    assert response.context["total"].views == 1234
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body
    assert 'role="img"' in body and 'aria-labelledby="reach-chart-title reach-chart-desc"' in body
    assert "The table below has the same figures" in body
    assert "<caption" in body and "<tfoot>" in body
    assert "1,234" in body
    assert "Webbinarium &lt;om&gt; vården" in body
    assert reverse("dissemination:event_reach", args=[event.pk]) in body
    assert "style=" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert f"{CSV_URL}?region=uppsala&amp;year={YEAR}" in body


def test_a_sponsor_sees_figures_but_links_to_the_public_pages(sponsor: Any, client: Any) -> None:
    event = past_event(starts_at=at(8, 20))
    ReachEntryFactory(
        event=event, metric=ReachMetric.VIEWS, value=3, counted_on=dt.date(YEAR, 8, 21)
    )
    client.force_login(sponsor)
    body = client.get(OVERVIEW + f"?year={YEAR}").content.decode()
    assert event.get_absolute_url() in body
    assert reverse("dissemination:event_reach", args=[event.pk]) not in body


def test_no_figures_shows_an_empty_chart(coordinator: Any, client: Any) -> None:
    client.force_login(coordinator)
    body = client.get(OVERVIEW).content.decode()
    assert "No figures yet for this period." in body
    assert "No events or publications with figures in this period." in body


@pytest.mark.parametrize("year", ["abc", "1999", "20255", str(timezone.localdate().year + 1), "-1"])
def test_a_bad_year_falls_back_to_the_last_four_quarters(
    year: str, coordinator: Any, client: Any
) -> None:
    client.force_login(coordinator)
    response = client.get(OVERVIEW + f"?year={year}")
    assert response.status_code == 200
    assert [r.key for r in response.context["rows"]] == last_quarters()
    assert response.context["form"].errors["year"]
    assert client.get(CSV_URL + f"?year={year}").status_code == 200


def test_an_earlier_year_typed_in_the_address_works(coordinator: Any, client: Any) -> None:
    past_event(starts_at=at(4, 4, year=2012))
    client.force_login(coordinator)
    response = client.get(OVERVIEW + "?year=2012")
    assert response.context["year"] == 2012
    assert sum(r.events for r in response.context["rows"]) == 1


def test_the_overview_costs_the_same_queries_for_2_or_20_events(
    coordinator: Any, portal_admin: Any, client: Any
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            event = past_event(starts_at=at(1 + i % 12, 10))
            RegistrationFactory(event=event, attended=True)
            ReachEntryFactory(
                event=event, metric=ReachMetric.VIEWS, value=i, counted_on=dt.date(YEAR, 6, 1)
            )
            publication = PublicationFactory(published_on=dt.date(YEAR, 1 + i % 12, 2))
            DownloadCount.objects.create(publication=publication, day=dt.date(YEAR, 7, 1), count=2)

    url = OVERVIEW + f"?year={YEAR}"
    for person in (coordinator, portal_admin):
        client.force_login(person)
        ReachEntry.objects.all().delete()
        add(2)
        two = count_queries(client, url)
        add(18)
        assert count_queries(client, url) == two
        context = client.get(url).context
        # 40 (then 80) events and publications: the page lists the 25 that reached the most.
        assert len(context["items"]) == 25 and context["items_total"] >= 40


# --- One event's or publication's page ------------------------------------------------------


def test_the_event_page_shows_what_the_portal_counted_and_what_was_logged(
    coordinator: Any, client: Any
) -> None:
    event = past_event()
    RegistrationFactory.create_batch(2, event=event, attended=True)
    RegistrationFactory(event=event, status="waitlisted")
    RegistrationFactory(event=event, status="cancelled")
    reach_record(
        actor=coordinator,
        event=event,
        metric="attendance",
        value=12,
        counted_on=timezone.localdate(),
        notes="<b>Utan</b> anmälan",
    )
    client.force_login(coordinator)
    response = client.get(reverse("dissemination:event_reach", args=[event.pk]))
    body = response.content.decode()
    counts = response.context["event_counts"]
    assert (counts.confirmed, counts.waitlisted, counts.cancelled, counts.attended) == (2, 1, 1, 2)
    assert "&lt;b&gt;Utan&lt;/b&gt; anmälan" in body
    assert coordinator.name in body
    choices = [key for key, _label in response.context["form"].fields["metric"].choices]
    assert choices == ["", "registrations", "attendance", "views"]
    assert f'value="{timezone.localdate().isoformat()}"' in body


def test_the_publication_page_shows_downloads_through_the_portal(
    coordinator: Any, client: Any
) -> None:
    publication = PublicationFactory(kind="podcast")
    DownloadCount.objects.create(publication=publication, day=dt.date(YEAR, 1, 2), count=7)
    DownloadCount.objects.create(publication=publication, day=dt.date(YEAR, 3, 4), count=5)
    client.force_login(coordinator)
    response = client.get(reverse("dissemination:publication_reach", args=[publication.pk]))
    assert response.context["downloads"].total == 12
    body = response.content.decode()
    assert f"{YEAR}-01-02 to {YEAR}-03-04" in body
    assert "no file on the portal now" in body
    choices = [key for key, _label in response.context["form"].fields["metric"].choices]
    assert choices == ["", "listeners", "downloads", "views"]


def test_a_publication_without_file_or_downloads_says_the_portal_counts_none(
    coordinator: Any, client: Any
) -> None:
    publication = PublicationFactory()
    client.force_login(coordinator)
    response = client.get(reverse("dissemination:publication_reach", args=[publication.pk]))
    assert response.context["downloads"].total == 0
    assert "so the portal counts no downloads for it" in response.content.decode()


def test_logging_a_figure_redirects_and_stores_it(coordinator: Any, client: Any) -> None:
    event = past_event()
    url = reverse("dissemination:event_reach", args=[event.pk])
    client.force_login(coordinator)
    response = client.post(url, figure_data(value="1 200"))
    assert response.status_code == 302 and response["Location"] == url
    entry = ReachEntry.objects.get()
    assert (entry.event, entry.metric, entry.value, entry.notes) == (
        event,
        "attendance",
        1200,
        "Räknat vid dörren",
    )
    assert "The figure was logged." in client.get(url).content.decode()
    # The same form sent again (a double click) is recorded once.
    client.post(url, figure_data(value="1 200"))
    assert ReachEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"metric": ""}, "metric", "Choose what was counted."),
        ({"metric": "listeners"}, "metric", "Choose what was counted."),
        ({"value": ""}, "value", "Write the number."),
        ({"value": "-3"}, "value", "Write a whole number, 0 or more."),
        ({"value": "3.5"}, "value", "Write a whole number, 0 or more."),
        ({"value": "tolv"}, "value", "Write a whole number, 0 or more."),
        ({"value": "99999999999"}, "value", "Check the number"),
        ({"counted_on": ""}, "counted_on", "Give the day the figure was counted."),
        ({"counted_on": "25/11/2026"}, "counted_on", "Write the date as 2026-11-25."),
        ({"counted_on": "2999-01-01"}, "counted_on", "The day cannot be in the future."),
        ({"counted_on": "1899-01-01"}, "counted_on", "Check the year of the day."),
        ({"notes": "x" * 2001}, "notes", "Keep the notes to 2000 characters"),
        ({"notes": "nul\x00byte"}, "notes", "Null characters are not allowed."),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_kept(
    data: dict[str, str], field: str, message: str, coordinator: Any, client: Any
) -> None:
    event = past_event()
    reach_record(
        actor=coordinator, event=event, metric="views", value=9, counted_on=timezone.localdate()
    )
    client.force_login(coordinator)
    sent = figure_data(**data)
    response = client.post(reverse("dissemination:event_reach", args=[event.pk]), sent)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert 'aria-describedby="' in body and f"id_{field}_error" in body
    assert ReachEntry.objects.count() == 1  # nothing stored, nothing lost
    if field != "notes":
        assert "Räknat vid dörren" in body  # what was typed is kept
    if field == "value" and data["value"]:
        assert f'value="{data["value"]}"' in body


def test_a_cancelled_event_offers_no_form_and_refuses_a_post(coordinator: Any, client: Any) -> None:
    event = past_event(status=EventStatus.CANCELLED)
    url = reverse("dissemination:event_reach", args=[event.pk])
    client.force_login(coordinator)
    body = client.get(url).content.decode()
    assert "Log the figure" not in body
    response = client.post(url, figure_data())
    assert response.status_code == 400
    assert "cancelled" in str(response.context["form"].non_field_errors())
    assert not ReachEntry.objects.exists()


def test_deleting_a_figure_and_deleting_it_again(coordinator: Any, client: Any) -> None:
    publication = PublicationFactory()
    entry = reach_record(
        actor=coordinator,
        publication=publication,
        metric="listeners",
        value=300,
        counted_on=timezone.localdate(),
    )
    url = reverse("dissemination:publication_reach_delete", args=[publication.pk, entry.pk])
    back = reverse("dissemination:publication_reach", args=[publication.pk])
    client.force_login(coordinator)
    page = client.get(back).content.decode()
    assert url in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == back
    assert not ReachEntry.objects.exists()
    again = client.post(url, follow=True)
    assert "The figure had already been deleted." in again.content.decode()


def test_the_event_page_costs_the_same_queries_for_2_or_20_figures(
    coordinator: Any, client: Any
) -> None:
    event = past_event()
    url = reverse("dissemination:event_reach", args=[event.pk])
    client.force_login(coordinator)

    def add(n: int) -> None:
        for i in range(n):
            RegistrationFactory(event=event)
            ReachEntryFactory(
                event=event, metric=ReachMetric.VIEWS, value=i, recorded_by=coordinator
            )

    add(2)
    two = count_queries(client, url)
    add(18)
    assert count_queries(client, url) == two


# --- CSV ------------------------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    assert response.streaming  # every event and publication, read in chunks
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    assert "\r\n" in raw
    return list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))


def test_the_csv_has_the_quarters_the_total_and_each_item(coordinator: Any, client: Any) -> None:
    event = past_event(starts_at=at(6, 30, 23), title='=HYPERLINK("http://evil")')
    RegistrationFactory.create_batch(3, event=event, attended=True)
    reach_record(
        actor=coordinator, event=event, metric="views", value=40, counted_on=timezone.localdate()
    )
    ReachEntryFactory(
        event=event, metric=ReachMetric.ATTENDANCE, value=5, counted_on=dt.date(YEAR, 7, 2)
    )
    podcast = PublicationFactory(
        kind="podcast", title="+Avsnitt 3", published_on=dt.date(YEAR, 9, 1)
    )
    DownloadCount.objects.create(publication=podcast, day=dt.date(YEAR, 9, 2), count=11)
    client.force_login(coordinator)
    response = client.get(CSV_URL + f"?region=uppsala&year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="reach-uppsala-{YEAR}.csv"'
    assert response["Cache-Control"] == "private, no-store"
    rows = read_csv(response)
    header = rows[0]
    assert header[:3] == ["Figures for", "Quarter", "Region"]
    col = {name: header.index(name) for name in header}
    quarters = rows[1:5]
    assert [r[col["Quarter"]] for r in quarters] == [f"Q{n} {YEAR}" for n in (1, 2, 3, 4)]
    assert all(r[col["Region"]] == "Region Uppsala" for r in quarters)
    q2, q3 = quarters[1], quarters[2]
    assert (q2[col["Events held"]], q2[col["Registrations"]], q2[col["Attendance"]]) == (
        "1",
        "3",
        "3",
    )
    assert (q3[col["Attendance"]], q3[col["of which marked in the portal"]]) == ("5", "0")
    assert (q3[col["Publications published"]], q3[col["Downloads"]]) == ("1", "11")
    total = rows[5]
    assert total[0] == "Whole period"
    assert total[col["Quarter"]] == f"Q1 {YEAR} – Q4 {YEAR}"
    assert total[col["Attendance"]] == "8"
    items = rows[6:]
    assert [r[0] for r in items] == ["Event", "Publication"]
    event_row, podcast_row = items
    # Formulas typed into titles are neutralised.
    assert event_row[col["Title"]] == '\'=HYPERLINK("http://evil")'
    assert podcast_row[col["Title"]] == "'+Avsnitt 3"
    assert event_row[col["Quarter"]] == f"Q2 {YEAR}"
    assert event_row[col["Date"]] == f"{YEAR}-06-30"
    assert event_row[col["Address"]].endswith(event.get_absolute_url())
    assert (event_row[col["Registrations"]], event_row[col["Attendance"]]) == ("3", "8")
    assert event_row[col["Views"]] == "0"  # logged today: outside the year asked for
    assert podcast_row[col["Kind"]] == "Podcast episode"
    assert podcast_row[col["of which through the portal"]] == "11"


def test_the_csv_is_in_the_users_language(portal_admin: Any, client: Any) -> None:
    portal_admin.preferred_language = "sv"
    portal_admin.save(update_fields=["preferred_language"])
    client.force_login(portal_admin)
    response = client.get(CSV_URL + f"?region=national&year={YEAR}")
    assert response.status_code == 200
    rows = read_csv(response)
    assert len(rows) == 1 + 4 + 1
    assert response["Content-Disposition"] == f'attachment; filename="reach-national-{YEAR}.csv"'


# --- The overview lists the top 25; the CSV has every item ----------------------------------


def _many_items(count: int) -> None:
    """`count` held events, event n with n registrations (so each reaches n people)."""
    for n in range(count):
        event = past_event(starts_at=at(1 + n % 12, 1 + n % 27), title=f"Evenemang {n:03d}")
        RegistrationFactory.create_batch(n % 5, event=event)
        if n % 5 == 0:
            ReachEntryFactory(
                event=event, metric=ReachMetric.VIEWS, value=n, counted_on=dt.date(YEAR, 6, 1)
            )


def _item_rows(body: str) -> list[str]:
    table = body.split('id="reach-items-heading"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S)


def test_the_overview_lists_the_25_that_reached_the_most_and_points_to_the_csv(
    portal_admin: Any, client: Any
) -> None:
    _many_items(40)
    client.force_login(portal_admin)
    response = client.get(OVERVIEW + f"?year={YEAR}")
    body = response.content.decode()
    rows = _item_rows(body)
    assert len(rows) == 25
    reached = [row.people_reached for row, _organised in response.context["items"]]
    assert reached == sorted(reached, reverse=True)
    # Event 35 reached 35 (views), the most; events 1 and 0 (one person, none) are left out.
    assert "Evenemang 035" in rows[0]
    listed = body.split('id="reach-items-heading"', 1)[1]
    assert "Evenemang 039" in listed
    assert "Evenemang 001" not in listed and "Evenemang 000" not in listed
    assert "The 25 events and publications, of 40 with figures in this period" in body
    assert "The CSV file has every event and publication." in body
    assert f'href="{CSV_URL}?region=all&amp;year={YEAR}" download' in body
    assert "People reached" in body
    # The quarters still count everything.
    assert sum(r.events for r in response.context["rows"]) == 40


def test_a_short_list_is_shown_whole_without_the_top_note(coordinator: Any, client: Any) -> None:
    _many_items(3)
    client.force_login(coordinator)
    body = client.get(OVERVIEW + f"?year={YEAR}").content.decode()
    assert len(_item_rows(body)) == 3
    assert "of 3 with figures" not in body
    assert "those that reached the most people first" in body


def test_the_page_does_not_grow_with_the_volume_but_the_csv_does(
    portal_admin: Any, client: Any
) -> None:
    client.force_login(portal_admin)
    url = f"?region=all&year={YEAR}"
    _many_items(30)
    small_page = client.get(OVERVIEW + url).content
    small_csv = read_csv(client.get(CSV_URL + url))
    _many_items(30)
    large_page = client.get(OVERVIEW + url).content
    large_csv = read_csv(client.get(CSV_URL + url))
    assert len(_item_rows(large_page.decode())) == 25
    assert abs(len(large_page) - len(small_page)) < 500  # numbers change, not the rows
    assert [len(small_csv), len(large_csv)] == [1 + 4 + 1 + 30, 1 + 4 + 1 + 60]
    assert sorted(r[5] for r in large_csv[6:])[:2] == ["Evenemang 000", "Evenemang 000"]
