"""The registration panel, the registration page, cancelling and "My events".

The panel is the part of an event page that says where the person stands, offers the form or the
cancel button and, to those allowed, the online link and who is coming. With htmx the panel is
answered alone; without JavaScript the forms post normally and come back with a message.
"""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dissemination.models import Registration
from dissemination.selectors.registrations import registration_panel_context
from dissemination.services.registrations import registration_create
from dissemination.workflow import EventStatus, RegistrationStatus
from portal.core.models import AuditEvent
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory, RegistrationFactory
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

RS = RegistrationStatus
HTMX = {"HTTP_HX_REQUEST": "true"}
LINK = "https://meet.example.se/webbinarium"


def _register_url(event: Any) -> str:
    return reverse("dissemination:register", args=[event.pk])


def _cancel_url(event: Any) -> str:
    return reverse("dissemination:registration_cancel", args=[event.pk])


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Anna Andersson",
        "organisation": "CareSense AB",
        "needs": "Vegetariskt",
        "consent_to_list": "on",
        **overrides,
    }


def _panel(user: Any, event: Any) -> str:
    """The panel as an event page includes it."""
    request = RequestFactory().get(event.get_absolute_url())
    request.user = user
    return render_to_string(
        "dissemination/partials/registration_panel.html",
        registration_panel_context(user=user, event=event),
        request=request,
    )


def _login_redirect(response: Any) -> bool:
    return response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.fixture
def event(db: Any) -> Any:
    return EventFactory(capacity=2, title="Webbinarium: vården möter företagen")


@pytest.fixture
def person(db: Any) -> Any:
    return UserFactory(name="Anna Andersson")


# --- Signed out ---------------------------------------------------------------------------------


def test_signed_out_visitors_are_asked_to_sign_in_and_come_back(event: Any) -> None:
    html = _panel(AnonymousUser(), event)
    login = reverse("account_login")
    assert f'href="{login}?next=%2Fevents%2F{event.pk}%2F"' in html
    assert "Sign in to register" in html
    assert "2 of 2 seats left" in html
    assert LINK not in html
    assert "<form" not in html


def test_the_registration_page_and_cancel_need_a_signed_in_person(event: Any, client: Any) -> None:
    assert _login_redirect(client.get(_register_url(event)))
    assert _login_redirect(client.post(_register_url(event), _form()))
    assert _login_redirect(client.post(_cancel_url(event)))
    assert not Registration.objects.exists()


# --- Registering --------------------------------------------------------------------------------


def test_the_form_is_prefilled_from_the_profile_and_the_first_membership(
    event: Any, company_member: Any, client: Any
) -> None:
    company_member.name = "Fia Founder"
    company_member.save()
    client.force_login(company_member)

    response = client.get(_register_url(event))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="name" value="Fia Founder"' in html
    assert 'name="organisation" value="CareSense AB"' in html
    assert f'hx-post="{_register_url(event)}"' in html
    assert 'id="registration-needs_helptext"' in html  # "Only the organisers see this."


def test_registering_without_javascript_redirects_to_the_event_with_a_message(
    event: Any, person: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_register_url(event), _form())

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    registration = Registration.objects.get(event=event, user=person)
    assert registration.status == RS.CONFIRMED
    assert registration.needs == "Vegetariskt" and registration.consent_to_list
    assert len(mail.outbox) == 1
    page = client.get(_register_url(event)).content.decode()
    assert "You are registered. We have sent you a confirmation by email." in page
    assert "You are registered." in page


