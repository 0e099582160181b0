"""Who may see and do what with mitigations and knowledge articles. Predicates never write.

State first, then role: a predicate answers False for a move the lifecycle (`workflow.py`) does
not allow from the row's status, whoever asks. Fetchers answer 404 for missing and forbidden rows
alike, so existence does not leak.

- Mitigations: anyone signed in submits one for published obstacles; published mitigations are
  public; their author sees them in every state; obstacle reviewers (and portal admins) see and
  decide on all of them.
- Knowledge articles: region coordinators, obstacle reviewers and portal admins draft them;
  reviewers publish and unpublish. Published articles are public; drafts and unpublished
  articles are seen by their author and by reviewers.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from partnerships.permissions import partnerships_visible_to
from portal.accounts.roles import Role
from portal.accounts.selectors import user_has_role

from ..models import KnowledgeArticle, Mitigation, Obstacle
from ..workflow import (
    ARTICLE_MOVES,
    MITIGATION_MOVES,
    ArticleStatus,
    MitigationStatus,
    ObstacleStatus,
)
from .entries import is_obstacle_reviewer

# Who may still change a mitigation's text: its author until a reviewer decides; reviewers
# while it waits or is shown (a typo in a published mitigation is fixed in place).
MITIGATION_AUTHOR_EDITABLE = frozenset({MitigationStatus.SUBMITTED})
MITIGATION_REVIEWER_EDITABLE = frozenset({MitigationStatus.SUBMITTED, MitigationStatus.PUBLISHED})
ARTICLE_AUTHOR_EDITABLE = frozenset({ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED})

R = TypeVar("R", bound=models.Model)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def _int_or_404(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def _is_author(user: Any, row: Mitigation | KnowledgeArticle) -> bool:
    return _signed_in(user) and row.author_id is not None and row.author_id == user.pk


def _published_or_own(qs: QuerySet[R], user: Any, published: str) -> QuerySet[R]:
    """Rows in the `published` status for everyone; the author's own in every state; reviewers
    all of them."""
    if is_obstacle_reviewer(user):
        return qs
    rule = Q(status=published)
    if _signed_in(user):
        rule |= Q(author_id=user.pk)
    return qs.filter(rule)


def _first_or_404(qs: QuerySet[R], pk: Any) -> R:
    row = qs.filter(pk=_int_or_404(pk)).first()
    if row is None:
        raise Http404
    return row


def _reviewer_may_move(user: Any, row: Any, moves: Mapping[str, Any], move: str) -> bool:
    """A move the lifecycle `moves` allows from the row's status, made by a reviewer."""
    if move not in moves or row.status not in moves[move][0]:
        return False
    return is_obstacle_reviewer(user)


# --- Obstacles a mitigation is written for ----------------------------------------------------


def get_published_obstacle_or_404(pk: Any) -> Obstacle:
    """A published obstacle (the only kind a mitigation may be written for); 404 otherwise."""
    return _first_or_404(
        Obstacle.objects.select_related("category", "region").filter(
            status=ObstacleStatus.PUBLISHED
        ),
        pk,
    )


# --- Mitigations -------------------------------------------------------------------------------


def mitigations_visible_to(user: Any) -> QuerySet[Mitigation]:
    """Published mitigations for everyone; the author's own in every state; reviewers all."""
    return _published_or_own(Mitigation.objects.all(), user, MitigationStatus.PUBLISHED)


def get_mitigation_for_user_or_404(user: Any, pk: Any) -> Mitigation:
    """The mitigation if the user may see it; 404 for missing and forbidden alike."""
    return _first_or_404(
        mitigations_visible_to(user).select_related(
            "author", "region", "partnership", "reviewed_by"
        ),
        pk,
    )


def can_submit_mitigation(user: Any) -> bool:
    """Anyone signed in may tell how they got past a published obstacle."""
    return _signed_in(user)


def can_edit_mitigation(user: Any, mitigation: Mitigation) -> bool:
    """The author until a reviewer decides; reviewers while it waits or is published."""
    if mitigation.status in MITIGATION_REVIEWER_EDITABLE and is_obstacle_reviewer(user):
        return True
    return mitigation.status in MITIGATION_AUTHOR_EDITABLE and _is_author(user, mitigation)


def can_move_mitigation(user: Any, mitigation: Mitigation, move: str) -> bool:
    """A move the lifecycle allows from the mitigation's status, made by a reviewer."""
    return _reviewer_may_move(user, mitigation, MITIGATION_MOVES, move)


def mitigation_moves_for(user: Any, mitigation: Mitigation) -> list[str]:
    """The moves the user may make on the mitigation now, in the lifecycle's order."""
    return [move for move in MITIGATION_MOVES if can_move_mitigation(user, mitigation, move)]


def can_review_mitigation(user: Any, mitigation: Mitigation) -> bool:
    """A reviewer, on a mitigation that still has a move (a rejected one is final)."""
    return bool(mitigation_moves_for(user, mitigation))


def can_see_partnership_of(user: Any, mitigation: Mitigation) -> bool:
    """Whether the page may name the partnership where the mitigation worked: only to people
    who may open that partnership (everyone else sees the region only)."""
    if mitigation.partnership_id is None or not _signed_in(user):
        return False
    return partnerships_visible_to(user).filter(pk=mitigation.partnership_id).exists()


# --- Knowledge articles ------------------------------------------------------------------------


def articles_visible_to(user: Any) -> QuerySet[KnowledgeArticle]:
    """Published articles for everyone; the author's own drafts; reviewers all."""
    return _published_or_own(KnowledgeArticle.objects.all(), user, ArticleStatus.PUBLISHED)


def get_article_for_user_or_404(user: Any, pk: Any) -> KnowledgeArticle:
    """The article if the user may see it; 404 for missing and forbidden alike."""
    return _first_or_404(articles_visible_to(user).select_related("author", "published_by"), pk)


def can_create_article(user: Any) -> bool:
    """Region coordinators, obstacle reviewers and portal admins draft knowledge articles."""
    if not _signed_in(user):
        return False
    return is_obstacle_reviewer(user) or user_has_role(user, Role.REGION_COORDINATOR)


def can_edit_article(user: Any, article: KnowledgeArticle) -> bool:
    """Reviewers always; the author while it is a draft or unpublished, as long as they still
    hold a role that drafts articles."""
    if is_obstacle_reviewer(user):
        return True
    return (
        article.status in ARTICLE_AUTHOR_EDITABLE
        and _is_author(user, article)
        and can_create_article(user)
    )


def can_move_article(user: Any, article: KnowledgeArticle, move: str) -> bool:
    """A move the lifecycle allows from the article's status, made by a reviewer."""
    return _reviewer_may_move(user, article, ARTICLE_MOVES, move)


def article_moves_for(user: Any, article: KnowledgeArticle) -> list[str]:
    return [move for move in ARTICLE_MOVES if can_move_article(user, article, move)]


def can_publish_article(user: Any, article: KnowledgeArticle) -> bool:
    """Only reviewers publish (and unpublish) articles, whoever drafted them."""
    return bool(article_moves_for(user, article))
