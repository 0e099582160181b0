"""The dissemination journey (issue 5) in real Chromium, in Swedish and in English, with axe on
every page it passes through.

A coordinator of Uppsala opens "Organise events and publications" from the user menu and
creates a webinar with two seats through the form: Stockholm local times typed into the
datetime-local fields, an online link. A first attempt with no title and an end before the
start is refused beside the fields and keeps what was typed; the event is saved as a draft and
published from its page. Three people sign in one after another and register through the
registration panel on the event page (htmx): the first after a refused attempt without a name,
the third is put on the waiting list and the panel says so, with the place in the queue. The
first cancels from "My events"; the seat goes at once to the third, whose page now says they are
registered and shows the online link, and who got an email in their language saying they have
a seat. The coordinator sees the attendee list. A signed-out visitor finds the webinar in the
public calendar, opens it and downloads its .ics file, which parses back with the summary, the
start in Europe/Stockholm and no online link.

Plus, with the keyboard only: registering for an event (Tab to the form, type, Enter) and
cancelling.
"""

import datetime as dt
import re
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Page, expect

from dissemination.models import Event, EventKind, Registration
from dissemination.workflow import EventStatus, RegistrationStatus
from tests.browser.conftest import (
    BROWSER_TEST,
    checked,
    click_and_load,
    htmx_ready,
    htmx_settled,
    organisation,
    sign_in,
    sign_in_staff,
    tab_to,
    use_language,
)
from tests.factories_dissemination import EventFactory
from tests.factories_process import make_company_member, make_region_person

pytestmark = BROWSER_TEST

LANGUAGES = ["sv", "en"]
STOCKHOLM = ZoneInfo("Europe/Stockholm")

TITLE = {
    "sv": "Webbinarium: så når företag vårdens innovationsnoder",
    "en": "Webinar: how companies reach the healthcare innovation hubs",
}
DESCRIPTION = {
    "sv": "Vi går igenom hur regionerna tar emot förslag.\n\nFrågor tas på slutet.",
    "en": "How the regions receive proposals.\n\nQuestions at the end.",
}
ONLINE_URL = "https://meet.example.se/webbinarium-innovationsnoder"


def _(language: str, message: str, **params: Any) -> str:
    """`message` as the portal shows it in `language` (the English msgid when the catalogue
    has no translation yet: the page falls back the same way)."""
    with translation.override(language):
        text = gettext(message)
    return text % params if params else text


def registration_status(language: str, label: str) -> str:
    with translation.override(language):
        return pgettext("registration status", label)


