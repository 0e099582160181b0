"""axe-core on every dissemination page, for each person who sees it, in Swedish and in English.

The state is built with the services (`Scene`), as organisers, registrants and partnership
parties make it; events in the past and their registrations are made with the factories (the
services refuse to register for a past event). Each case opens one page as one person (their
profile's language; anonymous visitors by the language cookie), optionally does what puts the
page in an interesting state (a form sent with errors, an htmx filter change), and fails with
axe's report. The autouse `console_errors` fixture also fails a case whose page logged a console
error (a CSP block, or an unexpected 4xx/5xx).

Pages covered: the calendar (upcoming, every filter, no results, bad filter values, an htmx
filter change, signed in), the archive (also filtered and empty); an event's page (online and on
site, for a visitor, a registrant with a seat, one on the waiting list, the organisers; a draft;
postponed and cancelled, for a visitor and a registrant; past), the registration page of its own
(also refused); a publication's page (a link, a file, the organisers' panel, a draft); the
organisers' dashboard (coordinator, admin), the event form (new, edit, edit with errors), the
publication form (new, with errors, edit); the move confirmations (publish, reschedule,
postpone, cancel, each with errors where one can be made, and a refused move; withdrawing a
publication); the attendee list (before the event, with the attendance form after it, and that
form with an error); "My events" (empty, with rows in every state); lessons learned (the list,
filtered, a published lesson for a visitor and a coordinator, one waiting as its coordinator
with the decision form, one sent back as its author, the form with errors, the move
confirmations with errors, the review queue); a partnership's lessons section (a party, the
coordinator), its public summary; the region page with events and outcomes; reach (the overview
as a coordinator, a sponsor and an admin, per region and per year, an event's figures with a
form error, a publication's figures).

The registering journey, the event form with errors, the calendar as a visitor and "My events"
right after a cancellation are in test_dissemination_journey.py.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from dissemination.demo.pdf import report_pdf
from dissemination.models import Event, EventKind, Lesson, Publication, PublicationKind
from dissemination.models import ReachMetric as RM
from dissemination.services.events import event_create, event_move
from dissemination.services.lessons import lesson_create, lesson_move
from dissemination.services.publications import download_record, publication_create
from dissemination.services.reach import reach_record
from dissemination.services.registrations import registration_create
from dissemination.workflow import LessonMove, RegistrationStatus
from obstacles.models import Obstacle
from partnerships.models import Partnership
from regions.models import Region, RegionRole
from tests.browser.conftest import (
    BROWSER_TEST,
    ConsoleErrors,
    act_as,
    assert_no_axe_violations,
    htmx_ready,
    htmx_settled,
    organisation,
)
from tests.factories_dissemination import EventFactory, RegistrationFactory
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import (
    make_admin,
    make_company_member,
    make_partnership,
    make_region_person,
)

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]
LM = LessonMove


def _at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """`days` from today at `hour`:`minute` Swedish time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def _last_sunday_of_march(year: int) -> dt.date:
    day = dt.date(year, 3, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _next_spring_forward() -> dt.date:
    """The next last Sunday of March: 02:00–03:00 does not exist in Swedish time that night."""
    today = timezone.localdate()
    day = _last_sunday_of_march(today.year)
    return day if day > today else _last_sunday_of_march(today.year + 1)


# --- The scene -----------------------------------------------------------------------------------


@dataclass
class Scene:
    coordinator: Any
    admin: Any
    sponsor: Any
    member: Any  # a party of the partnership, registered for several events
    waiting: Any  # on the online webinar's waiting list
    newcomer: Any  # registered for nothing
    partnership: Partnership
    obstacle: Obstacle
    online: Event  # published webinar, full, with a waiting list
    onsite: Event  # national conference on site, in English, no seat limit
    hybrid: Event  # published workshop on site and online, with a deadline
    draft: Event
    postponed: Event
    cancelled: Event
    past: Event  # held ten days ago, with registrations and a logged figure
    report: Publication  # published, with a PDF file
    podcast: Publication  # published, a link
    draft_publication: Publication
    lesson: Lesson  # published
    waiting_lesson: Lesson  # waiting for review
    sent_back: Lesson  # changes requested

    def person(self, who: str) -> Any:
        return getattr(self, who)


@pytest.fixture
def scene(language: str) -> Scene:
    uppsala = Region.objects.get(slug="uppsala")
    company = organisation("CareSense AB")
    member = make_company_member(company, email="kim@caresense.example.se", name="Kim Berg")
    coordinator = make_region_person(
        "uppsala", email="cora@uppsala.example.se", name="Cora Samordnare"
    )
    sponsor = make_region_person(
        "uppsala", RegionRole.SPONSOR, email="sam@uppsala.example.se", name="Sam Sponsor"
    )
    admin = make_admin()
    waiting = make_company_member(
        organisation("Pulsmätaren AB"), email="nils@pulsmataren.example.se", name="Nils Öberg"
    )
    newcomer = make_company_member(
        organisation("Hemvårdsdata AB"), email="ada@hemvardsdata.example.se", name="Ada Ny"
    )
    seated = make_company_member(
        organisation("Journalia AB"), email="jon@journalia.example.se", name="Jon Lund"
    )
    for person in (member, coordinator, sponsor, admin, waiting, newcomer, seated):
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
    partnership = make_partnership(
        "uppsala", company=company, coordinator=coordinator, author=member
    )
    obstacle = cast(
        Obstacle, ObstacleFactory(title="Journalen tar inte emot mätvärden från hemmet")
    )

    def event(actor: Any = coordinator, **values: Any) -> Event:
        data: dict[str, Any] = {
            "kind": EventKind.WEBINAR,
            "title": "Webbinarium: så når företag vården",
            "description": "Hur regionen tar emot förslag.\n\n<ul><li>Frågor</li></ul>",
            "starts_at": _at(14, 13),
            "ends_at": _at(14, 14, 30),
            "online_url": "https://meet.example.se/webbinarium",
            "region": uppsala,
            "publish": True,
        }
        data.update(values)
        return event_create(actor=actor, **data)

    def register(person: Any, target: Event, *, consent: bool = True) -> None:
        registration_create(
            user=person,
            event=target,
            name=person.name,
            organisation="CareSense AB",
            needs="Vegetarisk lunch",
            consent_to_list=consent,
        )

    online = event(capacity=2, partnerships=[partnership], obstacles=[obstacle])
    register(member, online)
    register(seated, online, consent=False)
    register(waiting, online)
    onsite = event(
        admin,
        kind=EventKind.CONFERENCE,
        title="Innovation Accelerator annual conference",
        description="Two days of talks and workshops.",
        starts_at=_at(40, 9),
        ends_at=_at(41, 16),
        online_url="",
        location="Uppsala Konsert & Kongress, Vaksala torg 1",
        region=None,
        language="en",
    )
    hybrid = event(
        kind=EventKind.WORKSHOP,
        title="Workshop: testbäddar i primärvården",
        starts_at=_at(21, 9),
        ends_at=_at(21, 12),
        location="Akademiska sjukhuset, ingång 40",
        capacity=30,
        registration_deadline=_at(19, 12),
    )
    register(member, hybrid)
    draft = event(
        kind=EventKind.CLINIC,
        title="Innovationsklinik: upphandling",
        starts_at=_at(30, 10),
        ends_at=_at(30, 11),
        publish=False,
    )
    postponed = event(kind=EventKind.RACE_FINAL, title="Innovationstävlingens final 2026")
    register(member, postponed)
    postponed = event_move(
        actor=coordinator,
        event=postponed,
        move="postpone",
        reason="Lokalen är inte klar; vi återkommer med ny tid.",
    )
    cancelled = event(kind=EventKind.MEETING, title="Nätverksträff för testbäddar")
    register(member, cancelled)
    cancelled = event_move(
        actor=coordinator, event=cancelled, move="cancel", reason="För få anmälda."
    )
    past = cast(
        Event,
        EventFactory(
            kind=EventKind.WORKSHOP,
            title="Workshop: vad vi lärde oss av testet",
            starts_at=_at(-10, 13),
            ends_at=_at(-10, 16),
            location="Uppsala science park",
            online_url="",
            capacity=20,
        ),
    )
    RegistrationFactory(event=past, user=member, name=member.name, attended=True)
    RegistrationFactory(event=past, user=seated, name=seated.name, attended=None)
    RegistrationFactory(
        event=past,
        user=newcomer,
        name=newcomer.name,
        status=RegistrationStatus.CANCELLED,
        confirmed_at=None,
    )
    # The newcomer's cancelled registration is in the past only: "My events" upcoming is empty.
    reach_record(
        actor=coordinator,
        metric=RM.ATTENDANCE,
        value=4,
        counted_on=timezone.localdate() - dt.timedelta(days=10),
        event=past,
        notes="Fyra kom utan att anmäla sig.",
    )

    def publication(actor: Any = coordinator, **values: Any) -> Publication:
        data: dict[str, Any] = {
            "kind": PublicationKind.REPORT,
            "title": "Rapport: lärdomar från innovationsnoderna",
            "summary": "Vad vi lärde oss när vården och företagen testade tillsammans.",
            "published_on": timezone.localdate() - dt.timedelta(days=3),
            "region": uppsala,
            "publish": True,
        }
        data.update(values)
        return publication_create(actor=actor, **data)

    report = publication(
        upload=SimpleUploadedFile(
            "rapport.pdf",
            report_pdf("Lärdomar", ("Vad vi lärde oss.",)),
            content_type="application/pdf",
        ),
        partnerships=[partnership],
        obstacles=[obstacle],
    )
    download_record(publication=report)
    download_record(publication=report)
    podcast = publication(
        kind=PublicationKind.PODCAST,
        title="Poddavsnitt 3: upphandling av innovation",
        summary="Ett samtal om innovationsupphandling.",
        link="https://podcast.example.se/avsnitt-3",
        published_on=timezone.localdate() - dt.timedelta(days=40),
    )
    reach_record(
        actor=coordinator,
        metric=RM.LISTENERS,
        value=340,
        counted_on=timezone.localdate() - dt.timedelta(days=1),
        publication=podcast,
        notes="Lyssnare på Spotify, första 30 dagarna.",
    )
    draft_publication = publication(
        kind=PublicationKind.ARTICLE,
        title="Artikel: så fungerar innovationskliniken",
        link="https://example.se/artikel",
        publish=False,
    )

    step = partnership.current_step

    def lesson(title: str, **values: Any) -> Lesson:
        return lesson_create(
            actor=member,
            partnership=partnership,
            title=title,
            body="Utan ledningens stöd stannade testet.\n\nFörankra tidigt.",
            step=step,
            submit=True,
            **values,
        )

    published = lesson_move(
        actor=coordinator, lesson=lesson("Förankra hos ledningen tidigt"), move=LM.PUBLISH
    )
    waiting_lesson = lesson("Avtalet tog längre tid än testet")
    sent_back = lesson_move(
        actor=coordinator,
        lesson=lesson("Testa med riktiga patienter"),
        move=LM.REQUEST_CHANGES,
        reason="Skriv vilka vårdcentraler som var med.",
    )

    return Scene(
        coordinator=coordinator,
        admin=admin,
        sponsor=sponsor,
        member=member,
        waiting=waiting,
        newcomer=newcomer,
        partnership=partnership,
        obstacle=obstacle,
        online=online,
        onsite=onsite,
        hybrid=hybrid,
        draft=draft,
        postponed=postponed,
        cancelled=cancelled,
        past=past,
        report=report,
        podcast=podcast,
        draft_publication=draft_publication,
        lesson=published,
        waiting_lesson=waiting_lesson,
        sent_back=sent_back,
    )


# --- Doing something on the page -----------------------------------------------------------------


def _submit(page: Page, selector: str = "main form[method='post'] button[type='submit']") -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).first.click()


