"""The region activity report: its figures for the period (proposals, partnerships by step, gates
passed, events and reach, obstacles, lessons) in the PDF in English and Swedish, charts with table
alternatives, hostile text shown as text, the fingerprint, who may ask for it, the period's
rules, the panel on the region page, and fixed query counts."""

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from dissemination.models import EventKind
from dissemination.selectors.reach import quarter_of
from dissemination.workflow import EventStatus, LessonStatus
from obstacles.models import Obstacle
from obstacles.workflow import ObstacleStatus
from partnerships.models import GateApproval
from partnerships.workflow import ProposalStatus
from reports.documents import document_context, make_report_pdf
from reports.kinds import get_kind
from reports.kinds.region_activity import RegionActivityParams, last_full_quarter
from reports.kinds.region_activity.figures import quarter_first_day, quarter_last_day
from reports.rendering import render_pdf
from tests.factories_dissemination import EventFactory, LessonFactory, RegistrationFactory
from tests.factories_obstacles import ObstacleFactory, category
from tests.factories_partnerships import ProposalFactory
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import make_partnership
from tests.reports.pdfs import pdf_facts, pdf_text
from tests.utils import count_queries, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SPEC = get_kind("region_activity")
LONG_AGO = timezone.now() - dt.timedelta(days=400)


def this_quarter() -> dict[str, str]:
    """The current calendar quarter: rows made now fall inside it."""
    quarter = quarter_of(timezone.localdate())
    return {
        "region": "uppsala",
        "start": quarter_first_day(quarter).isoformat(),
        "end": quarter_last_day(quarter).isoformat(),
    }


def just_now() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=5)


def held_event(**kwargs: Any) -> Any:
    when = kwargs.pop("starts_at", just_now())
    return EventFactory(starts_at=when, ends_at=when + dt.timedelta(minutes=1), **kwargs)


@pytest.fixture
def activity(region: Any, coordinator: Any, company: Any, company_member: Any) -> dict[str, Any]:
    """A quarter in Region Uppsala: two partnerships (one past the entry gate), three proposals
    (one long ago), events held and not held, obstacles in and out of the region and period,
    and a published lesson with Swedish letters."""
    first = make_partnership(company=company, coordinator=coordinator, author=company_member)
    second = make_partnership(coordinator=coordinator, step_key="needs")
    for status in (ProposalStatus.SUBMITTED, ProposalStatus.DECLINED):
        ProposalFactory(region=region, status=status, submitted_at=timezone.now())
    ProposalFactory(region=region, status=ProposalStatus.SUBMITTED, submitted_at=LONG_AGO)
    webinar = held_event(kind=EventKind.WEBINAR, title="Webbinarium i Östhammar")
    RegistrationFactory(event=webinar, attended=True)
    RegistrationFactory(event=webinar)
    held_event(kind=EventKind.WORKSHOP)
    held_event(kind=EventKind.WORKSHOP, status=EventStatus.CANCELLED)
    held_event(kind=EventKind.CONFERENCE, region=None)  # national: not the region's
    EventFactory(kind=EventKind.CONFERENCE)  # in two weeks: not held yet
    ObstacleFactory(region=region, status=ObstacleStatus.PUBLISHED)
    ObstacleFactory(region=region, status=ObstacleStatus.SUBMITTED, published_at=None)
    ObstacleFactory(region=other_region_row(), status=ObstacleStatus.PUBLISHED)
    ObstacleFactory(region=region, submitted_at=LONG_AGO)
    lesson = LessonFactory(
        partnership=first, title="Lärdom: förankra hos vårdens ledning i Älvkarleby"
    )
    LessonFactory(partnership=first, status=LessonStatus.DRAFT, published_at=None)
    return {"first": first, "second": second, "lesson": lesson, "webinar": webinar}


def other_region_row() -> Any:
    from regions.models import Region

    return Region.objects.get(slug="ostergotland")


def flat(text: str) -> str:
    """pdftotext's text with words hyphenated across lines joined again and lines run on."""
    return re.sub(r"\s+", " ", text.replace("\u2010\n", ""))


