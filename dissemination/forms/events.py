"""Forms for organisers: a new event or an edit, and the confirmation of a move.

Times are typed in `<input type="datetime-local">` and read as Swedish time (Europe/Stockholm,
the portal's TIME_ZONE), whatever the browser's clock says. A time that does not exist (the hour
skipped when the clocks go forward in late March) or exists twice (the hour repeated when they go
back in late October) is refused with an error that says so. The forms validate input only; the
services decide what may be stored.
"""

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from obstacles.forms.entries import FORMATTING_HELP, editable_text
from obstacles.models import Obstacle
from obstacles.workflow import ObstacleStatus
from partnerships.models import Partnership
from partnerships.permissions import coordinated_region_ids, partnerships_visible_to
from portal.accounts.forms import VersionedForm
from portal.accounts.permissions import is_portal_admin
from portal.core.forms import PortalForm, differs_from_stored
from portal.core.i18n import current_language
from regions.models import Region

from ..models import CONTENT_LANGUAGES, Event, EventKind
from ..services.events import EVENT_FIELDS
from ..workflow import EVENT_MOVES_NEEDING_REASON, EventMove, EventStatus

RELATIONS = ("partnerships", "obstacles")
FORM_FIELDS = [*EVENT_FIELDS, *RELATIONS]
MULTI_SELECT_HELP = _(
    "Hold down Ctrl (Cmd on a Mac) to choose more than one, or to remove one you chose."
)