def test_registering_with_htmx_answers_the_panel_alone(
    event: Any, person: Any, client: Any
) -> None:
    client.force_login(person)
    response = client.post(_register_url(event), _form(), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="registration-panel"')
    assert 'data-focus="registration-panel-status"' in html
    assert "You are registered." in html
    assert LINK in html
    assert "Cancel my registration" in html
    assert reverse("dissemination:event_ics", args=[event.pk]) in html
    assert "HX-Request" in response["Vary"]


def test_the_third_person_is_told_their_place_on_the_waiting_list(event: Any, client: Any) -> None:
    for _ in range(2):
        RegistrationFactory(event=event)
    third = UserFactory()
    client.force_login(third)

    page = client.get(_register_url(event)).content.decode()
    assert "Full – you can join the waiting list." in page
    assert "Join the waiting list" in page

    html = client.post(_register_url(event), _form(), **HTMX).content.decode()
    assert "You are number 1 on the waiting list." in html
    assert "the waiting list (number 1)" in html
    assert LINK not in html
    assert "Leave the waiting list" in html


def test_a_double_submit_answers_the_same_registration(
    event: Any, person: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_register_url(event), _form())
        again = client.post(_register_url(event), _form(), **HTMX)
    assert "You are registered." in again.content.decode()
    assert Registration.objects.filter(user=person).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Write the name the organisers should know you by."),
        ({"name": "x" * 151}, "name", "at most 150 characters"),
        ({"organisation": "x" * 201}, "organisation", "at most 200 characters"),
        ({"needs": "x" * 2001}, "needs", "at most 2000 characters"),
    ],
)
def test_bad_input_is_shown_beside_the_field_with_the_typed_values_kept(
    event: Any, person: Any, client: Any, overrides: dict[str, str], field: str, message: str
) -> None:
    client.force_login(person)

    response = client.post(_register_url(event), _form(**overrides))

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="registration-{field}_error"' in html
    assert message in html
    assert 'aria-invalid="true"' in html
    typed = _form(**overrides)
    for name in ("name", "organisation", "needs"):
        assert typed[name] in html  # every typed value is kept
    assert re.search(r'<input type="checkbox" name="consent_to_list"[^>]* checked', html)
    assert not Registration.objects.exists()

    fragment = client.post(_register_url(event), _form(**overrides), **HTMX)
    assert fragment.status_code == 200  # htmx swaps successful answers only
    assert f'id="registration-{field}_error"' in fragment.content.decode()
    assert not Registration.objects.exists()


def test_after_the_deadline_the_page_says_when_registration_closed(
    person: Any, client: Any
) -> None:
    deadline = timezone.now() - timedelta(hours=1)
    event = EventFactory(registration_deadline=deadline)
    client.force_login(person)

    page = client.get(_register_url(event)).content.decode()
    response = client.post(_register_url(event), _form())

    assert "Registration closed on" in page
    assert "<form" not in page.split('id="registration-panel"')[1]
    assert response.status_code == 400
    assert "Registration closed on" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [(EventStatus.CANCELLED, "The event is cancelled."), (EventStatus.POSTPONED, "postponed")],
)
def test_cancelled_and_postponed_events_refuse_registrations(
    person: Any, client: Any, status: str, message: str
) -> None:
    event = EventFactory(status=status, status_reason="Sjukdom")
    client.force_login(person)
    response = client.post(_register_url(event), _form())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_drafts_are_hidden_from_everyone_but_their_organisers(
    person: Any, coordinator: Any, client: Any
) -> None:
    draft = EventFactory(status=EventStatus.DRAFT)
    client.force_login(person)
    assert client.get(_register_url(draft)).status_code == 404
    assert client.post(_register_url(draft), _form()).status_code == 404
    assert client.post(_cancel_url(draft)).status_code == 404
    assert client.get(reverse("dissemination:register", args=[987654])).status_code == 404

    client.force_login(coordinator)
    page = client.get(_register_url(draft)).content.decode()
    assert "Registration opens when the event is published." in page
    assert not Registration.objects.exists()


# --- The online link and who is coming ------------------------------------------------------------


def test_the_online_link_is_for_confirmed_attendees_and_organisers_only(
    event: Any, coordinator: Any, portal_admin: Any, other_coordinator: Any
) -> None:
    confirmed = RegistrationFactory(event=event).user
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RS.WAITLISTED).user
    cancelled = RegistrationFactory(event=event, status=RS.CANCELLED).user

    assert LINK in _panel(confirmed, event)
    assert LINK in _panel(coordinator, event)
    assert LINK in _panel(portal_admin, event)
    for someone in (waiting, cancelled, UserFactory(), other_coordinator, AnonymousUser()):
        assert LINK not in _panel(someone, event)


