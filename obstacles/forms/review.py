"""Forms of the reviewers' pages: the queue filter, the moves and the private notes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from portal.core.forms import PortalForm

from ..models import Obstacle
from ..selectors.review import NATIONAL
from ..workflow import MOVES_NEEDING_REASON, ObstacleMove

# The moves a reviewer makes from the review page, in the order the page offers them.
REVIEWER_MOVES = (
    ObstacleMove.PUBLISH,
    ObstacleMove.REQUEST_CHANGES,
    ObstacleMove.MERGE,
    ObstacleMove.REJECT,
    ObstacleMove.WITHDRAW,
)

REASON_LABELS: dict[str, Any] = {
    ObstacleMove.REQUEST_CHANGES: _("What should the author change?"),
    ObstacleMove.REJECT: _("Why is the entry rejected?"),
    ObstacleMove.WITHDRAW: _("Why is the entry withdrawn from the compilation?"),
    ObstacleMove.MERGE: _("Note to the author (optional)"),
}

REASON_REQUIRED: dict[str, Any] = {
    ObstacleMove.REQUEST_CHANGES: _("Tell the author what to change."),
    ObstacleMove.REJECT: _("Give the reason for rejecting the entry: the author sees it."),
    ObstacleMove.WITHDRAW: _("Give the reason for withdrawing the entry: the author sees it."),
}


class ReviewQueueFilterForm(PortalForm):
    """GET filters of the review queue; they live in the URL so a filtered queue can be shared."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, categories: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category: Any = self.fields["category"]
        category.choices = [("", _("All")), *[(c.slug, c.name) for c in categories]]
        region: Any = self.fields["region"]
        region.choices = [
            ("", _("All")),
            (NATIONAL, _("National (not tied to one region)")),
            *[(r.slug, r.name) for r in regions],
        ]


class MoveForm(PortalForm):
    """One reviewer move on one entry. Each move has its own form on the page (`prefix` = the
    move), so an error and the typed reason stay with the move they belong to."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Keep it to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    merge_choice = forms.IntegerField(
        label=_("Merge into one of the possible duplicates"),
        required=False,
        widget=forms.RadioSelect,
    )
    merge_number = forms.IntegerField(
        label=_("… or into the entry with this number"),
        required=False,
        min_value=1,
        help_text=_("The number is in the entry's address, e.g. 123 in /obstacles/123/."),
        error_messages={"invalid": _("Type the entry's number, e.g. 123.")},
    )

    def __init__(self, *args: Any, move: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", move)
        super().__init__(*args, **kwargs)
        self.move = move
        reason: Any = self.fields["reason"]
        if move == ObstacleMove.PUBLISH:
            del self.fields["reason"]
        else:
            reason.label = REASON_LABELS.get(move, reason.label)
            if move in MOVES_NEEDING_REASON:
                reason.required = True
                reason.error_messages["required"] = REASON_REQUIRED[move]
                reason.help_text = _("The author sees this and gets it by email.")
        if move != ObstacleMove.MERGE:
            del self.fields["merge_choice"]
            del self.fields["merge_number"]

    def offer_duplicates(self, duplicates: list[Obstacle]) -> None:
        """The merge form offers the possible duplicates the page shows (the pick is checked
        as a number like a typed one: the list may have changed since the page was loaded)."""
        if "merge_choice" not in self.fields:
            return
        if not duplicates:
            del self.fields["merge_choice"]
            return
        choice: Any = self.fields["merge_choice"]
        choice.widget.choices = [
            (
                d.pk,
                pgettext("merge target", "No. %(number)s: %(title)s")
                % {"number": d.pk, "title": d.title},
            )
            for d in duplicates
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.move == ObstacleMove.MERGE and "merge_number" not in self.errors:
            picked, typed = cleaned.get("merge_choice"), cleaned.get("merge_number")
            if picked and typed and picked != typed:
                self.add_error(
                    "merge_number",
                    _("You picked entry %(picked)s and typed %(typed)s: choose one of them.")
                    % {"picked": picked, "typed": typed},
                )
            elif not picked and not typed:
                self.add_error(
                    "merge_number",
                    _("Choose the entry this one duplicates, or type its number."),
                )
            else:
                cleaned["merge_target"] = picked or typed
        return cleaned


class ReviewerNoteForm(PortalForm):
    text = forms.CharField(
        label=_("Add a private note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only obstacle reviewers see these notes."),
        error_messages={
            "required": _("Write the note first."),
            "max_length": _("Keep the note to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )


class EntryNumberForm(PortalForm):
    """ "Open entry number …" on the queue: reach any entry, e.g. a published one to withdraw."""

    entry = forms.IntegerField(
        label=_("Open the entry with number"),
        min_value=1,
        required=False,
        error_messages={"invalid": _("Type the entry's number, e.g. 123.")},
    )