def figure(context: dict[str, Any], label: str) -> int:
    return next(f["value"] for f in context["key_figures"] if f["label"] == label)


# --- The figures ------------------------------------------------------------------------------


def test_context_counts_what_happened_in_the_region_in_the_period(activity: Any) -> None:
    with translation.override("en"):
        context = SPEC.build_context(this_quarter(), "en")
    assert figure(context, "Proposals received") == 2
    assert {r["label"]: r["count"] for r in context["proposals"]["rows"]}["Declined"] == 1
    steps = {row["key"]: row for row in context["steps"]["rows"]}
    assert (steps["entry"]["started"], steps["entry"]["active"]) == (1, 1)
    assert (steps["needs"]["started"], steps["needs"]["active"]) == (1, 1)
    assert steps["agreement"]["active"] == 0  # every step of the default is listed
    assert [r["name"] for r in context["gates"]["rows"]] == ["Entry and triage"]
    assert context["gates"]["total"] == 1
    events = {row["label"]: row for row in context["events"]["rows"]}
    assert (events["Webinar"]["held"], events["Webinar"]["registrations"]) == (1, 2)
    assert events["Webinar"]["attendance"] == 1
    assert events["Workshop"]["held"] == 1  # the cancelled one was not held
    assert events["Conference"]["held"] == 0  # national, and one not held yet
    assert context["obstacles"]["total"] == 2
    assert context["obstacles"]["published"] == 1
    assert [lesson["title"] for lesson in context["lessons"]] == [activity["lesson"].title]
    assert context["reach"]["whole_quarters"] is True
    assert context["reach"]["rows"][0]["values"][0] == 2  # the reach overview's events held


def test_the_period_is_whole_stockholm_days(region: Any) -> None:
    params = {"region": "uppsala", "start": "2025-06-01", "end": "2025-06-30"}
    # 23:30 on 30 June in Stockholm is 21:30 UTC: inside; 00:30 on 1 July is outside.
    inside = dt.datetime(2025, 6, 30, 21, 30, tzinfo=dt.UTC)
    outside = dt.datetime(2025, 6, 30, 22, 30, tzinfo=dt.UTC)
    ObstacleFactory(region=region, submitted_at=inside)
    ObstacleFactory(region=region, submitted_at=outside)
    ObstacleFactory(region=region, submitted_at=dt.datetime(2025, 5, 31, 21, 59, tzinfo=dt.UTC))
    context = SPEC.build_context(params, "en")
    assert context["obstacles"]["total"] == 1
    # June is not a whole quarter: the reach section says it shows Q2 whole.
    assert context["reach"]["whole_quarters"] is False
    assert context["reach"]["first_quarter"] == "Q2 2025"


def test_voided_gate_approvals_do_not_count(activity: Any) -> None:
    GateApproval.objects.filter(partnership=activity["second"]).update(voided_at=timezone.now())
    context = SPEC.build_context(this_quarter(), "en")
    assert context["gates"]["total"] == 0
    assert figure(context, "Gates passed") == 0


# --- The PDF ----------------------------------------------------------------------------------


def test_english_pdf_has_every_section_with_the_real_figures(activity: Any) -> None:
    rendered = make_report_pdf(SPEC, this_quarter(), "en")
    text = flat(pdf_text(rendered.content))
    layout = pdf_text(rendered.content, layout=True)
    for heading in (
        "Key figures",
        "Proposals received",
        "Partnerships by step",
        "Gates passed",
        "Events and reach",
        "Obstacles reported",
        "Lessons learned published",
        "Partnerships by current step",
        "Reach per quarter",
    ):
        assert heading in text, heading
    assert "Activity report for Region Uppsala" in text
    assert re.search(r"Webinar\s+1\s+2\s+1", layout)
    assert re.search(r"Entry and triage\s+1\s+1\s+0", layout)
    assert re.search(r"Needs and benefit analysis\s+1\s+1\s+0", layout)
    assert re.search(r"Obstacles reported\s+2", layout)
    assert "Lärdom: förankra hos vårdens ledning i Älvkarleby" in text
    assert rendered.refused == ()
    facts = pdf_facts(rendered.content)
    assert facts.title == SPEC.title(this_quarter(), "en") == "Activity report for Region Uppsala"
    assert facts.language == "en"
    assert facts.tagged and facts.has_structure
    assert facts.attachments == 0
    assert 4 <= facts.pages <= 10