def test_whos_coming_lists_consenting_attendees_to_confirmed_attendees_and_organisers(
    event: Any, coordinator: Any
) -> None:
    event.capacity = 10
    event.save()
    shown = RegistrationFactory(event=event, name="Synlig Person", organisation="Synligt AB")
    RegistrationFactory(event=event, name="Hemlig Person", consent_to_list=False, needs="Allergi")
    RegistrationFactory(event=event, name="Väntande Person", status=RS.WAITLISTED)
    waiting = Registration.objects.get(name="Väntande Person").user

    for viewer in (shown.user, coordinator):
        html = _panel(viewer, event)
        assert "Who’s coming" in html
        assert "Synlig Person" in html and "Synligt AB" in html
        assert "Hemlig Person" not in html
        assert "Väntande Person" not in html
        assert "Allergi" not in html  # needs are for the attendee list only
    for viewer in (waiting, UserFactory(), AnonymousUser()):
        html = _panel(viewer, event)
        assert "Who’s coming" not in html
        assert "Synlig Person" not in html


# --- Cancelling ---------------------------------------------------------------------------------


def test_cancelling_without_javascript_goes_back_to_the_page_it_came_from(
    event: Any, person: Any, client: Any
) -> None:
    registration_create(user=person, event=event, name="Anna")
    client.force_login(person)
    mine = reverse("dissemination:my_registrations")

    assert client.get(_cancel_url(event)).status_code == 405
    response = client.post(_cancel_url(event), {"next": mine})

    assert response.status_code == 302 and response["Location"] == mine
    assert Registration.objects.get(user=person).status == RS.CANCELLED
    assert "Your registration is cancelled." in client.get(mine).content.decode()


def test_cancelling_never_sends_people_to_another_site(
    event: Any, person: Any, client: Any
) -> None:
    registration_create(user=person, event=event, name="Anna")
    client.force_login(person)
    response = client.post(_cancel_url(event), {"next": "https://evil.example/"})
    assert response["Location"] == event.get_absolute_url()


def test_cancelling_with_htmx_promotes_the_next_person_and_answers_the_panel(
    event: Any, person: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration_create(user=person, event=event, name="Anna")
    registration_create(user=UserFactory(), event=event, name="Bo")
    waiting = UserFactory(preferred_language="sv", name="Cecilia Ek")
    registration_create(user=waiting, event=event, name="Cecilia")
    client.force_login(person)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_cancel_url(event), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your registration is cancelled." in html
    # The seat went to Cecilia, so the event is full again: the form offers the queue.
    assert "Join the waiting list" in html
    assert Registration.objects.get(user=waiting).status == RS.CONFIRMED
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert mail.outbox[0].body.startswith("Hej Cecilia,")


def test_leaving_the_waiting_list_says_so(event: Any, client: Any) -> None:
    for _ in range(2):
        RegistrationFactory(event=event)
    person = UserFactory()
    registration_create(user=person, event=event, name="Kö")
    client.force_login(person)
    html = client.post(_cancel_url(event), **HTMX).content.decode()
    assert "You have left the waiting list." in html


def test_cancelling_after_the_start_is_refused_with_a_message(person: Any, client: Any) -> None:
    now = timezone.now()
    event = EventFactory(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1))
    RegistrationFactory(event=event, user=person)
    client.force_login(person)
    response = client.post(_cancel_url(event), follow=False)
    assert response.status_code == 302
    page = client.get(reverse("dissemination:my_registrations")).content.decode()
    assert "can no longer be cancelled" in page
    fragment = client.post(_cancel_url(event), **HTMX).content.decode()
    assert 'class="message message-error" role="alert"' in fragment
    assert "can no longer be cancelled" in fragment
    assert Registration.objects.get(user=person).status == RS.CONFIRMED


# --- Showing one's name to the other attendees ---------------------------------------------------


def _consent_url(event: Any) -> str:
    return reverse("dissemination:registration_consent", args=[event.pk])


def _consent_form(html: str) -> str:
    match = re.search(r'<form[^>]*action="[^"]*/registration/consent/".*?</form>', html, re.S)
    assert match, "the consent form is in the panel"
    return match.group(0)