def local_day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def stockholm(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def typed(moment: dt.datetime) -> str:
    """What a person types into `<input type="datetime-local">`."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def open_user_menu_link(page: Page, href: str) -> None:
    page.locator("details.user-menu > summary").click()
    click_and_load(page, page.locator(f"details.user-menu a[href='{href}']"))


def panel(page: Page) -> Any:
    return page.locator("#registration-panel")


def register_through_panel(page: Page, name: str, org: str, *, consent: bool) -> None:
    """Fill the panel's form and send it; htmx swaps the panel in place."""
    htmx_ready(page)
    page.fill("#registration-name", name)
    page.fill("#registration-organisation", org)
    if consent:
        page.check("#registration-consent_to_list")
    panel(page).locator("form button[type='submit']").click()
    expect(panel(page).locator("#registration-panel-status")).to_be_visible()
    htmx_settled(page)


# --- The journey ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_webinar_fills_up_a_seat_frees_and_the_waiting_list_moves_up(
    page: Page, live_server: Any, mailoutbox: list[Any], language: str
) -> None:
    url = live_server.url
    coordinator = make_region_person(
        "uppsala",
        email="cora@uppsala.example.se",
        name="Cora Samordnare",
        preferred_language=language,
    )
    people = [
        make_company_member(organisation(org), email=email, name=name, preferred_language=language)
        for org, email, name in [
            ("CareSense AB", "anna@caresense.example.se", "Anna Åberg"),
            ("Pulsmätaren AB", "bo@pulsmataren.example.se", "Bo Öhman"),
            ("Hemvårdsdata AB", "cecilia@hemvardsdata.example.se", "Cecilia Ek"),
        ]
    ]
    first, second, third = people
    day = local_day(21)
    starts, ends = stockholm(day, 13), stockholm(day, 14, 30)
    title = TITLE[language]

    # --- The coordinator creates the webinar ---------------------------------------------------
    sign_in_staff(page, url, coordinator)
    page.goto("/")
    open_user_menu_link(page, "/events/manage/")
    checked(page, language)
    click_and_load(page, page.locator("main a[href='/events/new/']"))
    checked(page, language)

    page.check("input[name='kind'][value='webinar']")
    page.fill("#id_description", DESCRIPTION[language])
    page.fill("#id_starts_at", typed(starts))
    page.fill("#id_ends_at", typed(starts - dt.timedelta(hours=1)))  # ends before it starts
    page.fill("#id_online_url", ONLINE_URL)
    page.fill("#id_capacity", "2")
    page.check(f"input[name='language'][value='{language}']")
    click_and_load(page, page.locator("form.event-form button[name='publish'][value='0']"))
    # Refused beside the fields, announced, nothing typed lost, nothing stored.
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_ends_at")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_ends_at_error")).to_contain_text(
        _(language, "The event must end after it starts.")
    )
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION[language])
    expect(page.locator("#id_starts_at")).to_have_value(typed(starts))
    expect(page.locator("#id_online_url")).to_have_value(ONLINE_URL)
    expect(page.locator("#id_capacity")).to_have_value("2")
    checked(page, language)
    assert not Event.objects.exists()

    page.fill("#id_title", title)
    page.fill("#id_ends_at", typed(ends))
    click_and_load(page, page.locator("form.event-form button[name='publish'][value='0']"))
    event = Event.objects.get()
    expect(page).to_have_url(re.compile(rf"/events/{event.pk}/$"))
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator(".dissemination-banner")).to_be_visible()  # a draft, marked so
    checked(page, language)
    assert event.status == EventStatus.DRAFT
    assert event.kind == EventKind.WEBINAR and event.capacity == 2
    assert event.region is not None and event.region.slug == "uppsala"
    assert event.language == language and event.online_url == ONLINE_URL
    # Typed in Swedish time, stored as the same instant.
    assert event.starts_at == starts and event.ends_at == ends
    assert event.description.count("<p>") == 2

    click_and_load(page, page.locator(".organiser-panel a[href$='/move/publish/']"))
    checked(page, language)
    click_and_load(page, page.locator("main form button[type='submit']"))
    expect(page).to_have_url(re.compile(rf"/events/{event.pk}/$"))
    expect(page.locator(".messages")).to_be_visible()
    checked(page, language)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED

    # --- Three people register through the event page ----------------------------------------
    # The first sends the form without a name: refused in the panel, the rest kept.
    page.context.clear_cookies()
    sign_in(page, first.email)
    page.goto(f"/events/{event.pk}/")
    expect(panel(page).locator("#registration-name")).to_be_visible()
    checked(page, language)
    htmx_ready(page)
    page.evaluate("window.__sameDocument = true")
    page.fill("#registration-name", "")
    page.fill("#registration-needs", "Vegetarisk lunch")
    panel(page).locator("form button[type='submit']").click()
    expect(panel(page).locator("#registration-name")).to_have_attribute("aria-invalid", "true")
    htmx_settled(page)
    expect(page.locator("#registration-panel .error-summary")).to_be_focused()
    expect(page.locator("#registration-needs")).to_have_value("Vegetarisk lunch")
    checked(page, language)
    assert not Registration.objects.exists()

    page.fill("#registration-name", first.name)
    page.check("#registration-consent_to_list")
    panel(page).locator("form button[type='submit']").click()
    expect(panel(page).locator("#registration-panel-status")).to_be_visible()
    htmx_settled(page)
    assert page.evaluate("window.__sameDocument") is True  # the panel was swapped in place
    expect(panel(page)).to_contain_text(_(language, "You are registered."))
    expect(panel(page).locator(f"a[href='{ONLINE_URL}']")).to_be_visible()
    expect(panel(page).locator(".attendee-names")).to_contain_text(first.name)
    checked(page, language)

    page.context.clear_cookies()
    sign_in(page, second.email)
    page.goto(f"/events/{event.pk}/")
    checked(page, language)
    register_through_panel(page, second.name, "Pulsmätaren AB", consent=False)
    expect(panel(page)).to_contain_text(_(language, "You are registered."))
    checked(page, language)

    page.context.clear_cookies()
    sign_in(page, third.email)
    page.goto(f"/events/{event.pk}/")
    # Full: the form offers the waiting list.
    expect(panel(page)).to_contain_text(_(language, "Full – you can join the waiting list."))
    checked(page, language)
    register_through_panel(page, third.name, "Hemvårdsdata AB", consent=True)
    waiting = _(language, "You are number %(position)s on the waiting list.", position=1)
    expect(panel(page)).to_contain_text(waiting)
    expect(panel(page).locator(f"a[href='{ONLINE_URL}']")).to_have_count(0)
    checked(page, language)
    page.reload()
    expect(panel(page)).to_contain_text(waiting)
    checked(page, language)

    statuses = dict(Registration.objects.values_list("user__email", "status"))
    assert statuses == {
        first.email: RegistrationStatus.CONFIRMED,
        second.email: RegistrationStatus.CONFIRMED,
        third.email: RegistrationStatus.WAITLISTED,
    }

    # --- The first cancels from "My events" -----------------------------------------------------
    page.context.clear_cookies()
    sign_in(page, first.email)
    page.goto("/")
    open_user_menu_link(page, "/events/mine/")
    row = page.locator("main table tbody tr", has=page.locator(f"a[href='/events/{event.pk}/']"))
    expect(row).to_contain_text(registration_status(language, "Registered"))
    checked(page, language)
    mail_before = len(mailoutbox)
    click_and_load(page, row.locator("form button[type='submit']"))
    expect(page).to_have_url(re.compile(r"/events/mine/$"))
    expect(page.locator(".messages")).to_contain_text(
        _(language, "Your registration is cancelled.")
    )
    expect(row).to_contain_text(registration_status(language, "Cancelled"))
    checked(page, language)

    statuses = dict(Registration.objects.values_list("user__email", "status"))
    assert statuses[first.email] == RegistrationStatus.CANCELLED
    assert statuses[third.email] == RegistrationStatus.CONFIRMED

    # The third was told, in their language, with the online link.
    told = [m for m in mailoutbox[mail_before:] if m.to == [third.email]]
    assert len(told) == 1, [m.subject for m in mailoutbox]
    with translation.override(language):
        assert told[0].subject == gettext("You have a seat: %(title)s") % {"title": title}
    assert ONLINE_URL in told[0].body
    assert not [m for m in mailoutbox[mail_before:] if m.to == [second.email]]

    # --- The third's page now says they have a seat ---------------------------------------------
    page.context.clear_cookies()
    sign_in(page, third.email)
    page.goto(f"/events/{event.pk}/")
    expect(panel(page)).to_contain_text(_(language, "You are registered."))
    expect(panel(page).locator(f"a[href='{ONLINE_URL}']")).to_be_visible()
    # Who's coming: those with a seat who consented (the third), not the second.
    names = panel(page).locator(".attendee-names")
    expect(names).to_contain_text(third.name)
    expect(names).not_to_contain_text(second.name)
    checked(page, language)

    # --- The coordinator's attendee list ------------------------------------------------------
    page.context.clear_cookies()
    sign_in_staff(page, url, coordinator)
    page.goto(f"/events/{event.pk}/")
    checked(page, language)
    click_and_load(page, page.locator(f".organiser-panel a[href='/events/{event.pk}/attendees/']"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(second.name)
    expect(rows.nth(1)).to_contain_text(third.name)
    expect(rows.nth(2)).to_contain_text(first.name)
    expect(rows.nth(2)).to_contain_text("Vegetarisk lunch")
    checked(page, language)
    page.goto("/events/manage/")
    expect(
        page.locator("main table", has=page.locator(f"a[href='/events/{event.pk}/']"))
    ).to_be_visible()
    checked(page, language)

    # --- A visitor finds it in the calendar and downloads the .ics -------------------------------
    page.context.clear_cookies()
    use_language(page.context, url, language)
    page.goto("/events/")
    checked(page, language)
    card = page.locator("#event-results .dissemination-card", has_text=title)
    expect(card).to_have_count(1)
    click_and_load(page, card.locator(f"a[href='/events/{event.pk}/']"))
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(f"a[href='{ONLINE_URL}']")).to_have_count(0)
    assert ONLINE_URL not in page.content()
    checked(page, language)

    with page.expect_download() as download_info:
        page.locator(f"main a[href='/events/{event.pk}/event.ics']").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    body = Path(download.path()).read_bytes()
    assert ONLINE_URL.encode() not in body
    calendar = icalendar.Calendar.from_ical(body)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == title
    dtstart: Any = vevent["DTSTART"]
    dtend: Any = vevent["DTEND"]
    assert dtstart.params["TZID"] == "Europe/Stockholm"
    assert dtstart.dt == starts and dtend.dt == ends
    # The wall-clock time in the file is the one the coordinator typed.
    assert dtstart.dt.replace(tzinfo=None) == starts.replace(tzinfo=None)
    assert str(vevent["URL"]).endswith(f"/events/{event.pk}/")
    assert str(vevent["UID"]).startswith(f"event-{event.ical_uid}@")


# --- The keyboard --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv"])
def test_registering_and_cancelling_with_the_keyboard_only(
    page: Page, live_server: Any, language: str
) -> None:
    event = cast(Event, EventFactory(title="Webbinarium: testbäddar i Uppsala", capacity=10))
    person = make_company_member(
        organisation("CareSense AB"),
        email="kim@caresense.example.se",
        name="Kim Berg",
        preferred_language=language,
    )
    sign_in(page, person.email)
    page.goto(f"/events/{event.pk}/")
    htmx_ready(page)
    page.evaluate("window.__sameDocument = true")

    tab_to(page, "#registration-name")
    # The name comes from the profile; the person writes it as the organisers should see it.
    page.keyboard.press("Control+A")
    page.keyboard.type("Kim Berg Åström")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "registration-organisation"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "registration-needs"
    page.keyboard.type("Hörslinga")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "registration-consent_to_list"
    page.keyboard.press("Space")
    expect(page.locator("#registration-consent_to_list")).to_be_checked()
    page.keyboard.press("Tab")
    # The second consent (the email address) is left as it comes: unticked.
    assert page.evaluate("document.activeElement.id") == "registration-consent_to_share_contact"
    expect(page.locator("#registration-consent_to_share_contact")).not_to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate(
        "document.activeElement.matches(\"#registration-panel form button[type='submit']\")"
    ), "the button follows the last field in the tab order"
    page.keyboard.press("Enter")

    status = page.locator("#registration-panel-status")
    expect(status).to_be_visible()
    htmx_settled(page)
    assert page.evaluate("window.__sameDocument") is True
    # Focus goes to the announcement, not back to the top of the page.
    expect(status).to_be_focused()
    registration = Registration.objects.get(event=event, user=person)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.name == "Kim Berg Åström"
    assert registration.needs == "Hörslinga" and registration.consent_to_list
    assert not registration.consent_to_share_contact

    tab_to(page, "#registration-panel form[action$='/registration/cancel/'] button")
    page.keyboard.press("Enter")
    expect(page.locator("#registration-name")).to_be_visible()
    htmx_settled(page)
    expect(page.locator("#registration-panel-status")).to_be_focused()
    expect(page.locator("#registration-panel-status")).to_contain_text(
        _(language, "Your registration is cancelled.")
    )
    assert page.evaluate("window.__sameDocument") is True
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
