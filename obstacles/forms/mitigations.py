"""Forms for mitigations: submitting and editing one, and a reviewer's decision.

Obstacles are named by their number (the register is too long for a select); the form checks the
numbers against the published entries and hands the rows to the service, which decides.
"""

import re
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partnerships.models import Partnership
from partnerships.permissions import partnerships_visible_to
from portal.accounts.forms import VersionedForm
from portal.core.forms import PortalForm, differs_from_stored
from portal.core.i18n import current_language
from regions.models import Region

from ..models import Mitigation, Obstacle
from ..models.obstacles import CONTENT_LANGUAGES
from ..workflow import MITIGATION_MOVES, ObstacleStatus
from .entries import FORMATTING_HELP, NamedChoiceField, editable_text

_NUMBER_SEPARATORS = re.compile(r"[\s,;]+")
# ASCII digits only: str.isdigit() also accepts "²" or "③", which int() refuses.
_NUMBER = re.compile(r"[0-9]{1,12}")
MAX_OBSTACLE_NUMBERS = 20


class ObstacleNumbersField(forms.CharField):
    """Obstacle numbers typed as "12, 15 31" (a leading # is allowed): a list of ints."""

    default_error_messages = {
        "invalid": _("Write obstacle numbers separated by commas, e.g. 12, 15."),
        "too_many": _("Name at most %(limit)d obstacles."),
    }

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        numbers: list[int] = []
        for token in _NUMBER_SEPARATORS.split(text or ""):
            token = token.lstrip("#")
            if not token:
                continue
            if not _NUMBER.fullmatch(token):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if int(token) not in numbers:
                numbers.append(int(token))
        if len(numbers) > MAX_OBSTACLE_NUMBERS:
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"limit": MAX_OBSTACLE_NUMBERS},
            )
        return numbers

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return ", ".join(str(n) for n in value)
        return value


def resolve_obstacles(
    numbers: list[int], *, keep: frozenset[int] = frozenset()
) -> tuple[list[Obstacle], list[int]]:
    """(the obstacles found, the numbers that are not a published obstacle nor in `keep`)."""
    rows = list(Obstacle.objects.filter(pk__in=numbers).only("id", "status", "title"))
    usable = {o.pk: o for o in rows if o.status == ObstacleStatus.PUBLISHED or o.pk in keep}
    missing = [n for n in numbers if n not in usable]
    return [usable[n] for n in numbers if n in usable], missing


def not_published_message(missing: list[int]) -> str:
    return str(
        _("No published obstacle has the number %(numbers)s.")
        % {"numbers": ", ".join(str(n) for n in missing)}
    )


def matches_stored(form: forms.ModelForm, current: Any) -> bool:  # type: ignore[type-arg]
    """The valid editor `form` (a mitigation's or an article's) sends exactly what `current`
    stores, obstacles included: the save that "conflicted" was the user's own (a double click
    on Save), so nothing would be lost by calling it saved."""
    if not form.is_valid():
        return False
    for name in form._meta.fields or []:
        if name in form.fields and differs_from_stored(form, name, current):
            return False
    sent = {obstacle.pk for obstacle in form.cleaned_data.get("obstacle_numbers") or []}
    return sent == set(current.obstacles.values_list("pk", flat=True))


class PartnershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.region.name})"