def test_the_panel_offers_to_stop_showing_the_name_beside_the_cancel_button(
    event: Any, person: Any
) -> None:
    RegistrationFactory(event=event, user=person, consent_to_list=True)
    html = _panel(person, event)
    form = _consent_form(html)
    assert 'method="post"' in form and f'hx-post="{_consent_url(event)}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="consent_to_list" value="0">' in form
    # A real button, named by its text and described by the current choice: keyboard users
    # reach it with Tab and press it with Enter or Space.
    assert re.search(
        r'<button type="submit"[^>]*aria-describedby="registration-consent-state">'
        r"Stop showing my name to the other attendees</button>",
        form,
    )
    assert (
        '<p id="registration-consent-state">The other attendees see your name and organisation.'
        in html
    )
    assert "Cancel my registration" in html


def test_someone_who_chose_not_to_be_shown_is_offered_to_be_shown(event: Any, person: Any) -> None:
    RegistrationFactory(event=event, user=person, consent_to_list=False)
    form = _consent_form(_panel(person, event))
    assert 'name="consent_to_list" value="1"' in form
    assert "Show my name and organisation to the other attendees</button>" in form


def test_only_people_with_a_seat_or_a_place_in_the_queue_get_the_choice(event: Any) -> None:
    waiting = RegistrationFactory(event=event, status=RS.WAITLISTED).user
    assert "/registration/consent/" in _panel(waiting, event)
    cancelled = RegistrationFactory(event=event, status=RS.CANCELLED).user
    for someone in (cancelled, UserFactory(), AnonymousUser()):
        assert "/registration/consent/" not in _panel(someone, event)


def test_withdrawing_consent_without_javascript_keeps_the_seat(
    event: Any, person: Any, client: Any
) -> None:
    mine = RegistrationFactory(event=event, user=person, name="Anna Andersson")
    other = RegistrationFactory(event=event).user
    assert "Anna Andersson" in _panel(other, event)
    client.force_login(person)

    response = client.post(_consent_url(event), {"consent_to_list": "0"})

    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    mine.refresh_from_db()
    assert mine.status == RS.CONFIRMED and not mine.consent_to_list
    assert "Anna Andersson" not in _panel(other, event)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Your name is no longer shown to the other attendees." in page
    audit = AuditEvent.objects.get(action="registration.consent")
    assert audit.actor == person and audit.target_id == str(mine.pk)


