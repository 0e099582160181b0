"""Reviews: coordinators assign reviewers to proposals to a scored call; reviewers score them."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.concurrency import versioned_update
from portal.core.notifications import MailKind, notify

from ...models import CriterionScore, Proposal, ReviewAssignment
from ...permissions.base import member_organisation_ids
from ...permissions.proposals import can_assign_reviewers, can_edit_review
from ._common import _lock


@transaction.atomic
def review_assign(*, actor: Any, proposal: Proposal, reviewer: User) -> ReviewAssignment:
    """Coordinators ask someone to score a submitted proposal to a scored call.

    Nobody reviews their own organisation's proposal; asking the same person twice is a no-op.
    """
    locked = _lock(proposal)
    if not can_assign_reviewers(actor, locked):
        raise PermissionDenied
    if locked.call is None or not locked.call.criteria.exists():
        raise ValidationError(_("Only proposals to a call with criteria are scored."))
    if locked.organisation_id in member_organisation_ids(reviewer):
        raise ValidationError(
            {"email": _("A member of the proposing organisation cannot review it.")}
        )
    review, created = ReviewAssignment.objects.get_or_create(
        proposal=locked, reviewer=reviewer, defaults={"assigned_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="proposal.review_assign",
            target=locked,
            data={"reviewer": reviewer.pk},
        )
        notify(
            users=[reviewer],
            template="partnerships/email/review_assigned",
            context={"proposal": locked, "review": review, "call": locked.call},
            kind=MailKind.REVIEW_ASSIGNED,
        )
    return review


@transaction.atomic
def review_save(
    *,
    actor: Any,
    review: ReviewAssignment,
    expected_version: int,
    scores: dict[int, tuple[int | None, str]],
    comment: str,
    submit: bool = False,
) -> ReviewAssignment:
    """The reviewer saves scores (1–5 per criterion, with a comment) and may submit them.

    Submitting needs a score for every criterion; a submitted review is read-only.
    """
    locked = ReviewAssignment.objects.select_for_update().get(pk=review.pk)
    if not can_edit_review(actor, locked):
        raise ValidationError(_("This review was submitted and can no longer be changed."))
    criteria = list(review.proposal.call.criteria.all())  # type: ignore[union-attr]
    if submit:
        missing = [c for c in criteria if scores.get(c.pk, (None, ""))[0] is None]
        if missing:
            raise ValidationError(
                {f"score_{c.pk}": _("Give a score from 1 to 5 before you submit.") for c in missing}
            )
    changes: dict[str, Any] = {"comment": comment}
    if submit:
        changes["submitted_at"] = timezone.now()
    updated = versioned_update(instance=locked, expected_version=expected_version, changes=changes)
    for criterion in criteria:
        score, note = scores.get(criterion.pk, (None, ""))
        if score is None:
            CriterionScore.objects.filter(review=updated, criterion=criterion).delete()
            continue
        if not 1 <= int(score) <= 5:
            raise ValidationError({f"score_{criterion.pk}": _("A score is from 1 to 5.")})
        CriterionScore.objects.update_or_create(
            review=updated, criterion=criterion, defaults={"score": score, "comment": note}
        )
    if submit:
        audit_record(actor=actor, action="proposal.review_submit", target=updated.proposal)
    return updated


def review_submit(
    *,
    actor: Any,
    review: ReviewAssignment,
    expected_version: int,
    scores: dict[int, tuple[int | None, str]],
    comment: str,
) -> ReviewAssignment:
    """Save and submit in one step (see `review_save`)."""
    return review_save(
        actor=actor,
        review=review,
        expected_version=expected_version,
        scores=scores,
        comment=comment,
        submit=True,
    )
