"""Personal data in the obstacle register: the entries, mitigations and knowledge articles the
person wrote, their "we met this too", and their work as a reviewer (see
`portal.accounts.privacy` for the registry).

Everything submitted to the register is kept (the compilation is a public record) with the
person shown as "Former user". Drafts nobody but the author ever saw were never received by
anyone: they are deleted. A reviewer's claim on an entry is released.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.privacy import rows

from .models import (
    Endorsement,
    KnowledgeArticle,
    Mitigation,
    Obstacle,
    ObstacleTransition,
    ReviewerNote,
)
from .workflow import ObstacleStatus

SECTION = "obstacles"
TITLE = _("Obstacles, mitigations and knowledge articles")
HOLDS = _(
    "The obstacle entries, mitigations and knowledge articles you wrote (with their text), the "
    "obstacles you said you met too, and, for reviewers, your notes and decisions."
)
KEPT = _(
    "Entries, mitigations and articles that were submitted are kept, with you shown as “Former "
    "user”. Drafts you never submitted are deleted."
)
COVERS = frozenset(
    {
        "obstacles.Obstacle.author",
        "obstacles.Obstacle.claimed_by",
        "obstacles.ObstacleTransition.actor",
        "obstacles.ReviewerNote.author",
        "obstacles.Endorsement.user",
        "obstacles.KnowledgeArticle.author",
        "obstacles.KnowledgeArticle.published_by",
        "obstacles.Mitigation.author",
        "obstacles.Mitigation.reviewed_by",
    }
)


def export(user: User) -> dict[str, Any]:
    """The obstacles section (eight queries)."""
    return {
        "obstacles_you_wrote": rows(
            Obstacle.objects.filter(author=user),
            "id",
            "title",
            "description",
            "evidence",
            "known_mitigation",
            "language",
            "status",
            "step_key",
            "severity",
            "created_at",
            "submitted_at",
            "published_at",
            "decision_reason",
            category="category__slug",
            region="region__slug",
            organisation="organisation__name",
        ),
        "mitigations_you_wrote": rows(
            Mitigation.objects.filter(author=user),
            "id",
            "title",
            "description",
            "language",
            "status",
            "created_at",
            "published_at",
            "decision_reason",
        ),
        "knowledge_articles_you_wrote": rows(
            KnowledgeArticle.objects.filter(author=user),
            "id",
            "title",
            "summary",
            "body",
            "references",
            "topic",
            "language",
            "status",
            "created_at",
            "published_at",
        ),
        "obstacles_you_met_too": rows(
            Endorsement.objects.filter(user=user),
            "note",
            "created_at",
            obstacle_id="obstacle_id",
            organisation="organisation__name",
        ),
        "reviewer_notes_you_wrote": rows(
            ReviewerNote.objects.filter(author=user),
            "text",
            "created_at",
            obstacle_id="obstacle_id",
        ),
        "review_decisions": rows(
            ObstacleTransition.objects.filter(actor=user),
            "move",
            "from_status",
            "to_status",
            "reason",
            "created_at",
            obstacle_id="obstacle_id",
        ),
        "mitigations_you_reviewed": rows(
            Mitigation.objects.filter(reviewed_by=user), "id", "status", "published_at"
        ),
        "articles_you_published": rows(
            KnowledgeArticle.objects.filter(published_by=user), "id", "status", "published_at"
        ),
        "entries_you_have_taken": rows(
            Obstacle.objects.filter(claimed_by=user), "id", "claimed_at"
        ),
    }


def anonymise(user: User) -> dict[str, int]:
    """Delete the person's unsubmitted drafts and release their review claims; everything
    submitted stays (the person shows as "Former user")."""
    return {
        "obstacle_drafts": Obstacle.objects.filter(
            author=user, status=ObstacleStatus.DRAFT, submitted_at__isnull=True
        ).delete()[0],
        "review_claims": Obstacle.objects.filter(claimed_by=user).update(
            claimed_by=None, claimed_at=None
        ),
    }
