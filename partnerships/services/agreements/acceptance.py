"""Confirming the collaboration rules and accepting the latest version, which puts the agreement
in force once every party has accepted.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.notifications import MailKind, notify

from ...agreement_rules import COLLABORATION_RULES, RULE_KEYS
from ...models import (
    Agreement,
    AgreementAcceptance,
    AgreementClause,
    AgreementVersion,
    EventKind,
    PartnershipParty,
    RuleCheck,
)
from ...permissions.agreements import may_act_for_party
from ...permissions.base import can_work_on_partnership
from ...workflow import AgreementStatus
from ._common import _event, _lock, _person, _refuse_if_final, agreement_people
from .versions import _tell_acceptances_voided, _void_acceptances


@transaction.atomic
def rule_check_set(*, actor: Any, agreement: Agreement, rule: str, done: bool) -> bool:
    """Confirm (or take back) one collaboration rule. Returns whether anything changed.

    An acceptance requires every rule confirmed, so taking a rule back voids the standing
    acceptances of the latest version (like any change after an acceptance) and everyone
    concerned is told; the parties accept again once the rule is confirmed again.
    """
    if not can_work_on_partnership(actor, agreement.partnership):
        raise PermissionDenied
    if rule not in RULE_KEYS:
        raise ValidationError(_("Unknown collaboration rule."))
    locked = _lock(agreement)
    _refuse_if_final(locked)
    if done:
        _check, changed = RuleCheck.objects.get_or_create(
            agreement=locked, rule=rule, defaults={"checked_by": _person(actor)}
        )
    else:
        changed = bool(RuleCheck.objects.filter(agreement=locked, rule=rule).delete()[0])
    if not changed:
        return False
    # Kept in the audit row: accepting the same version again reuses the voided row.
    standing = (
        []
        if done
        else [
            {
                "party": row["party_id"],
                "version": row["version__number"],
                "accepted_by": row["accepted_by_id"],
                "accepted_at": row["accepted_at"].isoformat(),
                "checksum": row["checksum"],
            }
            for row in AgreementAcceptance.objects.filter(
                version__agreement=locked, voided_at__isnull=True
            ).values("party_id", "version__number", "accepted_by_id", "accepted_at", "checksum")
        ]
    )
    voided = _void_acceptances(locked) if standing else 0
    rule_text = dict(COLLABORATION_RULES)[rule]
    audit_record(
        actor=actor,
        action="agreement.rule_checked" if done else "agreement.rule_unchecked",
        target=locked,
        data={"rule": rule, "acceptances_voided": standing},
    )

    def says() -> str:
        if done:
            return _("Rule confirmed: %(rule)s") % {"rule": rule_text}
        if voided:
            return _(
                "Rule no longer confirmed: %(rule)s. The acceptances given so far were voided."
            ) % {"rule": rule_text}
        return _("Rule no longer confirmed: %(rule)s") % {"rule": rule_text}

    _event(locked.partnership, actor, EventKind.AGREEMENT, says)
    latest = AgreementVersion.objects.filter(agreement=locked).order_by("-number").first()
    if voided and latest is not None:
        _tell_acceptances_voided(
            locked,
            actor,
            latest,
            template="partnerships/email/agreement_rule_withdrawn",
            extra={"rule": rule_text},
        )
    return True


@transaction.atomic
def agreement_accept(
    *,
    actor: Any,
    agreement: Agreement,
    party: PartnershipParty,
    version_number: int,
    checksum: str,
) -> AgreementAcceptance:
    """Accept the latest version for `party`, which the actor must act for.

    Refused when the version is not the latest or the checksum differs from the stored text
    (the text changed since the actor opened it), or while a collaboration rule is unconfirmed.
    Accepting twice returns the first acceptance. When every party has accepted the latest
    version the agreement comes into force and everyone concerned is told.
    """
    if party.partnership_id != agreement.partnership_id or not may_act_for_party(actor, party):
        raise PermissionDenied
    locked = _lock(agreement)
    latest = AgreementVersion.objects.filter(agreement=locked).order_by("-number").first()
    if latest is None:
        raise ValidationError(_("The agreement has no text to accept yet."))
    existing = AgreementAcceptance.objects.filter(
        version=latest, party=party, voided_at__isnull=True
    ).first()
    if existing is not None and latest.number == version_number and latest.checksum == checksum:
        return existing
    _refuse_if_final(locked)
    if version_number != latest.number:
        raise ValidationError(
            _(
                "Version %(number)s is no longer the latest: read version %(latest)s and accept "
                "that instead."
            )
            % {"number": version_number, "latest": latest.number},
            code="stale_version",
        )
    if checksum != latest.checksum:
        raise ValidationError(
            _("The text changed since you opened it: read it again before you accept."),
            code="checksum",
        )
    rows = AgreementClause.objects.filter(agreement=locked).select_related("clause")
    if any(not row.values.get(var["name"]) for row in rows for var in row.clause.variables):
        raise ValidationError(
            _("Fill in every value of the agreement before it is accepted."), code="incomplete"
        )
    confirmed = set(RuleCheck.objects.filter(agreement=locked).values_list("rule", flat=True))
    if not confirmed >= RULE_KEYS:
        raise ValidationError(
            _("Confirm every collaboration rule before the agreement is accepted."),
            code="rules",
        )
    # A voided acceptance keeps its row (the history of who accepted what, and when it was
    # voided); accepting the same version again after a rule was taken back adds a new row.
    acceptance = AgreementAcceptance.objects.create(
        version=latest, party=party, accepted_by=_person(actor), checksum=latest.checksum
    )
    audit_record(
        actor=actor,
        action="agreement.accept",
        target=locked,
        data={"party": party.pk, "version": latest.number, "checksum": latest.checksum},
    )
    partnership = locked.partnership
    _event(
        partnership,
        actor,
        EventKind.AGREEMENT_ACCEPTED,
        lambda: (
            _("%(party)s accepted version %(number)s.") % {"party": party, "number": latest.number}
        ),
    )
    party_ids = set(
        PartnershipParty.objects.filter(partnership=partnership).values_list("pk", flat=True)
    )
    accepted = set(
        AgreementAcceptance.objects.filter(version=latest, voided_at__isnull=True).values_list(
            "party_id", flat=True
        )
    )
    if party_ids and party_ids <= accepted:
        locked.status = AgreementStatus.IN_FORCE
        locked.in_force_at = timezone.now()
        locked.save(update_fields=["status", "in_force_at", "updated_at"])
        audit_record(
            actor=actor,
            action="agreement.in_force",
            target=locked,
            data={"version": latest.number, "checksum": latest.checksum},
        )
        _event(
            partnership,
            actor,
            EventKind.AGREEMENT_IN_FORCE,
            lambda: (
                _("Version %(number)s of the agreement is in force.") % {"number": latest.number}
            ),
        )
        notify(
            users=agreement_people(partnership),
            template="partnerships/email/agreement_in_force",
            context={"partnership": partnership, "agreement": locked, "version": latest},
            kind=MailKind.AGREEMENT_IN_FORCE,
        )
    return acceptance