def test_giving_consent_with_htmx_answers_the_panel(event: Any, person: Any, client: Any) -> None:
    mine = RegistrationFactory(
        event=event, user=person, name="Anna Andersson", consent_to_list=False
    )
    client.force_login(person)

    response = client.post(_consent_url(event), {"consent_to_list": "1"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="registration-panel"')
    assert 'role="status"' in html
    assert "The other attendees now see your name and organisation." in html
    assert "Stop showing my name to the other attendees</button>" in html
    assert "Anna Andersson" in html  # now on "Who’s coming"
    mine.refresh_from_db()
    assert mine.consent_to_list and mine.status == RS.CONFIRMED


def test_a_double_click_changes_nothing_more(event: Any, person: Any, client: Any) -> None:
    mine = RegistrationFactory(event=event, user=person, consent_to_list=True)
    client.force_login(person)
    for _ in range(2):
        response = client.post(_consent_url(event), {"consent_to_list": "0"}, **HTMX)
        assert "Your name is no longer shown" in response.content.decode()
    mine.refresh_from_db()
    assert not mine.consent_to_list
    assert AuditEvent.objects.filter(action="registration.consent").count() == 1


def test_the_consent_choice_is_refused_without_a_registration_or_a_valid_value(
    event: Any, person: Any, client: Any
) -> None:
    client.force_login(person)
    response = client.post(_consent_url(event), {"consent_to_list": "1"})
    assert response.status_code == 302
    page = client.get(event.get_absolute_url()).content.decode()
    assert "You are not registered for this event." in page
    fragment = client.post(_consent_url(event), {"consent_to_list": "1"}, **HTMX)
    assert 'role="alert"' in fragment.content.decode()

    mine = RegistrationFactory(event=event, user=person, consent_to_list=True)
    for value in ("", "yes", "2"):
        html = client.post(_consent_url(event), {"consent_to_list": value}, **HTMX)
        assert "Choose whether the other attendees may see your name." in html.content.decode()
    cancelled = RegistrationFactory(event=event, status=RS.CANCELLED)
    client.force_login(cancelled.user)
    client.post(_consent_url(event), {"consent_to_list": "0"})
    mine.refresh_from_db()
    cancelled.refresh_from_db()
    assert mine.consent_to_list and cancelled.consent_to_list
    assert not AuditEvent.objects.filter(action="registration.consent").exists()


def test_the_consent_choice_is_post_only_after_the_permission_check(
    person: Any, client: Any
) -> None:
    assert _login_redirect(client.post(_consent_url(EventFactory()), {"consent_to_list": "0"}))
    draft = EventFactory(status=EventStatus.DRAFT)
    RegistrationFactory(event=draft, user=person)
    client.force_login(person)
    # A hidden event is 404 for any method; a wrong method is 405 only where the event is seen.
    assert client.get(_consent_url(draft)).status_code == 404
    assert client.post(_consent_url(draft), {"consent_to_list": "0"}).status_code == 404
    assert (
        client.get(reverse("dissemination:registration_consent", args=[987654])).status_code == 404
    )
    public = EventFactory()
    RegistrationFactory(event=public, user=person)
    assert client.get(_consent_url(public)).status_code == 405
    assert Registration.objects.get(event=draft).consent_to_list


# --- My events ----------------------------------------------------------------------------------


def test_my_events_lists_upcoming_and_past_registrations_with_their_state(
    person: Any, client: Any
) -> None:
    now = timezone.now()
    upcoming = EventFactory(title="Kommande webbinarium", capacity=1)
    RegistrationFactory(event=upcoming)
    registration_create(user=person, event=upcoming, name="Anna")
    past = EventFactory(
        title="Förra årets konferens",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=30) + timedelta(hours=3),
    )
    RegistrationFactory(event=past, user=person, attended=True)
    RegistrationFactory(event=EventFactory(title="Någon annans"))
    client.force_login(person)

    html = client.get(reverse("dissemination:my_registrations")).content.decode()

    before_past = html.split('id="past-heading"')[0]
    after_past = html.split('id="past-heading"')[1]
    assert "Kommande webbinarium" in before_past
    assert "Number 1 on the waiting list" in before_past
    assert "Leave the waiting list" in before_past
    assert "Förra årets konferens" in after_past and "Attended" in after_past
    assert "Någon annans" not in html


def test_my_events_when_there_are_none(person: Any, client: Any) -> None:
    client.force_login(person)
    html = client.get(reverse("dissemination:my_registrations")).content.decode()
    assert "You are not registered for any upcoming event." in html
    assert _login_redirect(type(client)().get(reverse("dissemination:my_registrations")))


def test_my_events_query_count_is_fixed(person: Any, client: Any) -> None:
    counts = []
    for rows in (2, 20):
        Registration.objects.filter(user=person).delete()
        for i in range(rows):
            event = EventFactory(capacity=1 if i % 2 else None)
            if i % 2:
                RegistrationFactory(event=event)
                registration_create(user=person, event=event, name="Anna")
            else:
                RegistrationFactory(event=event, user=person)
        client.force_login(person)
        counts.append(count_queries(client, reverse("dissemination:my_registrations")))
    assert counts[0] == counts[1]


def test_the_registration_panel_makes_a_fixed_number_of_queries(client: Any) -> None:
    counts = []
    for rows in (2, 20):
        event = EventFactory(capacity=None)
        viewer = RegistrationFactory(event=event).user  # sees who is coming
        for i in range(rows):
            RegistrationFactory(event=event, consent_to_list=bool(i % 2))
        client.force_login(viewer)
        counts.append(count_queries(client, _register_url(event)))
    assert counts[0] == counts[1]


def test_the_predicates_look_the_registration_up_when_not_given(
    event: Any, coordinator: Any
) -> None:
    from dissemination.permissions.registrations import (
        can_see_attendee_names,
        can_see_online_link,
    )

    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RS.WAITLISTED)
    assert can_see_online_link(confirmed.user, event)
    assert can_see_attendee_names(confirmed.user, event)
    assert can_see_online_link(coordinator, event)
    assert not can_see_online_link(waiting.user, event)
    assert not can_see_attendee_names(waiting.user, event)
    # Someone else's registration does not count as one's own.
    assert not can_see_online_link(waiting.user, event, confirmed)
    assert not can_see_online_link(AnonymousUser(), event)
