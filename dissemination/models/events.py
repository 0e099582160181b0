"""Events (conferences, webinars, workshops, innovation clinics, innovation-race finals, other
meetings) and the registrations for them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.models import TimeStampedModel, VersionedModel

from ..workflow import EventStatus, RegistrationStatus

CONTENT_LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    WEBINAR = "webinar", _("Webinar")
    WORKSHOP = "workshop", _("Workshop")
    CLINIC = "clinic", _("Innovation clinic")
    RACE_FINAL = "race_final", _("Innovation-race final")
    MEETING = "meeting", _("Other meeting")


class Event(TimeStampedModel, VersionedModel):
    """One event. Times are stored in UTC and entered and shown in Europe/Stockholm.

    `description` is sanitised HTML (see `obstacles.sanitize`). `online_url` is shown only to
    people with a confirmed registration and to the organisers. `ical_uid` never changes and
    `ical_sequence` grows on every change people must see (time, place, cancellation), so
    calendar programs update the entry they already hold instead of adding a second one.
    A region of None means a national event, organised by portal admins.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("organising region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dissemination_events",
        help_text=_("Leave empty for a national event."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=CONTENT_LANGUAGES, default="sv", db_index=True
    )
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_deadline = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep registration open until the event starts."),
    )
    partnerships = models.ManyToManyField(
        "partnerships.Partnership",
        verbose_name=_("partnerships it reports on"),
        blank=True,
        related_name="dissemination_events",
    )
    obstacles = models.ManyToManyField(
        "obstacles.Obstacle",
        verbose_name=_("obstacles it reports on"),
        blank=True,
        related_name="dissemination_events",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EventStatus.choices,
        default=EventStatus.DRAFT,
        db_index=True,
    )
    status_reason = models.TextField(_("reason given"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    ical_uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    ical_sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values), name="event_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(location="", online_url=""), name="event_has_place_or_link"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["region", "status", "starts_at"]),
            # The calendar: events that have not ended yet (OR postponed, the status index).
            models.Index(fields=["ends_at"], name="event_ends_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dissemination:event_detail", args=[self.pk])

    @property
    def is_national(self) -> bool:
        return self.region_id is None

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def is_on_site(self) -> bool:
        return bool(self.location)


class Registration(TimeStampedModel):
    """A person's place at an event, or their place in its waiting list.

    One row per person and event: cancelling keeps the row (status cancelled) and registering
    again reuses it, so nobody is ever registered twice. The waiting list is ordered by
    `queued_at`, set when the person joined it.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    needs = models.TextField(
        _("dietary or accessibility needs"),
        max_length=2000,
        blank=True,
        help_text=_("Only the organisers see this."),
    )
    consent_to_list = models.BooleanField(
        _("show my name and organisation on the attendee list"), default=False
    )
    consent_to_share_contact = models.BooleanField(
        _("let the other attendees see my email address"),
        default=False,
        help_text=_("So that they can contact you after the event. You can change this later."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
        db_index=True,
    )
    queued_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("seat confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "status", "queued_at", "confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_person"),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(queued_at__isnull=False),
                name="waitlisted_has_queue_time",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.name} – {self.event}"