# --- Local date and time -----------------------------------------------------------------------


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker, showing the stored instant in Swedish time."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def local_time_problem(naive: dt.datetime) -> str | None:
    """'missing' when the wall-clock time is skipped in the portal's time zone (clocks forward),
    'repeated' when it happens twice (clocks back), None when it names one instant."""
    zone = timezone.get_current_timezone()
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    back = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return "missing" if back != naive else "repeated"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in Swedish time; refuses times the clock change skips or repeats."""

    widget = LocalDateTimeInput
    default_error_messages = {
        "invalid": _("Give a date and a time, e.g. 2026-10-27 13:00."),
        "missing_time": _(
            "%(time)s on %(date)s does not exist in Swedish time: the clocks are put forward "
            "an hour that night. Choose another time."
        ),
        "repeated_time": _(
            "%(time)s on %(date)s happens twice in Swedish time: the clocks are put back an "
            "hour that night. Choose a time outside that hour."
        ),
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code != "ambiguous_timezone":
                raise
            naive = value if isinstance(value, dt.datetime) else parse_datetime(str(value).strip())
            problem = local_time_problem(naive) if naive is not None else None
            if naive is None or problem is None:
                raise
            raise ValidationError(
                self.error_messages[f"{problem}_time"],
                code=f"{problem}_time",
                params={
                    "time": naive.strftime("%H:%M"),
                    "date": formats.date_format(naive.date(), "j F Y"),
                },
            ) from exc


# --- Choices -----------------------------------------------------------------------------------


class RegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PartnershipsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.region.name})"


class ObstaclesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} {obj.title}"


def organised_regions(user: Any) -> Any:
    """The regions whose events the user organises (all of them for portal admins)."""
    regions = Region.objects.order_by("code")
    if is_portal_admin(user):
        return regions
    return regions.filter(pk__in=coordinated_region_ids(user))


# --- The event form ----------------------------------------------------------------------------


class EventForm(VersionedForm):
    """Kind, title, description, start and end (Swedish time), place and / or online link,
    region (coordinators: their regions; portal admins: any, or none for a national event),
    language, seats, registration deadline, and the partnerships and obstacles it reports on.

    A new event carries a `client_token` (a second POST of the same form returns the event the
    first one created); an edit carries the `version` the organiser started from.
    """

    kind = forms.ChoiceField(
        label=_("Kind of event"),
        choices=EventKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of event it is.")},
    )
    starts_at = LocalDateTimeField(
        label=_("Starts"),
        help_text=_("Swedish time."),
        error_messages={"required": _("Give the date and time the event starts.")},
    )
    ends_at = LocalDateTimeField(
        label=_("Ends"),
        help_text=_("Swedish time."),
        error_messages={"required": _("Give the date and time the event ends.")},
    )
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Shown only to people with a confirmed seat and to the organisers, never in "
            "calendar files."
        ),
        error_messages={
            "invalid": _("Give a web address, e.g. https://meet.example.se/webinar."),
            "max_length": _("Keep the link to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    region = RegionField(
        label=_("Organising region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("National event (no region)"),
        error_messages={
            "required": _("Choose the region that organises the event."),
            "invalid_choice": _("Choose a region whose events you organise."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=CONTENT_LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("The language the event is held in."),
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_(
            "Leave empty for no limit. When the seats are taken, people join a waiting list."
        ),
        error_messages={
            "invalid": _("Give the number of seats as a whole number."),
            "min_value": _("Give at least one seat, or leave it empty for no limit."),
            "max_value": _("Give at most %(limit_value)s seats, or leave it empty for no limit."),
        },
    )
    registration_deadline = LocalDateTimeField(
        label=_("Registration closes"),
        required=False,
        help_text=_("Swedish time. Leave empty to keep registration open until the event starts."),
    )
    partnerships = PartnershipsField(
        label=_("Partnerships it reports on"),
        queryset=Partnership.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=MULTI_SELECT_HELP,
        error_messages={"invalid_choice": _("Choose partnerships of the event's region.")},
    )
    obstacles = ObstaclesField(
        label=_("Obstacles it reports on"),
        queryset=Obstacle.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=MULTI_SELECT_HELP,
        error_messages={"invalid_choice": _("Choose published obstacles.")},
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Event
        fields = FORM_FIELDS
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "location": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        labels = {"title": _("Title"), "description": _("Description"), "location": _("Place")}
        help_texts = {
            "title": _("One line, e.g. “Webinar: how companies reach the healthcare regions”."),
            "description": FORMATTING_HELP,
            "location": _(
                "Address or venue for an event on site. Give a place, an online link or both."
            ),
        }
        error_messages = {
            "title": {
                "required": _("Give the event a title."),
                "max_length": _(
                    "Keep the title to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "description": {
                "max_length": _(
                    "Keep the description to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "location": {
                "max_length": _(
                    "Keep the place to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        instance = self.instance
        admin = is_portal_admin(user)
        region: Any = self.fields["region"]
        region.queryset = organised_regions(user)
        if not admin:
            region.required = True
            region.empty_label = None if instance.pk else _("Choose a region")
        partnerships: Any = self.fields["partnerships"]
        visible = partnerships_visible_to(user)
        if not admin:
            visible = visible.filter(region_id__in=coordinated_region_ids(user))
        partnerships.queryset = visible.select_related("region").order_by(
            "region__code", "title", "pk"
        )
        linked_obstacles: list[int] = []
        if instance.pk:
            linked_obstacles = list(instance.obstacles.values_list("pk", flat=True))
        obstacles: Any = self.fields["obstacles"]
        obstacles.queryset = Obstacle.objects.filter(
            Q(status=ObstacleStatus.PUBLISHED) | Q(pk__in=linked_obstacles)
        ).order_by("pk")
        if instance.pk:
            del self.fields["client_token"]
            for name in ("title", "description", "location"):
                self.fields[name].widget.attrs["lang"] = instance.language
            if not self.is_bound:
                self.initial["description"] = editable_text(instance.description)
        else:
            del self.fields["version"]
            if not self.is_bound:
                self.initial.setdefault("language", current_language())
                self.initial["client_token"] = uuid.uuid4()
                if not admin and len(region.queryset) == 1:
                    self.initial.setdefault("region", region.queryset[0].pk)

    def clean_starts_at(self) -> dt.datetime | None:
        """A new event starts from now on. An edit may not move a coming event into the past
        either, nor give a postponed one (never held) a past time – that is a reschedule, which
        the move form refuses in the past too. An event already held (its stored start has
        passed) may still have its times corrected, and an unchanged start is never refused."""
        starts_at = self.cleaned_data.get("starts_at")
        if starts_at is None:
            return starts_at
        now = timezone.now()
        if starts_at >= now:
            return starts_at
        stored = self.instance.starts_at if self.instance.pk else None
        if stored is None:
            raise ValidationError(
                _("The start is in the past. Give a time from now on."), code="past"
            )
        # The picker shows minutes: the stored start without its seconds is no change.
        unchanged = starts_at in (stored, stored.replace(second=0, microsecond=0))
        if not unchanged and (stored > now or self.instance.status == EventStatus.POSTPONED):
            raise ValidationError(
                _("The new start is in the past. Give a time from now on."), code="past"
            )
        return starts_at

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The event must end after it starts."))
        deadline = data.get("registration_deadline")
        if starts_at and deadline and deadline > starts_at:
            self.add_error(
                "registration_deadline",
                _("Registration must close before the event starts (or leave it empty)."),
            )
        if (
            "location" in data
            and "online_url" in data
            and not (data["location"] or "").strip()
            and not data["online_url"]
        ):
            self.add_error("location", _("Give a place, an online link or both."))
        region = data.get("region")
        if region is not None and "partnerships" in data:
            elsewhere = [p.title for p in data["partnerships"] if p.region_id != region.pk]
            if elsewhere:
                self.add_error(
                    "partnerships",
                    _("These partnerships are not in the event's region: %(titles)s.")
                    % {"titles": ", ".join(elsewhere)},
                )
        return data

    def _post_clean(self) -> None:
        # The fetched event stays as stored (the page shows it); the service validates and saves.
        pass

    def changes(self) -> dict[str, Any]:
        """The cleaned values in the shape `event_create` / `event_update` take."""
        data = {name: self.cleaned_data[name] for name in EVENT_FIELDS}
        data["location"] = data["location"] or ""
        for name in RELATIONS:
            data[name] = list(self.cleaned_data[name])
        return data

    def submitted_token(self) -> str:
        """The new-event form's hidden token ("" for an edit)."""
        token = self.cleaned_data.get("client_token") if "client_token" in self.fields else None
        return str(token or "")

    def conflict_stored_value(self, name: str, current: Any) -> Any:
        """The stored value as this form shows it: the description as it is edited."""
        if name == "description":
            return editable_text(current.description)
        if name in RELATIONS:
            return list(getattr(current, name).order_by("pk"))
        return getattr(current, name, None)

    def matches_stored(self, current: Event) -> bool:
        """Every field is valid and equals the stored event: the save that "conflicted" was the
        organiser's own (a double click on Save), so nothing is lost."""
        return self.is_valid() and not any(
            differs_from_stored(self, name, current) for name in FORM_FIELDS
        )


