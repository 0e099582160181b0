"""Forms for lessons learned: writing and editing one, a move (with its reason) and the public
list's filters. The forms check the input; the services decide (`services.lessons`)."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from obstacles.forms.entries import FORMATTING_HELP, editable_text
from partnerships.models import Partnership, ProcessStep
from portal.accounts.forms import VersionedForm
from portal.core.forms import PortalForm, differs_from_stored
from portal.core.i18n import current_language

from ..models import CONTENT_LANGUAGES, Lesson

REASON_MAX = 2000


class StepChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.order}. {obj.name}"


class LessonForm(VersionedForm):
    """A new lesson about a partnership, or an edit of one.

    The step select offers the steps of the partnership's own process (a new lesson starts on
    its current step). A new lesson's form carries a token, so sending it twice makes one lesson.
    """

    step = StepChoiceField(
        label=_("Step it is about (optional)"),
        queryset=ProcessStep.objects.none(),
        required=False,
        empty_label=_("Not tied to one step"),
        help_text=_("The step of the Co-sharing process where you learned it."),
        error_messages={"invalid_choice": _("Choose a step of this partnership's process.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=CONTENT_LANGUAGES,
        help_text=_("The language you write the lesson in."),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Lesson
        fields = ["title", "body", "step", "language"]
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "body": forms.Textarea(attrs={"rows": 12}),
        }
        labels = {"title": _("Title"), "body": _("What we learned")}
        help_texts = {
            "title": _("One line that says the lesson, e.g. “Involve the ward's staff early”."),
            "body": FORMATTING_HELP,
        }
        error_messages = {
            "title": {
                "required": _("Give the lesson a title."),
                "max_length": _(
                    "Keep the title to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "body": {
                "required": _("Write what you learned."),
                "max_length": _(
                    "Keep the text to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        step: Any = self.fields["step"]
        step.queryset = ProcessStep.objects.filter(template_id=partnership.template_id).order_by(
            "order"
        )
        if self.instance.pk:
            del self.fields["client_token"]
            if not self.is_bound:
                self.initial["body"] = editable_text(self.instance.body)
        else:
            del self.fields["version"]
            if not self.is_bound:
                self.initial.setdefault("language", current_language())
                self.initial.setdefault("step", partnership.current_step_id)
                self.initial["client_token"] = uuid.uuid4()

    def _post_clean(self) -> None:
        # The service validates and saves; the fetched row stays as stored.
        pass

    def conflict_stored_value(self, name: str, current: Any) -> Any:
        """The conflict panel compares the text as it is edited, not as stored HTML."""
        if name == "body":
            return editable_text(current.body)
        return getattr(current, name, None)

    def matches_stored(self, current: Any) -> bool:
        """Does this (valid) form send exactly what `current` stores? Then the save that
        "conflicted" was the user's own first click, and nothing would be lost."""
        if not self.is_valid():
            return False
        return not any(
            differs_from_stored(self, name, current)
            for name in self.Meta.fields
            if name in self.fields
        )

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def token(self) -> str:
        value = self.cleaned_data.get("client_token") if "client_token" in self.fields else None
        return str(value or "")


class LessonMoveForm(PortalForm):
    """A move's confirmation: the reason (required where the workflow says; the service checks)
    and the version the person looked at."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _(
                "Keep the reason to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    back = forms.ChoiceField(
        widget=forms.HiddenInput,
        required=False,
        choices=[("", ""), ("review", "review"), ("partnership", "partnership")],
    )


class LessonFilterForm(PortalForm):
    """The public list's filters, as they stand in the URL. A value that is not on offer (an
    edited or outdated link) is reported beside its field and left out."""

    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        error_messages={"invalid_choice": _("Choose a region from the list.")},
    )
    step = forms.ChoiceField(
        label=_("Co-sharing step"),
        required=False,
        error_messages={"invalid_choice": _("Choose a step from the list.")},
    )

    def __init__(self, *args: Any, regions: Any = (), steps: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = pgettext_lazy("any region or step", "All")
        region: Any = self.fields["region"]
        region.choices = [("", any_), *[(r.slug, r.name) for r in regions]]
        step: Any = self.fields["step"]
        step.choices = [("", any_), *[(s.key, f"{s.order}. {s.name}") for s in steps]]

    def filters(self) -> dict[str, str]:
        """The valid part of what was asked (call after `is_valid()`)."""
        if not self.is_bound:
            return {"region": "", "step": ""}
        data = getattr(self, "cleaned_data", {})
        return {"region": data.get("region") or "", "step": data.get("step") or ""}