def _errors_shown(page: Page, *fields: str) -> None:
    """The error summary has the focus; each field named is marked invalid and described by
    its error message."""
    expect(page.locator(".error-summary").first).to_be_focused()
    for field in fields:
        control = page.locator(field)
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(control).to_have_attribute(
            "aria-describedby", re.compile(rf"(^|\s){field.lstrip('#')}_error(\s|$)")
        )


def _in_results(attribute: str) -> Callable[[Page, Scene], None]:
    def check(page: Page, scene: Scene) -> None:
        item = scene.person(attribute)
        expect(page.locator(f"main a[href='{item.get_absolute_url()}']").first).to_be_visible()

    return check


def _calendar(page: Page, scene: Scene) -> None:
    results = page.locator("#event-results")
    for event in (scene.online, scene.onsite, scene.hybrid, scene.postponed, scene.cancelled):
        expect(results.locator(f"a[href='{event.get_absolute_url()}']")).to_be_visible()
    expect(results.locator(f"a[href='{scene.draft.get_absolute_url()}']")).to_have_count(0)


def _nothing_found(page: Page, scene: Scene) -> None:
    expect(page.locator("#event-results .dissemination-empty")).to_be_visible()
    expect(page.locator("#event-results .dissemination-card")).to_have_count(0)