class MitigationForm(VersionedForm):
    """A new mitigation (for the obstacle in the URL, and optionally more) or an edit.

    The partnership select offers the partnerships the user may open; an editor who may not open
    the partnership already named does not get the field at all (so its name is not shown to
    them and it stays as it is).
    """

    region = NamedChoiceField(
        label=_("Region where it worked"),
        queryset=Region.objects.order_by("code"),
        required=False,
        empty_label=_("Not tied to one region"),
        help_text=_("Shown to everyone."),
    )
    partnership = PartnershipChoiceField(
        label=_("Partnership where it worked (optional)"),
        queryset=Partnership.objects.none(),
        required=False,
        empty_label=_("No partnership"),
        error_messages={"invalid_choice": _("Choose a partnership you take part in.")},
        help_text=_(
            "Only people who may open the partnership see its name; everyone else sees the region."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=CONTENT_LANGUAGES,
        help_text=_("The language you write the solution in."),
    )
    obstacle_numbers = ObstacleNumbersField(
        label=_("Other obstacles it helped with (optional)"),
        required=False,
        help_text=_("The numbers of other published obstacles, separated by commas."),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Mitigation
        fields = ["title", "description", "region", "partnership", "language"]
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {"title": _("Title"), "description": _("What worked")}
        help_texts = {
            "title": _(
                "One line, e.g. “A Swedish cloud provider with a data processing agreement”."
            ),
            "description": FORMATTING_HELP,
        }
        error_messages = {
            "title": {
                "required": _("Give the solution a title."),
                "max_length": _(
                    "Keep the title to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "description": {
                "required": _("Describe what worked."),
                "max_length": _(
                    "Keep the text to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
        }

    def __init__(
        self, *args: Any, user: Any, obstacle: Obstacle | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.obstacle = obstacle
        instance = self.instance
        partnership: Any = self.fields["partnership"]
        partnership.queryset = (
            partnerships_visible_to(user).select_related("region").order_by("title", "pk")
        )
        self._kept_numbers: frozenset[int] = frozenset()
        if instance.pk:
            del self.fields["client_token"]
            numbers: Any = self.fields["obstacle_numbers"]
            numbers.label = _("Obstacles it helps with")
            numbers.required = True
            numbers.help_text = _("The numbers of the obstacles, separated by commas.")
            numbers.error_messages["required"] = _("Name at least one obstacle.")
            self._kept_numbers = frozenset(instance.obstacles.values_list("pk", flat=True))
            if not self.is_bound:
                self.initial["description"] = editable_text(instance.description)
                self.initial["obstacle_numbers"] = sorted(self._kept_numbers)
            if (
                instance.partnership_id
                and not partnership.queryset.filter(pk=instance.partnership_id).exists()
            ):
                del self.fields["partnership"]
        else:
            del self.fields["version"]
            if not partnership.queryset.exists():
                del self.fields["partnership"]  # nothing to offer: no empty select
            if not self.is_bound:
                self.initial.setdefault("language", current_language())
                self.initial["client_token"] = uuid.uuid4()

    def clean_obstacle_numbers(self) -> list[Obstacle]:
        numbers = list(self.cleaned_data.get("obstacle_numbers") or [])
        if self.obstacle is not None:
            numbers = [self.obstacle.pk, *[n for n in numbers if n != self.obstacle.pk]]
        found, missing = resolve_obstacles(numbers, keep=self._kept_numbers)
        if missing:
            raise forms.ValidationError(not_published_message(missing))
        return found

    def conflict_stored_value(self, name: str, current: Any) -> Any:
        """The conflict panel compares the text as it is edited, not as stored HTML."""
        if name == "description":
            return editable_text(current.description)
        return getattr(current, name, None)

    def _post_clean(self) -> None:
        # The service validates and saves; the fetched row stays as stored.
        pass

    def data_for_service(self) -> dict[str, Any]:
        # A partnership field removed for this editor is left out: the stored one stays.
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        if "client_token" in self.fields:
            data["client_token"] = str(self.cleaned_data.get("client_token") or "")
        return data


MOVE_LABELS = {
    "publish": pgettext_lazy("mitigation move", "Publish"),
    "reject": pgettext_lazy("mitigation move", "Reject"),
    "withdraw": pgettext_lazy("mitigation move", "Withdraw"),
}


class MitigationMoveForm(PortalForm):
    """A reviewer's decision; the button pressed names the move. Reject and withdraw need a
    reason (the service says so beside the field)."""

    move = forms.ChoiceField(choices=[(m, MOVE_LABELS[m]) for m in MITIGATION_MOVES])
    reason = forms.CharField(
        label=_("Reason (the author sees it; required to reject or withdraw)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
