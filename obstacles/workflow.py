"""The lifecycles of obstacle entries, mitigations and knowledge articles, as data.

One service performs each move (see `services`); it checks the move against these tables, so a
move that is not listed here cannot happen, whoever asks.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ObstacleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("obstacle status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("obstacle status", "Submitted")
    IN_REVIEW = "in_review", pgettext_lazy("obstacle status", "In review")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("obstacle status", "Changes requested")
    PUBLISHED = "published", pgettext_lazy("obstacle status", "Published")
    REJECTED = "rejected", pgettext_lazy("obstacle status", "Rejected")
    MERGED = "merged", pgettext_lazy("obstacle status", "Merged into another entry")
    WITHDRAWN = "withdrawn", pgettext_lazy("obstacle status", "Withdrawn")


class ObstacleMove(models.TextChoices):
    SUBMIT = "submit", _("Submit for review")
    START_REVIEW = "start_review", _("Start review")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    PUBLISH = "publish", _("Publish")
    REJECT = "reject", _("Reject")
    MERGE = "merge", _("Merge into another entry")
    WITHDRAW = "withdraw", _("Withdraw from the compilation")


S = ObstacleStatus
M = ObstacleMove

# move -> (states it may start from, state it ends in)
OBSTACLE_MOVES: dict[str, tuple[frozenset[str], str]] = {
    M.SUBMIT: (frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED),
    M.START_REVIEW: (frozenset({S.SUBMITTED}), S.IN_REVIEW),
    M.REQUEST_CHANGES: (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.CHANGES_REQUESTED),
    # A withdrawn entry may be published again after a fresh review.
    M.PUBLISH: (frozenset({S.SUBMITTED, S.IN_REVIEW, S.WITHDRAWN}), S.PUBLISHED),
    M.REJECT: (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.REJECTED),
    M.MERGE: (frozenset({S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.WITHDRAWN}), S.MERGED),
    M.WITHDRAW: (frozenset({S.PUBLISHED}), S.WITHDRAWN),
}

# Moves made by the author; every other move is a reviewer's.
AUTHOR_MOVES = frozenset({M.SUBMIT})
# Moves that need a reason the author sees.
MOVES_NEEDING_REASON = frozenset({M.REQUEST_CHANGES, M.REJECT, M.WITHDRAW})
# States in which the author may still edit the text.
AUTHOR_EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
# States waiting for a reviewer (the review queue).
AWAITING_REVIEW = frozenset({S.SUBMITTED, S.IN_REVIEW})


def obstacle_move_allowed(*, move: str, status: str) -> bool:
    sources, _target = OBSTACLE_MOVES[move]
    return status in sources


def obstacle_move_target(move: str) -> str:
    return OBSTACLE_MOVES[move][1]


class MitigationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("mitigation status", "Submitted")
    PUBLISHED = "published", pgettext_lazy("mitigation status", "Published")
    REJECTED = "rejected", pgettext_lazy("mitigation status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("mitigation status", "Withdrawn")


MITIGATION_MOVES: dict[str, tuple[frozenset[str], str]] = {
    "publish": (
        frozenset({MitigationStatus.SUBMITTED, MitigationStatus.WITHDRAWN}),
        MitigationStatus.PUBLISHED,
    ),
    "reject": (frozenset({MitigationStatus.SUBMITTED}), MitigationStatus.REJECTED),
    "withdraw": (frozenset({MitigationStatus.PUBLISHED}), MitigationStatus.WITHDRAWN),
}


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article status", "Draft")
    PUBLISHED = "published", pgettext_lazy("article status", "Published")
    UNPUBLISHED = "unpublished", pgettext_lazy("article status", "Unpublished")


ARTICLE_MOVES: dict[str, tuple[frozenset[str], str]] = {
    "publish": (
        frozenset({ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED}),
        ArticleStatus.PUBLISHED,
    ),
    "unpublish": (frozenset({ArticleStatus.PUBLISHED}), ArticleStatus.UNPUBLISHED),
}
