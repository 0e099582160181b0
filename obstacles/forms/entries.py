"""The obstacle entry form, shared by "Submit an obstacle" and the editor."""

import html
import re
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.forms import VersionedForm
from portal.core.forms import differs_from_stored
from portal.core.i18n import current_language
from regions.models import Region

from ..models import Actor, Obstacle, Severity
from ..models.obstacles import CONTENT_LANGUAGES
from ..sanitize import as_rich_text
from ..selectors.authoring import default_process_steps, offered_categories

# The stored, sanitised HTML of these fields is shown in the textarea as the text the author
# typed (see `editable_text`).
RICH_TEXT_FIELDS = ("description", "evidence", "known_mitigation")

ENTRY_FIELDS = [
    "title",
    "description",
    "category",
    "step_key",
    "actors",
    "region",
    "severity",
    "evidence",
    "known_mitigation",
    "language",
]

FORMATTING_HELP = _(
    "Write in plain text: a blank line starts a new paragraph. Links (http or https), lists and "
    "emphasis are kept; any other markup is removed."
)

_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def editable_text(stored: str) -> str:
    """The text to put back in a textarea for stored rich text.

    Text the author typed as plain paragraphs was stored as `<p>`/`<br>`: it comes back as the
    plain text it was, so the author does not meet markup they never wrote. Anything richer comes
    back as the stored (safe) HTML. Either way, saving it unchanged stores the same HTML again.
    """
    if not stored:
        return ""
    paragraphs = _PARAGRAPH.findall(stored)
    if paragraphs:
        plain = "\n\n".join(html.unescape(p.replace("<br>", "\n")) for p in paragraphs)
        if as_rich_text(plain) == stored:
            return plain
    return stored


class NamedChoiceField(forms.ModelChoiceField):
    """Shows a row's (localised) `name`, read when the select is rendered."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class NamedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ObstacleForm(VersionedForm):
    """Title, description, category, step, actors, region, severity, evidence, known mitigation
    and language. The form validates input only; the services sanitise the formatted fields and
    decide what may be stored.

    A new entry carries a `client_token` (a second POST of the same form returns the first entry
    instead of making another); an edited entry carries the `version` the editor started from.
    """

    category = NamedChoiceField(
        label=_("Category"),
        queryset=offered_categories(),
        empty_label=_("Choose a category"),
        error_messages={"required": _("Choose the category the obstacle belongs to.")},
    )
    step_key = forms.ChoiceField(
        label=_("Co-sharing step where it bites"),
        required=False,
        help_text=_("The step of the Co-sharing process where you met the obstacle."),
    )
    actors = NamedMultipleChoiceField(
        label=_("Who it affects"),
        queryset=Actor.objects.order_by("order", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    region = NamedChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("code"),
        required=False,
        empty_label=_("National (not tied to one region)"),
        help_text=_("The region where you met it; leave it national if it is met everywhere."),
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        coerce=int,
        initial=Severity.MEDIUM,
        widget=forms.RadioSelect,
        help_text=_("Blocking: the collaboration could not go on because of it."),
        error_messages={"required": _("Choose how severe the obstacle is.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the entry"),
        choices=CONTENT_LANGUAGES,
        help_text=_("The language you write the entry in."),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Obstacle
        fields = ENTRY_FIELDS
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "evidence": forms.Textarea(attrs={"rows": 4}),
            "known_mitigation": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "title": _("Title"),
            "description": _("Describe the obstacle"),
            "evidence": _("Evidence and sources"),
            "known_mitigation": _("Known mitigation"),
        }
        help_texts = {
            "title": _("One line that names the obstacle, e.g. “No API to the patient record”."),
            "description": FORMATTING_HELP,
            "evidence": _(
                "Reports, decisions, laws or links (http or https) that show the obstacle; "
                "one per line."
            ),
            "known_mitigation": _("How you or others got past it, if you know. Optional."),
        }
        error_messages = {
            "title": {
                "required": _("Give the obstacle a title."),
                "max_length": _(
                    "Keep the title to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "description": {
                "required": _("Describe the obstacle."),
                "max_length": _(
                    "Keep the description to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "evidence": {
                "max_length": _(
                    "Keep the evidence to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "known_mitigation": {
                "max_length": _(
                    "Keep the mitigation to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        category: Any = self.fields["category"]
        category.queryset = offered_categories(keep=instance.category_id if instance.pk else None)
        steps = [(step.key, step.name) for step in default_process_steps()]
        if instance.pk and instance.step_key and instance.step_key not in dict(steps):
            steps.append((instance.step_key, instance.step_key))
        step_field: Any = self.fields["step_key"]
        step_field.choices = [
            ("", pgettext_lazy("co-sharing step", "Several steps / not specific")),
            *steps,
        ]
        if instance.pk:
            del self.fields["client_token"]
            # The stored text is in the entry's language, which may differ from the page's.
            for name in ("title", *RICH_TEXT_FIELDS):
                self.fields[name].widget.attrs["lang"] = instance.language
            if not self.is_bound:
                for name in RICH_TEXT_FIELDS:
                    self.initial[name] = editable_text(getattr(instance, name))
        else:
            del self.fields["version"]
            if not self.is_bound:
                self.initial.setdefault("language", current_language())
                self.initial["client_token"] = uuid.uuid4()

    def _post_clean(self) -> None:
        # The fetched entry stays as stored (the page around the form shows it); the service
        # validates and saves the changes.
        pass

    def entry_data(self) -> dict[str, Any]:
        """The cleaned values in the shape `obstacle_create` / `obstacle_update` take."""
        data = {name: self.cleaned_data[name] for name in ENTRY_FIELDS}
        data["actors"] = list(data["actors"])
        token = self.cleaned_data.get("client_token")
        if token:
            data["client_token"] = str(token)
        return data

    def conflict_stored_value(self, name: str, current: Any) -> Any:
        """The stored value as this form shows it: formatted text as the author would edit it."""
        if name in RICH_TEXT_FIELDS:
            return editable_text(getattr(current, name))
        if name == "actors":
            return list(current.actors.order_by("order", "slug"))
        return getattr(current, name, None)

    def named_conflict_rows(self, rows: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        """The conflict panel shows a step by its name, not its key."""
        label = self.fields["step_key"].label
        names = dict(self.fields["step_key"].choices)  # type: ignore[attr-defined]
        return [(lbl, names.get(value, value) if lbl == label else value) for lbl, value in rows]

    def matches_stored(self, current: Obstacle) -> bool:
        """Every field is valid and equals the stored entry: the save that "conflicted" was the
        user's own (a double submit), so nothing is lost."""
        return self.is_valid() and not any(
            differs_from_stored(self, name, current) for name in ENTRY_FIELDS
        )
