"""Forms for knowledge articles: the public filter, the editor and a reviewer's move."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.forms import VersionedForm
from portal.core.forms import PortalForm
from portal.core.i18n import current_language

from ..models import KnowledgeArticle, KnowledgeTopic, Obstacle
from ..models.obstacles import CONTENT_LANGUAGES
from ..selectors.knowledge import MAX_QUERY_LENGTH
from ..workflow import ARTICLE_MOVES
from .entries import FORMATTING_HELP, editable_text
from .mitigations import ObstacleNumbersField, not_published_message, resolve_obstacles

DATE_INPUT = "%Y-%m-%d"


class ArticleFilterForm(PortalForm):
    """The knowledge base's search and topic filter; both live in the URL (GET)."""

    q = forms.CharField(
        label=_("Search the knowledge base"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Swedish or English words; inflected forms are found too."),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        choices=[("", _("All topics")), *KnowledgeTopic.choices],
    )

    def values(self) -> dict[str, str]:
        """The valid filters (an invalid value is ignored rather than failing the page)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in ("q", "topic")}


class ArticleForm(VersionedForm):
    """Title, summary, body, references, topic, language, last reviewed and the obstacles the
    article addresses (by number). The services sanitise the body and decide what is stored."""

    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=[("", _("Choose a topic")), *KnowledgeTopic.choices],
        error_messages={"required": _("Choose a topic.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the article"),
        choices=CONTENT_LANGUAGES,
        help_text=_("The language you write the article in."),
    )
    last_reviewed = forms.DateField(
        label=_("Last reviewed"),
        required=False,
        input_formats=[DATE_INPUT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT),
        help_text=_("Left empty, it becomes the day the article is published."),
        error_messages={"invalid": _("Write the date as 2026-11-25.")},
    )
    obstacle_numbers = ObstacleNumbersField(
        label=_("Obstacles it addresses (optional)"),
        required=False,
        help_text=_("The numbers of published obstacles, separated by commas, e.g. 12, 15."),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = KnowledgeArticle
        fields = ["title", "summary", "body", "references", "topic", "language", "last_reviewed"]
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
            "references": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "title": _("Title"),
            "summary": _("Summary"),
            "body": _("Text"),
            "references": _("References"),
        }
        help_texts = {
            "summary": _("Two or three sentences shown in the list of articles."),
            "body": FORMATTING_HELP,
            "references": _("One reference per line: a law, a report or a link (http or https)."),
        }
        error_messages = {
            "title": {
                "required": _("Give the article a title."),
                "max_length": _(
                    "Keep the title to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "summary": {
                "required": _("Write a short summary."),
                "max_length": _(
                    "Keep the summary to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "body": {
                "required": _("Write the article's text."),
                "max_length": _(
                    "Keep the text to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "references": {
                "max_length": _(
                    "Keep the references to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        self._kept_numbers: frozenset[int] = frozenset()
        if instance.pk:
            del self.fields["client_token"]
            self._kept_numbers = frozenset(instance.obstacles.values_list("pk", flat=True))
            if not self.is_bound:
                self.initial["body"] = editable_text(instance.body)
                self.initial["obstacle_numbers"] = sorted(self._kept_numbers)
        else:
            del self.fields["version"]
            if not self.is_bound:
                self.initial.setdefault("language", current_language())
                self.initial["client_token"] = uuid.uuid4()

    def clean_obstacle_numbers(self) -> list[Obstacle]:
        numbers = list(self.cleaned_data.get("obstacle_numbers") or [])
        found, missing = resolve_obstacles(numbers, keep=self._kept_numbers)
        if missing:
            raise forms.ValidationError(not_published_message(missing))
        return found

    def conflict_stored_value(self, name: str, current: Any) -> Any:
        """The conflict panel compares the text as it is edited, not as stored HTML."""
        if name == "body":
            return editable_text(current.body)
        return getattr(current, name, None)

    def _post_clean(self) -> None:
        # The service validates and saves; the fetched row stays as stored.
        pass

    def data_for_service(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if "client_token" in self.fields:
            data["client_token"] = str(self.cleaned_data.get("client_token") or "")
        return data


MOVE_LABELS = {
    "publish": pgettext_lazy("article move", "Publish"),
    "unpublish": pgettext_lazy("article move", "Unpublish"),
}


class ArticleMoveForm(PortalForm):
    """A reviewer publishes or unpublishes; the button pressed names the move."""

    move = forms.ChoiceField(choices=[(m, MOVE_LABELS[m]) for m in ARTICLE_MOVES])
    reason = forms.CharField(
        label=_("Note for the author (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
