"""Edits of an event people already hold: a coming event cannot be moved into the past from
the edit form (an event already held may still have its times corrected), and a new place or
online link of a published or postponed event is mailed – the place to everyone registered, the
link to confirmed seats only, one mail per edit, in each person's language."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dissemination.forms.events import EventForm
from dissemination.models import Event
from dissemination.services.events import event_update
from dissemination.workflow import EventStatus, RegistrationStatus
from portal.core.models import AuditEvent
from tests.factories_dissemination import EventFactory

from .test_events_scene import *  # noqa: F403  (fixtures and helpers)
from .test_events_scene import form_data, local, register

pytestmark = pytest.mark.django_db

S = EventStatus
OLD_LINK = "https://meet.example.se/secret-room"
NEW_LINK = "https://meet.example.se/new-room-42"
CONFIRMED = {"confirmed.en@example.se", "confirmed.sv@example.se"}
TOLD = {*CONFIRMED, "waiting@example.se"}


@pytest.fixture
def audience(event_in: Callable[..., Event]) -> Callable[..., Event]:
    """An event (published unless told otherwise) on site and online, with two confirmed
    seats (English, Swedish), one person waiting and one who cancelled."""

    def _make(status: str = S.PUBLISHED) -> Event:
        event = event_in(
            status, starts_at=local(2027, 10, 26, 13), capacity=None, location="Sal A, Uppsala"
        )
        register(event, language="en", email="confirmed.en@example.se")
        register(event, language="sv", email="confirmed.sv@example.se")
        register(event, status=RegistrationStatus.WAITLISTED, email="waiting@example.se")
        register(event, status=RegistrationStatus.CANCELLED, email="cancelled@example.se")
        return Event.objects.get(pk=event.pk)

    return _make


Edit = Callable[..., dict[str, Any]]


@pytest.fixture
def edit(coordinator: Any, django_capture_on_commit_callbacks: Any) -> Edit:
    """The coordinator saves `changes` of the event; the mail sent, by recipient (failing on a
    second mail to anyone)."""

    def _edit(event: Event, **changes: Any) -> dict[str, Any]:
        with django_capture_on_commit_callbacks(execute=True):
            event_update(actor=coordinator, event=event, expected_version=event.version, **changes)
        sent: dict[str, Any] = {}
        for message in mail.outbox:
            (to,) = message.to
            assert to not in sent, f"two mails to {to}"
            sent[to] = message
        return sent

    return _edit


# --- A new place or link is mailed -------------------------------------------------------------


def test_a_new_place_is_mailed_to_everyone_registered_in_their_language(
    audience: Callable[..., Event], edit: Edit
) -> None:
    event = audience()
    sent = edit(event, location="Slottet, Sal B")
    assert set(sent) == TOLD
    english = sent["confirmed.en@example.se"]
    assert english.subject == f"New place: {event.title}"
    assert f"The place of “{event.title}”, which you are registered for, has changed." in (
        english.body
    )
    assert "New place: Slottet, Sal B" in english.body
    assert "Previous place: Sal A, Uppsala" in english.body
    assert "Tue 26 Oct 2027, 13:00–14:30" in english.body
    assert f"/events/{event.pk}/" in english.body
    swedish_mail = sent["confirmed.sv@example.se"]
    assert swedish_mail.subject == f"Ny plats: {event.title}"
    assert "Ny plats: Slottet, Sal B" in swedish_mail.body
    assert "Tidigare plats: Sal A, Uppsala" in swedish_mail.body
    assert "tis 26 okt 2027, 13:00–14:30" in swedish_mail.body
    waiting = sent["waiting@example.se"]
    assert "where you are on the waiting list, has changed" in waiting.body
    assert "New place: Slottet, Sal B" in waiting.body
    for message in sent.values():
        # The link did not change, and a place mail never carries it.
        assert "meet.example.se" not in message.body


def test_a_new_online_link_is_mailed_to_confirmed_seats_only_with_the_link(
    audience: Callable[..., Event], edit: Edit
) -> None:
    event = audience()
    sent = edit(event, online_url=NEW_LINK)
    assert set(sent) == CONFIRMED
    english = sent["confirmed.en@example.se"]
    assert english.subject == f"New online link: {event.title}"
    assert f"New online link: {NEW_LINK}" in english.body
    assert OLD_LINK not in english.body
    swedish_mail = sent["confirmed.sv@example.se"]
    assert swedish_mail.subject == f"Ny länk: {event.title}"
    assert f"Ny länk: {NEW_LINK}" in swedish_mail.body


def test_a_new_place_and_link_together_make_one_mail_and_the_waiting_list_gets_no_link(
    audience: Callable[..., Event], edit: Edit
) -> None:
    event = audience()
    sent = edit(event, location="Slottet, Sal B", online_url=NEW_LINK)
    assert set(sent) == TOLD
    confirmed = sent["confirmed.en@example.se"]
    assert confirmed.subject == f"New place and online link: {event.title}"
    assert "New place: Slottet, Sal B" in confirmed.body
    assert f"New online link: {NEW_LINK}" in confirmed.body
    waiting = sent["waiting@example.se"]
    assert waiting.subject == f"New place: {event.title}"
    assert "New place: Slottet, Sal B" in waiting.body
    assert "meet.example.se" not in waiting.body
    assert "online link" not in waiting.body


def test_a_new_time_and_place_together_make_one_mail_that_names_the_new_place(
    audience: Callable[..., Event], edit: Edit
) -> None:
    event = audience()
    sent = edit(
        event,
        starts_at=local(2027, 11, 3, 9, 30),
        ends_at=local(2027, 11, 3, 11),
        location="Slottet, Sal B",
        online_url=NEW_LINK,
    )
    assert set(sent) == TOLD
    assert sent["confirmed.sv@example.se"].subject == f"Ny tid och plats: {event.title}"
    for to in ("confirmed.en@example.se", "waiting@example.se"):
        message = sent[to]
        assert message.subject == f"New time and place: {event.title}"
        assert "Tue 26 Oct 2027, 13:00–14:30" in message.body
        assert "Wed 3 Nov 2027, 09:30–11:00" in message.body
        assert "New place: Slottet, Sal B" in message.body
        assert "Previous place: Sal A, Uppsala" in message.body
    assert f"New online link: {NEW_LINK}" in sent["confirmed.en@example.se"].body
    assert "meet.example.se" not in sent["waiting@example.se"].body


def test_a_new_time_and_link_tell_the_link_to_confirmed_seats_only(
    audience: Callable[..., Event], edit: Edit
) -> None:
    event = audience()
    sent = edit(
        event,
        starts_at=local(2027, 11, 3, 9, 30),
        ends_at=local(2027, 11, 3, 11),
        online_url=NEW_LINK,
    )
    assert set(sent) == TOLD
    assert sent["confirmed.en@example.se"].subject == f"New time: {event.title}"
    assert NEW_LINK in sent["confirmed.en@example.se"].body
    assert "meet.example.se" not in sent["waiting@example.se"].body
    assert "place" not in sent["waiting@example.se"].body.replace("your place on", "")


def test_a_place_or_link_that_goes_away_is_told(audience: Callable[..., Event], edit: Edit) -> None:
    event = audience()
    sent = edit(event, location="")
    assert set(sent) == TOLD
    for to in TOLD - {"confirmed.sv@example.se"}:
        assert "The event no longer has a place: it is held online only." in sent[to].body
        assert "Previous place: Sal A, Uppsala" in sent[to].body
    swedish_body = sent["confirmed.sv@example.se"].body
    assert "Evenemanget har inte längre någon plats: det hålls bara digitalt." in swedish_body
    assert "Tidigare plats: Sal A, Uppsala" in swedish_body
    mail.outbox.clear()
    event = Event.objects.get(pk=event.pk)
    sent = edit(event, location="Sal C", online_url="")
    assert set(sent) == TOLD
    assert (
        "The event no longer has an online link: it is held on site only."
        in sent["confirmed.en@example.se"].body
    )
    assert "online link" not in sent["waiting@example.se"].body


def test_a_postponed_events_new_place_is_told_and_it_stays_postponed(
    audience: Callable[..., Event], edit: Edit
) -> None:
    event = audience(S.POSTPONED)
    sent = edit(event, location="Slottet")
    assert set(sent) == TOLD
    body = sent["confirmed.en@example.se"].body
    assert "New place: Slottet" in body
    assert "The event is still postponed." in body
    assert "When:" not in body
    assert Event.objects.get(pk=event.pk).status == S.POSTPONED


def test_a_drafts_place_and_link_are_no_news(edit: Edit) -> None:
    draft = EventFactory(status=S.DRAFT, published_at=None, location="Sal A")
    register(draft)
    edit(draft, location="Sal B", online_url=NEW_LINK)
    assert mail.outbox == []


def test_a_refused_edit_mails_nobody(audience: Callable[..., Event], edit: Edit) -> None:
    event = audience()
    with pytest.raises(ValidationError):
        edit(
            event,
            location="Slottet",
            capacity=1,  # two seats are taken
        )
    assert mail.outbox == []
    assert Event.objects.get(pk=event.pk).location == "Sal A, Uppsala"


def test_the_edit_form_tells_of_a_new_place(
    audience: Callable[..., Event],
    coordinator: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = audience()
    client.force_login(coordinator)
    data = form_data(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        title=event.title,
        description="Hur regionen och företagen hittar varandra.",
        location="Slottet, Sal B",
        online_url=event.online_url,
        capacity="",
        version=event.version,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dissemination:event_edit", args=[event.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert {m.to[0]: m.subject for m in mail.outbox} == {
        **dict.fromkeys(TOLD, f"New place: {event.title}"),
        "confirmed.sv@example.se": f"Ny plats: {event.title}",
    }


# --- The edit form and the past ----------------------------------------------------------------


def _typed(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("status", [S.PUBLISHED, S.POSTPONED, S.DRAFT])
def test_the_edit_form_cannot_move_a_coming_event_into_the_past(
    status: str,
    event_in: Callable[..., Event],
    coordinator: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = event_in(status)
    register(event)
    past = timezone.now() - dt.timedelta(days=2)
    client.force_login(coordinator)
    data = form_data(
        starts_at=past,
        ends_at=past + dt.timedelta(hours=1),
        title=event.title,
        online_url=event.online_url,
        version=event.version,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dissemination:event_edit", args=[event.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["starts_at"] == ["The new start is in the past. Give a time from now on."]
    body = response.content.decode()
    assert 'id="id_starts_at_error"' in body
    assert f'value="{_typed(past)}"' in body  # what was typed is kept
    stored = Event.objects.get(pk=event.pk)
    assert (stored.starts_at, stored.version) == (event.starts_at, event.version)
    assert not AuditEvent.objects.filter(action="event.update").exists()
    assert mail.outbox == []


def test_the_move_form_still_refuses_a_new_time_in_the_past(
    event_in: Callable[..., Event], coordinator: Any, client: Any
) -> None:
    event = event_in(S.PUBLISHED)
    past = timezone.now() - dt.timedelta(days=2)
    client.force_login(coordinator)
    response = client.post(
        reverse("dissemination:event_move", args=[event.pk, "reschedule"]),
        {
            "version": event.version,
            "starts_at": _typed(past),
            "ends_at": _typed(past + dt.timedelta(hours=1)),
        },
    )
    assert response.status_code == 400
    assert "starts_at" in response.context["form"].errors
    assert Event.objects.get(pk=event.pk).starts_at == event.starts_at


def _held_event(coordinator: Any) -> Event:
    """A published event held three days ago (started 13:00 Stockholm time)."""
    day = timezone.localtime(timezone.now() - dt.timedelta(days=3)).date()
    start = local(day.year, day.month, day.day, 13)
    return EventFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        created_by=coordinator,
        location="Sal A",
    )


def test_an_event_already_held_may_have_its_times_corrected(coordinator: Any, client: Any) -> None:
    event = _held_event(coordinator)
    corrected = event.starts_at + dt.timedelta(minutes=30)
    client.force_login(coordinator)
    data = form_data(
        starts_at=corrected,
        ends_at=event.ends_at,
        title=event.title,
        location=event.location,
        online_url=event.online_url,
        capacity=str(event.capacity),
        version=event.version,
    )
    response = client.post(reverse("dissemination:event_edit", args=[event.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Event.objects.get(pk=event.pk).starts_at == corrected


def test_an_event_already_held_keeps_its_past_start_when_other_fields_change(
    coordinator: Any, client: Any
) -> None:
    event = _held_event(coordinator)
    client.force_login(coordinator)
    data = form_data(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        title="Webbinariet som hölls",
        location=event.location,
        online_url=event.online_url,
        capacity=str(event.capacity),
        version=event.version,
    )
    response = client.post(reverse("dissemination:event_edit", args=[event.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    stored = Event.objects.get(pk=event.pk)
    assert (stored.title, stored.starts_at) == ("Webbinariet som hölls", event.starts_at)


def test_a_postponed_event_whose_old_date_passed_gets_no_new_time_in_the_past(
    coordinator: Any, client: Any
) -> None:
    """Postponed before its date, which has now passed: it was never held, so a new start in
    the past is refused as the move form refuses it."""
    event = _held_event(coordinator)
    Event.objects.filter(pk=event.pk).update(status=S.POSTPONED, status_reason="Sjukdom.")
    event.refresh_from_db()
    earlier = event.starts_at - dt.timedelta(days=1)
    client.force_login(coordinator)
    data = form_data(
        starts_at=earlier,
        ends_at=earlier + dt.timedelta(hours=2),
        title=event.title,
        location=event.location,
        online_url=event.online_url,
        capacity=str(event.capacity),
        version=event.version,
    )
    response = client.post(reverse("dissemination:event_edit", args=[event.pk]), data)
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors
    assert Event.objects.get(pk=event.pk).starts_at == event.starts_at


def test_a_start_shown_without_its_seconds_is_no_change(coordinator: Any) -> None:
    """A start stored with seconds reads back from the picker in whole minutes: sending the
    form unchanged is not a move, even in the minute it begins."""
    # Later this minute (the next one in its last two seconds): its minute has begun.
    start = (timezone.now() + dt.timedelta(seconds=2)).replace(second=59, microsecond=0)
    event = EventFactory(starts_at=start, ends_at=start + dt.timedelta(hours=1))
    data = form_data(
        starts_at=_typed(start),
        ends_at=_typed(event.ends_at),
        title=event.title,
        online_url=event.online_url,
        capacity=str(event.capacity),
        version=event.version,
    )
    form = EventForm(data, instance=event, user=coordinator)
    form.is_valid()
    assert "starts_at" not in form.errors, form.errors