def _calendar_filter_errors(page: Page, scene: Scene) -> None:
    expect(page.locator("#id_kind")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_region")).to_have_attribute("aria-invalid", "true")
    # The valid filter still applies.
    expect(
        page.locator(f"#event-results a[href='{scene.onsite.get_absolute_url()}']")
    ).to_be_visible()


def _calendar_htmx(page: Page, scene: Scene) -> None:
    """A filter changed: htmx swaps the results (and the count) in place."""
    htmx_ready(page)
    page.evaluate("window.__sameDocument = true")
    page.select_option("#id_mode", "onsite")
    expect(
        page.locator(f"#event-results a[href='{scene.online.get_absolute_url()}']")
    ).to_have_count(0)
    htmx_settled(page)
    expect(
        page.locator(f"#event-results a[href='{scene.onsite.get_absolute_url()}']")
    ).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True


def _archive(page: Page, scene: Scene) -> None:
    main = page.locator("main")
    for item in (scene.past, scene.report, scene.podcast):
        expect(main.locator(f"a[href='{item.get_absolute_url()}']").first).to_be_visible()
    expect(main.locator(f"a[href='{scene.draft_publication.get_absolute_url()}']")).to_have_count(0)


def _archive_empty(page: Page, scene: Scene) -> None:
    expect(page.locator("main .dissemination-empty")).to_be_visible()


def _panel_form(page: Page, scene: Scene) -> None:
    expect(page.locator("#registration-panel #registration-name")).to_be_visible()


def _seat_and_link(page: Page, scene: Scene) -> None:
    panel = page.locator("#registration-panel")
    expect(panel.locator(f"a[href='{scene.online.online_url}']")).to_be_visible()
    expect(panel.locator(".attendee-names")).to_be_visible()
    expect(panel.locator("form[action$='/registration/cancel/'] button")).to_be_visible()


def _queued(page: Page, scene: Scene) -> None:
    panel = page.locator("#registration-panel")
    expect(panel.locator("form[action$='/registration/cancel/'] button")).to_be_visible()
    expect(panel.locator(f"a[href='{scene.online.online_url}']")).to_have_count(0)


def _organiser_view(page: Page, scene: Scene) -> None:
    expect(page.locator(".organiser-panel")).to_be_visible()
    expect(page.locator("#registration-panel")).to_contain_text(scene.online.online_url)


def _draft_view(page: Page, scene: Scene) -> None:
    expect(page.locator(".dissemination-banner")).to_be_visible()
    expect(page.locator(".organiser-panel a[href$='/move/publish/']")).to_be_visible()


def _banner(page: Page, scene: Scene) -> None:
    expect(page.locator(".dissemination-banner")).to_be_visible()
    # The reason is in the banner (and, for a registered person, in the panel too).
    expect(page.locator(".dissemination-reason").first).to_be_visible()


def _register_refused(page: Page, scene: Scene) -> None:
    """The registration page of its own (a deep link), sent without a name: the panel shows the
    errors beside the field (htmx swaps it), nothing stored."""
    htmx_ready(page)
    page.fill("#registration-name", "")
    page.locator("#registration-panel form button[type='submit']").click()
    expect(page.locator("#registration-name")).to_have_attribute("aria-invalid", "true")
    htmx_settled(page)
    expect(page.locator("#registration-panel .error-summary")).to_be_focused()
    assert not scene.hybrid.registrations.filter(user=scene.newcomer).exists()


def _file_and_link(page: Page, scene: Scene) -> None:
    report = scene.report
    expect(
        page.locator(f"main a[href='/events/publications/{report.pk}/download/']").first
    ).to_be_visible()


def _publication_organiser(page: Page, scene: Scene) -> None:
    expect(page.locator(".publication-organiser-panel")).to_be_visible()


def _publication_errors(page: Page, scene: Scene) -> None:
    _submit(page, "form.publication-form button[name='publish'][value='1']")
    _errors_shown(page, "#id_title")


def _event_edit_errors(page: Page, scene: Scene) -> None:
    page.fill("#id_title", "")
    page.fill("#id_capacity", "0")
    _submit(page, "form.event-form button[type='submit']")
    _errors_shown(page, "#id_title", "#id_capacity")


def _move_without_reason(page: Page, scene: Scene) -> None:
    _submit(page)
    _errors_shown(page, "#id_reason")


def _reschedule_errors(page: Page, scene: Scene) -> None:
    """A new start in the hour the clocks skip, and an end before it."""
    night = _next_spring_forward()
    page.fill("#id_starts_at", f"{night.isoformat()}T02:30")
    page.fill("#id_ends_at", f"{night.isoformat()}T01:00")
    _submit(page)
    _errors_shown(page, "#id_starts_at")


def _refused_move(page: Page, scene: Scene) -> None:
    expect(page.locator("main .message-error")).to_be_visible()


def _attendance_form(page: Page, scene: Scene) -> None:
    expect(page.locator("main form[action$='/attendance/'] select")).to_have_count(2)


def _attendance_error(page: Page, scene: Scene) -> None:
    """A value not on offer (an edited page): refused beside the row, nothing saved."""
    field = page.locator("main form[action$='/attendance/'] select").first
    field.evaluate("select => { select.options[0].value = 'maybe'; select.selectedIndex = 0; }")
    _submit(page, "main form[action$='/attendance/'] button[type='submit']")
    expect(page.locator(".error-summary")).to_be_focused()


def _every_state(page: Page, scene: Scene) -> None:
    main = page.locator("main")
    for event in (scene.online, scene.hybrid, scene.postponed, scene.cancelled, scene.past):
        expect(main.locator(f"a[href='{event.get_absolute_url()}']").first).to_be_visible()
    expect(main.locator("form[action$='/registration/cancel/']").first).to_be_visible()


def _lesson_decision(page: Page, scene: Scene) -> None:
    expect(page.locator(f"#lesson-{scene.waiting_lesson.pk}-reason")).to_be_visible()


def _lesson_sent_back(page: Page, scene: Scene) -> None:
    expect(page.locator(".knowledge-status-banner")).to_contain_text("vårdcentraler")
    expect(
        page.locator(f"main a[href='/events/lessons/{scene.sent_back.pk}/edit/']")
    ).to_be_visible()


def _lesson_form_errors(page: Page, scene: Scene) -> None:
    _submit(page, "main form button[name='submit'][value='1']")
    _errors_shown(page, "#id_title", "#id_body")


def _lesson_move_without_reason(page: Page, scene: Scene) -> None:
    _submit(page)
    expect(page.locator(".error-summary").first).to_be_focused()


def _lessons_section(page: Page, scene: Scene) -> None:
    section = page.locator("#lessons")
    expect(section.locator("tbody tr")).to_have_count(3)


def _summary(page: Page, scene: Scene) -> None:
    main = page.locator("main")
    expect(main.locator(f"a[href='{scene.lesson.get_absolute_url()}']")).to_be_visible()
    expect(main.locator(f"a[href='{scene.online.get_absolute_url()}']")).to_be_visible()
    expect(main.locator(f"a[href='{scene.report.get_absolute_url()}']")).to_be_visible()


def _region_outreach(page: Page, scene: Scene) -> None:
    main = page.locator("main")
    expect(main.locator(f"a[href='{scene.online.get_absolute_url()}']").first).to_be_visible()
    expect(main.locator(f"a[href='{scene.report.get_absolute_url()}']").first).to_be_visible()
    expect(main.locator(f"a[href='{scene.lesson.get_absolute_url()}']").first).to_be_visible()


def _chart_and_table(page: Page, scene: Scene) -> None:
    expect(page.locator("main svg[role='img']")).to_have_count(1)
    expect(page.locator("main table.reach-table").first).to_be_visible()


def _reach_form_error(page: Page, scene: Scene) -> None:
    page.fill("#id_value", "-3")
    _submit(page, "main form[method='post']:not([action]) button[type='submit']")
    _errors_shown(page, "#id_metric", "#id_value")


# --- The cases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    who: str  # "anonymous" or a Scene attribute
    path: Callable[[Scene], str]
    then: Callable[[Page, Scene], None] | None = None
    status: int = 200
    # The case provokes a 4xx on purpose (the browser logs it).
    refused: bool = False


def _p(url: str) -> Callable[[Scene], str]:
    return lambda s: url


def _url(attribute: str, suffix: str = "") -> Callable[[Scene], str]:
    return lambda s: s.person(attribute).get_absolute_url() + suffix


def _pk(template: str, attribute: str) -> Callable[[Scene], str]:
    return lambda s: template.format(pk=s.person(attribute).pk)


CASES: dict[str, Case] = {
    # The calendar
    "calendar": Case("anonymous", _p("/events/"), then=_calendar),
    "calendar-signed-in": Case("member", _p("/events/"), then=_calendar),
    "calendar-every-filter": Case(
        "anonymous",
        _p("/events/?kind=webinar&region=uppsala&language=sv&mode=online"),
        then=_in_results("online"),
    ),
    "calendar-national": Case(
        "anonymous", _p("/events/?region=national&mode=onsite"), then=_in_results("onsite")
    ),
    "calendar-no-results": Case(
        "anonymous", _p("/events/?kind=clinic&region=uppsala&language=en"), then=_nothing_found
    ),
    "calendar-filter-errors": Case(
        "anonymous",
        _p("/events/?kind=gala&region=atlantis&language=en"),
        then=_calendar_filter_errors,
    ),
    "calendar-htmx-filter": Case("anonymous", _p("/events/"), then=_calendar_htmx),
    # The archive
    "archive": Case("anonymous", _p("/events/archive/"), then=_archive),
    "archive-publications": Case(
        "anonymous",
        lambda s: (
            f"/events/archive/?kind=publications&region=uppsala&year={s.report.published_on.year}"
        ),
        then=_in_results("report"),
    ),
    "archive-no-results": Case(
        "anonymous", _p("/events/archive/?kind=conference&region=national"), then=_archive_empty
    ),
    # An event's page
    "event-online": Case("anonymous", _url("online")),
    "event-online-form": Case("newcomer", _url("online"), then=_panel_form),
    "event-online-seat": Case("member", _url("online"), then=_seat_and_link),
    "event-online-waiting": Case("waiting", _url("online"), then=_queued),
    "event-online-organiser": Case("coordinator", _url("online"), then=_organiser_view),
    "event-onsite": Case("anonymous", _url("onsite")),
    "event-onsite-form": Case("member", _url("onsite"), then=_panel_form),
    "event-onsite-organiser": Case("admin", _url("onsite")),
    "event-hybrid-seat": Case("member", _url("hybrid")),
    "event-draft-organiser": Case("coordinator", _url("draft"), then=_draft_view),
    "event-postponed": Case("anonymous", _url("postponed"), then=_banner),
    "event-postponed-registered": Case("member", _url("postponed"), then=_banner),
    "event-cancelled": Case("anonymous", _url("cancelled"), then=_banner),
    "event-cancelled-registered": Case("member", _url("cancelled"), then=_banner),
    "event-past": Case("member", _url("past")),
    "register-page": Case("newcomer", _url("hybrid", "register/"), then=_panel_form),
    "register-page-refused": Case("newcomer", _url("hybrid", "register/"), then=_register_refused),
    # A publication's page
    "publication-file": Case("anonymous", _url("report"), then=_file_and_link),
    "publication-link": Case("anonymous", _url("podcast")),
    "publication-organiser": Case("coordinator", _url("report"), then=_publication_organiser),
    "publication-draft-organiser": Case(
        "coordinator", _url("draft_publication"), then=_publication_organiser
    ),
    # The organisers' pages
    "manage-coordinator": Case("coordinator", _p("/events/manage/")),
    "manage-admin": Case("admin", _p("/events/manage/")),
    "manage-admin-national": Case("admin", _p("/events/manage/?region=national")),
    "event-new": Case("coordinator", _p("/events/new/")),
    "event-edit": Case("coordinator", _url("online", "edit/")),
    "event-edit-errors": Case("coordinator", _url("online", "edit/"), then=_event_edit_errors),
    "publication-new": Case("coordinator", _p("/events/publications/new/")),
    "publication-new-errors": Case(
        "coordinator", _p("/events/publications/new/"), then=_publication_errors, refused=True
    ),
    "publication-edit": Case("coordinator", _pk("/events/publications/{pk}/edit/", "report")),
    "move-publish": Case("coordinator", _url("draft", "move/publish/")),
    "move-reschedule": Case("coordinator", _url("postponed", "move/reschedule/")),
    "move-reschedule-errors": Case(
        "coordinator",
        _url("online", "move/reschedule/"),
        then=_reschedule_errors,
        refused=True,
    ),
    "move-postpone": Case("coordinator", _url("online", "move/postpone/")),
    "move-postpone-errors": Case(
        "coordinator", _url("online", "move/postpone/"), then=_move_without_reason, refused=True
    ),
    "move-cancel": Case("coordinator", _url("online", "move/cancel/")),
    "move-cancel-errors": Case(
        "coordinator", _url("hybrid", "move/cancel/"), then=_move_without_reason, refused=True
    ),
    "move-refused": Case(
        "coordinator",
        _url("cancelled", "move/postpone/"),
        then=_refused_move,
        status=409,
        refused=True,
    ),
    "publication-withdraw": Case(
        "coordinator", _pk("/events/publications/{pk}/move/withdraw/", "report")
    ),
    "publication-withdraw-errors": Case(
        "coordinator",
        _pk("/events/publications/{pk}/move/withdraw/", "podcast"),
        then=_move_without_reason,
        refused=True,
    ),
    "attendees-upcoming": Case("coordinator", _url("online", "attendees/")),
    "attendees-past": Case("coordinator", _url("past", "attendees/"), then=_attendance_form),
    "attendees-past-error": Case(
        "coordinator", _url("past", "attendees/"), then=_attendance_error, refused=True
    ),
    # My events
    "mine-empty": Case("newcomer", _p("/events/mine/")),
    "mine-every-state": Case("member", _p("/events/mine/"), then=_every_state),
    # Lessons learned
    "lessons": Case("anonymous", _p("/events/lessons/"), then=_in_results("lesson")),
    "lessons-filtered": Case(
        "anonymous", _p("/events/lessons/?region=uppsala"), then=_in_results("lesson")
    ),
    "lessons-filter-error": Case("anonymous", _p("/events/lessons/?region=atlantis")),
    "lesson": Case("anonymous", _url("lesson")),
    "lesson-coordinator": Case("coordinator", _url("lesson")),
    "lesson-waiting-coordinator": Case(
        "coordinator", _url("waiting_lesson"), then=_lesson_decision
    ),
    "lesson-waiting-author": Case("member", _url("waiting_lesson")),
    "lesson-sent-back-author": Case("member", _url("sent_back"), then=_lesson_sent_back),
    "lesson-new": Case("member", _pk("/events/lessons/new/{pk}/", "partnership")),
    "lesson-new-errors": Case(
        "member", _pk("/events/lessons/new/{pk}/", "partnership"), then=_lesson_form_errors
    ),
    "lesson-edit": Case("member", _pk("/events/lessons/{pk}/edit/", "sent_back")),
    "lesson-move-withdraw": Case(
        "coordinator", _pk("/events/lessons/{pk}/move/withdraw/", "lesson")
    ),
    "lesson-move-withdraw-errors": Case(
        "coordinator",
        _pk("/events/lessons/{pk}/move/withdraw/", "lesson"),
        then=_lesson_move_without_reason,
        refused=True,
    ),
    "lesson-move-request-changes-errors": Case(
        "coordinator",
        _pk("/events/lessons/{pk}/move/request_changes/", "waiting_lesson"),
        then=_lesson_move_without_reason,
        refused=True,
    ),
    "lesson-review": Case("coordinator", _p("/events/lessons/review/"), then=_lesson_decision),
    "lesson-review-admin": Case("admin", _p("/events/lessons/review/"), then=_lesson_decision),
    # The partnership, the region
    "partnership-lessons-party": Case(
        "member", _pk("/partnerships/{pk}/", "partnership"), then=_lessons_section
    ),
    "partnership-lessons-coordinator": Case(
        "coordinator", _pk("/partnerships/{pk}/", "partnership"), then=_lessons_section
    ),
    "partnership-summary": Case(
        "anonymous", _pk("/partnerships/{pk}/summary/", "partnership"), then=_summary
    ),
    "region": Case("anonymous", _p("/regions/uppsala/"), then=_region_outreach),
    # Reach
    "reach-coordinator": Case("coordinator", _p("/events/reach/"), then=_chart_and_table),
    "reach-coordinator-region": Case(
        "coordinator", _p("/events/reach/?region=uppsala"), then=_chart_and_table
    ),
    "reach-sponsor": Case("sponsor", _p("/events/reach/"), then=_chart_and_table),
    "reach-admin": Case("admin", _p("/events/reach/"), then=_chart_and_table),
    "reach-admin-year": Case(
        "admin",
        lambda s: f"/events/reach/?region=national&year={timezone.localdate().year}",
        then=_chart_and_table,
    ),
    "event-reach": Case("coordinator", _url("past", "reach/")),
    "event-reach-errors": Case(
        "coordinator", _url("past", "reach/"), then=_reach_form_error, refused=True
    ),
    "publication-reach": Case("coordinator", _pk("/events/publications/{pk}/reach/", "podcast")),
    "publication-reach-file": Case(
        "coordinator", _pk("/events/publications/{pk}/reach/", "report")
    ),
}

# Cases that fail today, with the fix the lead must make (strict: the mark must come off when
# the page is fixed).
KNOWN: dict[str, str] = {}


def _params() -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN[name]))
        if name in KNOWN
        else name
        for name in CASES
    ]


@pytest.mark.parametrize("name", _params())
@pytest.mark.parametrize("language", LANGUAGES)
def test_dissemination_page_is_accessible(
    page: Page,
    context: BrowserContext,
    live_server: Any,
    console_errors: ConsoleErrors,
    scene: Scene,
    language: str,
    name: str,
) -> None:
    case = CASES[name]
    act_as(page, context, live_server.url, scene, case.who, language)
    if case.refused:
        console_errors.allow(r"status of 40[09] ")
    path = case.path(scene)
    response = page.goto(path)
    assert response is not None
    assert response.status == case.status, f"{path}: {response.status}"
    assert unquote(page.url) == f"{live_server.url}{unquote(path)}", f"{path} led to {page.url}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    if case.then is not None:
        case.then(page, scene)
        expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)