def test_swedish_pdf_keeps_swedish_letters_and_labels(activity: Any) -> None:
    params = this_quarter()
    rendered = make_report_pdf(SPEC, params, "sv")
    text = flat(pdf_text(rendered.content))
    assert "Lärdom: förankra hos vårdens ledning i Älvkarleby" in text
    assert "Inkommande och triage" in text  # the step's Swedish name
    assert "Genomförda evenemang" in text and "Anmälningar" in text and "Närvaro" in text
    year, number = quarter_of(timezone.localdate())
    assert f"kv {number} {year}" in text
    # Swedish dates: "1 oktober 2026", the month in lower case.
    with translation.override("sv"):
        first = date_format(dt.date.fromisoformat(params["start"]), "j F Y")
    assert re.fullmatch(r"1 (januari|april|juli|oktober) \d{4}", first)
    assert first in text
    facts = pdf_facts(rendered.content)
    assert facts.language == "sv"
    assert facts.title == SPEC.title(params, "sv")


def test_every_chart_is_an_image_with_a_table_right_after_it(activity: Any) -> None:
    from reports.rendering import render_html

    context = document_context(SPEC, this_quarter(), "en")
    html = render_html(SPEC.template_name, context, language="en")
    charts = re.findall(r'<figure class="chart">(.*?)</figure>\s*(<table|<p)', html, re.S)
    assert len(charts) == 3
    for svg, _after in charts:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert html.count('<figure class="chart">') == 3
    # The obstacles chart is followed by its table whenever there is something to show.
    assert all(after == "<table" for _svg, after in charts)


def test_hostile_text_is_shown_as_text_and_fetches_nothing(activity: Any) -> None:
    hostile = [
        "<script>alert(1)</script>",
        '<img src="file:///etc/passwd">',
        "שלום עולם مرحبا",
        "Å" * 180,
    ]
    for title in hostile:
        LessonFactory(partnership=activity["first"], title=title)
    rendered = make_report_pdf(SPEC, this_quarter(), "en")
    text = flat(pdf_text(rendered.content))
    assert "<script>alert(1)</script>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text
    assert "שלום" in text
    assert rendered.refused == ()


def test_a_huge_word_wraps_instead_of_breaking_the_pdf(activity: Any) -> None:
    """Titles hold at most 200 characters; the template still copes with a 3,000-character
    word (the rendering is a pure function of the context)."""
    context = document_context(SPEC, this_quarter(), "en")
    word = "x" * 3000
    context["lessons"][0]["title"] = word
    context["lessons"][0]["partnership"] = '<img src="file:///etc/passwd">'
    rendered = render_pdf(SPEC.template_name, context, language="en")
    text = pdf_text(rendered.content)
    # All of it is there, wrapped over lines (and pages) instead of cut off.
    assert text.count("x") >= 3000
    assert max(len(line) for line in text.splitlines()) < 200
    assert "root:x:0:0" not in text
    assert rendered.refused == ()


# --- Fingerprint ------------------------------------------------------------------------------


def test_fingerprint_follows_what_the_report_shows(activity: Any, region: Any) -> None:
    params = this_quarter()
    before = SPEC.fingerprint(params, "en")
    assert SPEC.fingerprint(params, "en") == before
    # Not shown: the obstacles' texts, an obstacle of another region, a draft proposal.
    Obstacle.objects.filter(region=region).update(description="<p>Ändrad text</p>")
    ObstacleFactory(region=other_region_row())
    ProposalFactory(region=region, status=ProposalStatus.DRAFT)
    assert SPEC.fingerprint(params, "en") == before
    # Shown: an obstacle reported in the region.
    ObstacleFactory(region=region)
    after_obstacle = SPEC.fingerprint(params, "en")
    assert after_obstacle != before
    # Shown: a lesson's title.
    lesson = activity["lesson"]
    lesson.title = "Lärdom: en ny rubrik"
    lesson.save()
    assert SPEC.fingerprint(params, "en") != after_obstacle
    # Another language is another text.
    assert SPEC.fingerprint(params, "sv") != SPEC.fingerprint(params, "en")


