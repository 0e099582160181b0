"""Writes for knowledge articles: the Co-creation deep dive into cloud-based digital solutions.

Region coordinators, obstacle reviewers and portal admins draft articles; a reviewer publishes
and unpublishes them (`workflow.ARTICLE_MOVES`). The body is stored as sanitised HTML; the
references are plain text, one per line. Articles link to the published obstacles they address.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.concurrency import ConcurrentEditError
from portal.core.idempotency import created_before, form_token

from ..models import KnowledgeArticle, KnowledgeTopic, Obstacle
from ..models.obstacles import CONTENT_LANGUAGES
from ..permissions.knowledge import can_create_article, can_edit_article
from ..sanitize import as_rich_text, single_line
from ..workflow import ARTICLE_MOVES
from ._reviewed import (
    create_linked,
    linkable_obstacles,
    lock,
    lock_for_move,
    relink,
    save_move,
    update_linked,
)

ARTICLE_FIELDS = ("title", "summary", "body", "references", "topic", "language", "last_reviewed")
# The mail each move sends the author: obstacles/mail/article_<name>_{subject,body}.txt
MOVE_MAIL = {"publish": "published", "unpublish": "unpublished"}


def _clean_references(text: str) -> str:
    """One reference per line, without blank lines or surrounding spaces."""
    lines = (line.strip() for line in (text or "").replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _clean_fields(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    fields = {key: data[key] for key in ARTICLE_FIELDS if key in data}
    errors: dict[str, str] = {}
    for name, message in (
        ("title", _("Give the article a title.")),
        ("summary", _("Write a short summary.")),
    ):
        if name in fields or creating:
            typed = str(fields.get(name) or "")
            # The title is one line (mails print it as one); the summary may have several.
            fields[name] = single_line(typed) if name == "title" else typed.strip()
            if not fields[name]:
                errors[name] = message
    if "body" in fields or creating:
        fields["body"] = as_rich_text(fields.get("body") or "")
        if not fields["body"]:
            errors["body"] = _("Write the article's text.")
    if "references" in fields:
        fields["references"] = _clean_references(fields["references"])
    if (creating or "topic" in fields) and fields.get("topic") not in KnowledgeTopic.values:
        errors["topic"] = _("Choose a topic.")
    if "language" in fields and fields["language"] not in dict(CONTENT_LANGUAGES):
        errors["language"] = _("Choose Swedish or English.")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def article_create(
    *, author: Any, data: dict[str, Any], obstacles: Iterable[Obstacle] = ()
) -> KnowledgeArticle:
    """A coordinator or reviewer (or portal admin) starts a draft article.

    `data`: title, summary, body (typed text; stored sanitised), references (one per line),
    topic, language, last_reviewed, and an optional `client_token`: the same token again (a
    double submit) returns the article the first request created. `obstacles` must be published.
    """
    if not can_create_article(author):
        raise PermissionDenied
    token = form_token(data.get("client_token"))
    earlier = created_before(
        KnowledgeArticle, actor=author, action="article.create", client_token=token
    )
    if earlier is not None:
        return earlier
    fields = _clean_fields(data, creating=True)
    return create_linked(
        KnowledgeArticle,
        author=author,
        action="article.create",
        client_token=token,
        fields=fields,
        linked=linkable_obstacles(obstacles),
    )


@transaction.atomic
def article_update(
    *,
    article: KnowledgeArticle,
    actor: Any,
    expected_version: int,
    data: dict[str, Any],
    obstacles: Iterable[Obstacle] | None = None,
) -> KnowledgeArticle:
    """Reviewers edit any article; its author while it is a draft or unpublished.

    A stale `expected_version` raises ConcurrentEditError. `obstacles`, when given, replaces the
    links: each must be published now (links kept from before may stay even if the obstacle has
    since been withdrawn, so saving a text fix never fails on them).
    """
    locked = lock(article)
    if not can_edit_article(actor, locked):
        if locked.author_id != actor.pk:
            raise PermissionDenied
        raise ValidationError(_("This article can no longer be changed by you."))
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    fields = _clean_fields(data, creating=False)
    return update_linked(
        locked,
        actor=actor,
        action="article.update",
        expected_version=expected_version,
        fields=fields,
        linked=relink(locked, obstacles),
    )


@transaction.atomic
def article_move(
    *,
    article: KnowledgeArticle,
    actor: Any,
    move: str,
    expected_version: int | None = None,
    reason: str = "",
) -> KnowledgeArticle:
    """A reviewer publishes (from draft or unpublished) or unpublishes an article.

    Publishing sets published_at and published_by, and `last_reviewed` to today when it is
    empty. Only the moves in `workflow.ARTICLE_MOVES` from the current status happen; a stale
    `expected_version` raises ConcurrentEditError. The author (if someone else) is told by mail.
    """
    locked, target = lock_for_move(
        article,
        actor=actor,
        move=move,
        moves=ARTICLE_MOVES,
        expected_version=expected_version,
        not_a_move=_("This is not a move an article can make."),
        wrong_status=_("The article is %(status)s: it cannot be moved that way now."),
    )
    reason = (reason or "").strip()
    changes: dict[str, Any] = {}
    if move == "publish":
        changes = {"published_at": timezone.now(), "published_by": actor}
        if locked.last_reviewed is None:
            changes["last_reviewed"] = timezone.localdate()
    save_move(
        locked,
        actor=actor,
        move=move,
        target=target,
        changes=changes,
        reason=reason,
        action=f"article.{move}",
        mail_template=f"obstacles/mail/article_{MOVE_MAIL[move]}",
        mail_context={"article": locked},
    )
    return locked