# --- Moves -------------------------------------------------------------------------------------


class EventMoveForm(PortalForm):
    """The confirmation of a move: the new time for a reschedule, the reason for postponing or
    cancelling (required; everyone registered reads it), nothing more for publishing."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, move: str, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.move = move
        self.event = event
        if not self.is_bound:
            self.initial.setdefault("version", event.version)
        if move == EventMove.RESCHEDULE:
            self.fields["starts_at"] = LocalDateTimeField(
                label=_("New start"),
                help_text=_("Swedish time."),
                error_messages={"required": _("Give the new date and time the event starts.")},
            )
            self.fields["ends_at"] = LocalDateTimeField(
                label=_("New end"),
                help_text=_("Swedish time."),
                error_messages={"required": _("Give the new date and time the event ends.")},
            )
            if not self.is_bound:
                self.initial.setdefault("starts_at", event.starts_at)
                self.initial.setdefault("ends_at", event.ends_at)
        if move == EventMove.RESCHEDULE or move in EVENT_MOVES_NEEDING_REASON:
            needed = move in EVENT_MOVES_NEEDING_REASON
            self.fields["reason"] = forms.CharField(
                label=_("Reason") if needed else _("Message to those registered (optional)"),
                required=needed,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Everyone with a seat or on the waiting list reads it in the email."),
                error_messages={
                    "required": _("Give a reason: everyone registered reads it."),
                    "max_length": _(
                        "Keep the text to %(limit_value)d characters (it has %(show_value)d)."
                    ),
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at is not None and starts_at < timezone.now():
            self.add_error("starts_at", _("The new start is in the past. Give a time from now on."))
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The event must end after it starts."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `event_move` this form supplies."""
        return {
            "expected_version": self.cleaned_data["version"],
            "reason": self.cleaned_data.get("reason", ""),
            "starts_at": self.cleaned_data.get("starts_at"),
            "ends_at": self.cleaned_data.get("ends_at"),
        }