def test_an_attendance_mark_changes_the_fingerprint(activity: Any) -> None:
    params = this_quarter()
    before = SPEC.fingerprint(params, "en")
    registration = activity["webinar"].registrations.filter(attended__isnull=True).get()
    registration.attended = True
    registration.save()
    assert SPEC.fingerprint(params, "en") != before


# --- Who may ask ------------------------------------------------------------------------------

ALLOWED = {
    "anonymous": False,
    "other_company_member": False,
    "company_member": False,  # a party's member sees the partnership, not the region's report
    "other_coordinator": False,
    "coordinator": True,
    "sponsor": True,
    "portal_admin": True,
}


@pytest.mark.parametrize(("who", "allowed"), ALLOWED.items())
def test_check_access(who: str, allowed: bool, request: Any, partnership: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    params = {"region": "uppsala", "start": "2026-01-01", "end": "2026-03-31"}
    if allowed:
        SPEC.check_access(user, params)
    else:
        with pytest.raises(Http404):
            SPEC.check_access(user, params)


def test_an_unknown_region_is_404_even_for_a_portal_admin(portal_admin: Any) -> None:
    with pytest.raises(Http404):
        SPEC.check_access(portal_admin, {"region": "atlantis"})


# --- The period -------------------------------------------------------------------------------


def period_form(start: str, end: str) -> RegionActivityParams:
    return RegionActivityParams(data={"region": "uppsala", "start": start, "end": end})


def test_a_period_ending_before_it_starts_is_refused_beside_the_end() -> None:
    form = period_form("2026-03-31", "2026-01-01")
    assert not form.is_valid()
    assert list(form.errors) == ["end"]


def test_a_period_of_three_years_is_accepted_and_a_day_more_refused() -> None:
    assert period_form("2023-01-01", "2025-12-31").is_valid()
    form = period_form("2023-01-01", "2026-01-01")
    assert not form.is_valid()
    assert "at most 3 years" in form.errors["end"][0]


def test_a_period_starting_after_today_is_refused_beside_the_start() -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = period_form(tomorrow.isoformat(), (tomorrow + dt.timedelta(days=5)).isoformat())
    assert not form.is_valid()
    assert list(form.errors) == ["start"]


def test_nonsense_dates_are_refused_beside_their_fields() -> None:
    form = period_form("2026-02-30", "soon")
    assert not form.is_valid()
    assert set(form.errors) == {"start", "end"}


def test_the_default_period_is_the_last_full_quarter() -> None:
    assert last_full_quarter(dt.date(2026, 11, 26)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert last_full_quarter(dt.date(2026, 1, 1)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    form = RegionActivityParams(initial={"region": "uppsala"})
    first, last = last_full_quarter()
    assert f'value="{first.isoformat()}"' in str(form["start"])
    assert 'type="date"' in str(form["end"]) and f'value="{last.isoformat()}"' in str(form["end"])


def test_params_are_canonical() -> None:
    form = period_form("2026-07-01", "2026-09-30")
    assert form.is_valid()
    assert SPEC.params_from_form(form.cleaned_data) == {
        "end": "2026-09-30",
        "region": "uppsala",
        "start": "2026-07-01",
    }
    assert SPEC.subject_key(SPEC.params_from_form(form.cleaned_data)) == "region:uppsala"


# --- Query counts -----------------------------------------------------------------------------


def context_queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        SPEC.build_context(this_quarter(), "en")
    return len(ctx.captured_queries)


def test_building_the_context_costs_the_same_at_any_size(
    activity: Any, region: Any, coordinator: Any
) -> None:
    small = context_queries()
    for _i in range(3):
        make_partnership(coordinator=coordinator, step_key="needs")
        event = held_event(kind=EventKind.CLINIC)
        RegistrationFactory(event=event, attended=True)
        ObstacleFactory(region=region, category=category("procurement-lou"))
        LessonFactory(partnership=activity["second"])
    assert context_queries() == small == 13


# --- The panel on the region page -------------------------------------------------------------

PAGE = "/regions/uppsala/"


@pytest.mark.parametrize(("who", "allowed"), ALLOWED.items())
def test_the_region_page_shows_the_panel_only_to_those_allowed(
    who: str, allowed: bool, request: Any, client: Any, partnership: Any
) -> None:
    assert reverse("regions:detail", args=["uppsala"]) == PAGE
    sign_in(client, None if who == "anonymous" else request.getfixturevalue(who))
    html = client.get(PAGE).content.decode()
    assert ("report-panel-region_activity" in html) is allowed
    assert (reverse("reports:request", args=["region_activity"]) in html) is allowed


def test_the_panel_offers_the_last_full_quarter_with_labelled_date_fields(
    client: Any, coordinator: Any
) -> None:
    sign_in(client, coordinator)
    html = client.get(PAGE).content.decode()
    first, last = last_full_quarter()
    start = re.search(r"<input[^>]*name=\"start\"[^>]*>", html)
    end = re.search(r"<input[^>]*name=\"end\"[^>]*>", html)
    assert start and end
    assert 'type="date"' in start.group() and f'value="{first.isoformat()}"' in start.group()
    assert 'type="date"' in end.group() and f'value="{last.isoformat()}"' in end.group()
    start_id = re.search(r'id="([^"]+)"', start.group())
    assert start_id and f'<label for="{start_id.group(1)}">From' in html
    assert re.search(r'<input type="hidden" name="region" value="uppsala"', html)


def test_the_region_page_costs_the_same_queries_at_any_size(
    client: Any, coordinator: Any, activity: Any, region: Any
) -> None:
    sign_in(client, coordinator)
    small = count_queries(client, PAGE)
    for _i in range(3):
        make_partnership(coordinator=coordinator)
        ObstacleFactory(region=region)
        held_event(kind=EventKind.CLINIC)
    assert count_queries(client, PAGE) == small


def post_period(client: Any, start: str, end: str, **headers: Any) -> Any:
    data = {"region": "uppsala", "start": start, "end": end, "language": "en"}
    return client.post(reverse("reports:request", args=["region_activity"]), data, **headers)


def test_a_bad_period_comes_back_beside_the_field_with_what_was_typed(
    client: Any, coordinator: Any
) -> None:
    sign_in(client, coordinator)
    response = post_period(client, "2026-03-31", "2026-01-01")
    assert response.status_code == 422
    html = response.content.decode()
    assert "The end of the period must be on or after its start." in html
    assert 'value="2026-03-31"' in html and 'value="2026-01-01"' in html
    # With htmx the panel itself comes back, errors beside the fields.
    response = post_period(client, "2026-03-31", "2026-01-01", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "report-panel-region_activity" in html
    assert "The end of the period must be on or after its start." in html


def test_someone_who_may_not_see_the_region_gets_404_even_for_a_bad_period(
    client: Any, other_coordinator: Any
) -> None:
    sign_in(client, other_coordinator)
    assert post_period(client, "2026-03-31", "2026-01-01").status_code == 404
    assert post_period(client, "2026-01-01", "2026-03-31").status_code == 404


def test_a_coordinator_asks_for_the_report_and_gets_the_pdf(
    client: Any, coordinator: Any, activity: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from reports.models import ReportRequest
    from reports.workflow import ReportState

    sign_in(client, coordinator)
    params = this_quarter()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_period(client, params["start"], params["end"])
    assert response.status_code == 302
    report_request = ReportRequest.objects.get(requested_by=coordinator)
    assert report_request.params == params
    assert report_request.state == ReportState.READY  # Celery runs eagerly in the tests
    download = client.get(reverse("reports:download", args=[report_request.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert "Lärdom: förankra hos vårdens ledning" in flat(pdf_text(content))
