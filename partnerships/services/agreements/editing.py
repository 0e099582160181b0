"""Starting an agreement, editing its clauses, values, role and language, and re-rendering it
after a change outside the editor.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.concurrency import ConcurrentEditError, versioned_update

from ...models import (
    Agreement,
    AgreementClause,
    AgreementVersion,
    Clause,
    CollaborationKind,
    EventKind,
    Partnership,
    RegionRoleInAgreement,
)
from ...permissions.base import can_work_on_partnership
from ...workflow import AgreementStatus, PartnershipStatus
from ._common import _event, _lock, _refuse_if_final
from .text import _render
from .values import clean_value, variable_default
from .versions import _record_version, _write_version

# The "type of collaboration" clause follows the region's role instead of a checkbox.
ROLE_CLAUSES: dict[str, str] = {
    RegionRoleInAgreement.CUSTOMER: "collaboration-customer",
    RegionRoleInAgreement.DEVELOPMENT_PARTNER: "collaboration-partner",
}
# The region's role a new agreement starts with, by kind of collaboration.
DEFAULT_ROLE: dict[str, str] = {
    CollaborationKind.TEST_BED: RegionRoleInAgreement.CUSTOMER,
    CollaborationKind.CLINICAL_EVALUATION: RegionRoleInAgreement.CUSTOMER,
}


@transaction.atomic
def agreement_start(*, actor: Any, partnership: Partnership) -> Agreement:
    """Start the agreement at the agreement step: the clauses for the kind of collaboration are
    switched on with their default values, and version 1 of the text is written. Starting an
    agreement that exists returns it unchanged."""
    if not can_work_on_partnership(actor, partnership):
        raise PermissionDenied
    locked = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("current_step", "region")
        .get(pk=partnership.pk)
    )
    existing = Agreement.objects.filter(partnership=locked).first()
    if existing is not None:
        return existing
    if locked.status != PartnershipStatus.ACTIVE or not locked.current_step.is_agreement_step:
        raise ValidationError(
            _("The agreement can be started when the partnership is active at the agreement step.")
        )
    kind = locked.collaboration_kind
    language = "sv"  # the working language; the parties may switch to English
    region_role = DEFAULT_ROLE.get(kind, RegionRoleInAgreement.DEVELOPMENT_PARTNER)
    agreement = Agreement.objects.create(
        partnership=locked, language=language, region_role=region_role
    )
    role_keys = set(ROLE_CLAUSES.values())
    for clause in Clause.objects.filter(active=True):
        if clause.key in role_keys:
            wanted = clause.key == ROLE_CLAUSES[region_role]
        else:
            wanted = not clause.collaboration_kinds or kind in clause.collaboration_kinds
        if not wanted:
            continue
        values = {
            variable["name"]: variable_default(variable, language=language, kind=kind)
            for variable in clause.variables
        }
        AgreementClause.objects.create(
            agreement=agreement, clause=clause, values={k: v for k, v in values.items() if v}
        )
    version, _created = _record_version(agreement, actor)
    audit_record(
        actor=actor,
        action="agreement.start",
        target=agreement,
        data={"kind": kind, "version": version.number, "checksum": version.checksum},
    )
    _event(locked, actor, EventKind.AGREEMENT, lambda: _("The agreement was started."))
    return agreement


def _state(agreement: Agreement) -> dict[str, Any]:
    return {
        "language": agreement.language,
        "region_role": agreement.region_role,
        "clauses": {
            row.clause.key: dict(row.values)
            for row in AgreementClause.objects.filter(agreement=agreement).select_related("clause")
        },
    }


@transaction.atomic
def agreement_update(
    *,
    actor: Any,
    agreement: Agreement,
    expected_version: int,
    region_role: str,
    language: str,
    clause_keys: Iterable[str],
    values: Mapping[str, Any],
) -> Agreement:
    """Change the clauses, their values, the region's role or the language.

    Every value of a switched-on clause is required and checked by its type (errors are named by
    the variable, so forms show them beside the field). A stale `expected_version` raises
    ConcurrentEditError. If the text changes a new version is written; acceptances of earlier
    versions are voided and everyone concerned is told.
    """
    if not can_work_on_partnership(actor, agreement.partnership):
        raise PermissionDenied
    current = _lock(agreement)
    _refuse_if_final(current)
    if current.version != expected_version:
        raise ConcurrentEditError(current=current)
    errors: dict[str, list[Any]] = {}
    if region_role not in RegionRoleInAgreement.values:
        errors["region_role"] = [_("Choose the region's role.")]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose a language.")]
    library = {clause.key: clause for clause in Clause.objects.filter(active=True)}
    keys = set(clause_keys) - set(ROLE_CLAUSES.values())
    unknown = keys - set(library)
    if unknown:
        errors["clauses"] = [_("Choose clauses from the library.")]
    role_clause = ROLE_CLAUSES.get(region_role)
    if role_clause in library:
        keys.add(role_clause)
    chosen = [library[key] for key in sorted(keys & set(library), key=lambda k: library[k].order)]
    new_values: dict[str, dict[str, str]] = {}
    for clause in chosen:
        new_values[clause.key] = {}
        for variable in clause.variables:
            name = variable["name"]
            try:
                new_values[clause.key][name] = clean_value(variable, values.get(name))
            except ValidationError as exc:
                errors.setdefault(name, []).extend(exc.messages)
    dates = new_values.get("duration", {})
    start, end = dates.get("start_date"), dates.get("end_date")
    if start and end and end < start and "end_date" not in errors:
        errors["end_date"] = [_("The end date must not be before the start date.")]
    if errors:
        raise ValidationError(errors)

    before = _state(current)
    after = {"language": language, "region_role": region_role, "clauses": new_values}
    if before == after and not _text_is_stale(current):
        return current
    updated = versioned_update(
        instance=current,
        expected_version=expected_version,
        changes={"language": language, "region_role": region_role},
    )
    AgreementClause.objects.filter(agreement=updated).exclude(clause__key__in=new_values).delete()
    for clause in chosen:
        AgreementClause.objects.update_or_create(
            agreement=updated, clause=clause, defaults={"values": new_values[clause.key]}
        )
    _write_version(
        updated,
        actor,
        action="agreement.update",
        data={"before": before, "after": after},
        says=_says_updated,
    )
    return updated


def _says_updated(version: AgreementVersion, created: bool) -> str:
    if created:
        return _("Version %(number)s of the agreement was written.") % {"number": version.number}
    return _("The agreement was changed.")


def _text_is_stale(agreement: Agreement) -> bool:
    """Whether the text rendered now (parties, clause library) differs from the latest version."""
    latest = AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()
    return latest is None or latest.text != _render(agreement)


@transaction.atomic
def agreement_refresh(*, actor: Any, agreement: Agreement) -> AgreementVersion | None:
    """Re-render the text after something it names changed outside the editor (a party joined).

    If the text differs from the latest version, version N+1 is written, acceptances of earlier
    versions are voided and everyone concerned is told, exactly as after an edit. Refused once the
    agreement is in force (an agreement in force is final). Returns the new version, or None when
    the text did not change.
    """
    if not can_work_on_partnership(actor, agreement.partnership):
        raise PermissionDenied
    locked = _lock(agreement)
    if locked.status == AgreementStatus.IN_FORCE:
        raise ValidationError(
            _("The agreement is in force and can no longer be changed."), code="in_force"
        )
    version, created = _write_version(
        locked,
        actor,
        action="agreement.refresh",
        data={},
        says=lambda version, _created: (
            _("The parties changed: version %(number)s of the agreement was written.")
            % {"number": version.number}
        ),
        always=False,
    )
    return version if created else None
