"""Every write to an agreement: starting it, editing clauses and values, confirming the SKR rules,
accepting a version, and putting it in force.

The rules they enforce:
- an agreement is started only at the agreement step of an active partnership, once;
- the text is rendered from the clause library in the agreement's language; a change of text
  makes a new version with its SHA-256, and any acceptance of an earlier version is voided and
  everyone concerned is told ("any change after an acceptance creates a new version");
- a party accepts the latest version only, by its number and checksum as they saw it, and only
  once every collaboration rule (samverkansregel) is confirmed;
- when every party has accepted the latest version the agreement is in force and final.

Each write locks the Agreement row, writes an audit row and a timeline event, and touches the
partnership's `last_activity_at`. Mail goes out after commit.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Membership, User
from portal.core.audit import audit_record
from portal.core.concurrency import ConcurrentEditError, versioned_update
from portal.core.i18n import in_each_language
from portal.core.notifications import MailKind, notify
from regions.models import RegionAssignment, RegionRole

from ..agreement_rules import COLLABORATION_RULES, RULE_KEYS
from ..models import (
    Agreement,
    AgreementAcceptance,
    AgreementClause,
    AgreementVersion,
    Clause,
    CollaborationKind,
    EventKind,
    Partnership,
    PartnershipEvent,
    PartnershipParty,
    PartyKind,
    PartyMember,
    RegionRoleInAgreement,
    RuleCheck,
)
from ..permissions.agreements import may_act_for_party
from ..permissions.base import can_work_on_partnership
from ..workflow import AgreementStatus, PartnershipStatus

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
TEXT_MAX = 300
NUMBER_MAX = 1_000_000
DECIMAL_MAX = Decimal("100000000")
WHOLE_NUMBER = re.compile(r"[0-9]+", re.ASCII)
AMOUNT = re.compile(r"[0-9]+(?:[.,][0-9]+)?", re.ASCII)

# The agreement's own wording is fixed per language (not taken from the translation catalogs), so
# a changed translation never changes the text, and with it the checksum, of a signed agreement.
WORDING: dict[str, dict[str, str]] = {
    "sv": {
        "heading": "SAMVERKANSAVTAL",
        "parties": "Parter",
        "org_number": "organisationsnummer",
        "region_role": "Regionens roll",
        "kind": "Samverkansform",
        RegionRoleInAgreement.CUSTOMER: "Regionen som kund",
        RegionRoleInAgreement.DEVELOPMENT_PARTNER: "Regionen som utvecklingspartner",
        CollaborationKind.TEST_BED: "Test i testbädd",
        CollaborationKind.CLINICAL_EVALUATION: "Klinisk utvärdering",
        CollaborationKind.CO_DEVELOPMENT: "Samutveckling",
        CollaborationKind.NEEDS_DIALOGUE: "Behovsdialog",
        CollaborationKind.OTHER: "Annan samverkan",
    },
    "en": {
        "heading": "COLLABORATION AGREEMENT",
        "parties": "Parties",
        "org_number": "organisation number",
        "region_role": "The region's role",
        "kind": "Kind of collaboration",
        RegionRoleInAgreement.CUSTOMER: "The region as customer",
        RegionRoleInAgreement.DEVELOPMENT_PARTNER: "The region as development partner",
        CollaborationKind.TEST_BED: "Test in a test bed",
        CollaborationKind.CLINICAL_EVALUATION: "Clinical evaluation",
        CollaborationKind.CO_DEVELOPMENT: "Co-development",
        CollaborationKind.NEEDS_DIALOGUE: "Needs dialogue",
        CollaborationKind.OTHER: "Other collaboration",
    },
}


# --- Values ------------------------------------------------------------------------------------


def _lang(language: str) -> str:
    return "en" if language == "en" else "sv"


def variable_label(variable: Mapping[str, Any], language: str) -> str:
    return str(variable.get(f"label_{_lang(language)}") or variable.get("label_sv") or "")


def variable_default(variable: Mapping[str, Any], *, language: str, kind: str) -> str:
    lang = _lang(language)
    by_kind = (variable.get("kind_defaults") or {}).get(kind) or {}
    if by_kind.get(lang):
        return str(by_kind[lang])
    return str(variable.get(f"default_{lang}") or variable.get("default") or "")


def clean_value(variable: Mapping[str, Any], raw: Any) -> str:
    """The value in its stored form (digits, `1234.50`, ISO date, or trimmed text), or a
    ValidationError saying what is wrong. Values are data: they are never evaluated."""
    kind = variable.get("type", "text")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(_("Fill in this value."))
    if kind == "number":
        text = str(raw).strip()
        # Plain ASCII digits only: int() would also take "1_000", "+5" or other scripts' digits.
        if isinstance(raw, bool) or not WHOLE_NUMBER.fullmatch(text):
            raise ValidationError(_("Enter a whole number with digits only, such as 120."))
        digits = text.lstrip("0") or "0"
        if len(digits) > len(str(NUMBER_MAX)) or int(digits) > NUMBER_MAX:
            raise ValidationError(
                _("Enter a number between 0 and %(max)s.") % {"max": f"{NUMBER_MAX:,}"}
            )
        return digits
    if kind == "decimal":
        text = str(raw).strip()
        # Digits with at most one decimal comma or point: Decimal() would also take "1e3",
        # "NaN", "Infinity" or "1_000".
        if isinstance(raw, bool) or not AMOUNT.fullmatch(text):
            raise ValidationError(
                _(
                    "Enter an amount with digits and at most one decimal separator, such as 850 "
                    "or 850,50."
                )
            )
        whole, _sep, fraction = text.replace(",", ".").partition(".")
        if len(fraction.rstrip("0")) > 2:
            raise ValidationError(_("Use at most two decimals."))
        whole = whole.lstrip("0") or "0"
        amount = Decimal(f"{whole}.{fraction or '0'}") if len(whole) < 20 else DECIMAL_MAX + 1
        if amount > DECIMAL_MAX:
            raise ValidationError(
                _("Enter an amount between 0 and %(max)s.") % {"max": f"{DECIMAL_MAX:,.0f}"}
            )
        return f"{amount.quantize(Decimal('0.01'))}"
    if kind == "date":
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError as exc:
            raise ValidationError(_("Enter a date as 2026-11-25.")) from exc
    text = " ".join(str(raw).split())
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("Use at most %(max)s characters (it has %(count)s).")
            % {"max": TEXT_MAX, "count": len(text)}
        )
    return text


def format_amount(amount: Decimal, language: str) -> str:
    """SEK as Swedish or English readers expect: `12 500` / `12,500`, `850,50` / `850.50`."""
    amount = amount.quantize(Decimal("0.01"))
    whole = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    if _lang(language) == "sv":
        return whole.replace(",", " ").replace(".", ",")
    return whole


def _display(variable: Mapping[str, Any], value: str, language: str) -> str:
    if variable.get("type") == "decimal":
        return format_amount(Decimal(value), language)
    if variable.get("type") == "number":
        return format_amount(Decimal(value), language)
    return value


def compensation_totals(values: Mapping[str, str]) -> dict[str, Decimal]:
    """Hours × rate for staff and for test resources, and their sum (missing values count 0)."""

    def num(name: str) -> Decimal:
        try:
            return Decimal(values.get(name) or "0")
        except InvalidOperation:
            return Decimal("0")

    staff = num("staff_hours") * num("staff_rate")
    test = num("test_resource_hours") * num("test_resource_rate")
    return {"staff_total": staff, "test_resource_total": test, "total_compensation": staff + test}


class _Filled(dict):  # type: ignore[type-arg]
    """Names that were not filled in stay visible as `{name}` instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# --- The text ----------------------------------------------------------------------------------


def _party_line(party: PartnershipParty, language: str) -> str:
    words = WORDING[_lang(language)]
    if party.kind == PartyKind.REGION and party.region is not None:
        region = party.region
        name = region.name_en if _lang(language) == "en" and region.name_en else region.name_sv
        return f"{name} – {party.unit.name}" if party.unit is not None else name
    organisation = party.organisation
    if organisation is None:
        return str(party)
    return f"{organisation.name}, {words['org_number']} {organisation.org_number}"


def agreement_render_text(
    *,
    partnership: Partnership,
    parties: Iterable[PartnershipParty],
    language: str,
    region_role: str,
    items: Iterable[tuple[Clause, Mapping[str, str]]],
) -> str:
    """The agreement as plain text: header with parties and the region's role, then each clause
    with its variables filled in (only the declared names; values are inserted, never parsed)."""
    lang = _lang(language)
    words = WORDING[lang]
    lines = [words["heading"], partnership.title, "", words["parties"]]
    lines += [f"- {_party_line(party, lang)}" for party in parties]
    lines += [
        "",
        f"{words['region_role']}: {words.get(region_role, region_role)}",
        f"{words['kind']}: {words.get(partnership.collaboration_kind, '')}",
    ]
    for number, (clause, values) in enumerate(items, start=1):
        filled = _Filled()
        for variable in clause.variables:
            name = variable["name"]
            if values.get(name):
                filled[name] = _display(variable, values[name], lang)
        if clause.kind == "compensation":
            for name, amount in compensation_totals(values).items():
                filled[name] = format_amount(amount, lang)
        title = getattr(clause, f"title_{lang}") or clause.title_sv
        body = getattr(clause, f"body_{lang}") or clause.body_sv
        lines += ["", f"{number}. {title}", body.format_map(filled)]
    return "\n".join(lines).rstrip() + "\n"


def checksum_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def region_first(parties: Iterable[PartnershipParty]) -> list[PartnershipParty]:
    """The region party first, then the others in the order they joined."""
    return sorted(parties, key=lambda party: (party.kind != PartyKind.REGION, party.pk))


def _parties(partnership: Partnership) -> list[PartnershipParty]:
    return region_first(
        PartnershipParty.objects.filter(partnership=partnership).select_related(
            "region", "unit", "organisation"
        )
    )


def _render(agreement: Agreement) -> str:
    rows = AgreementClause.objects.filter(agreement=agreement).select_related("clause")
    return agreement_render_text(
        partnership=agreement.partnership,
        parties=_parties(agreement.partnership),
        language=agreement.language,
        region_role=agreement.region_role,
        items=[(row.clause, row.values) for row in rows],
    )


def _record_version(agreement: Agreement, actor: Any) -> tuple[AgreementVersion, bool]:
    """A new version when the rendered text differs from the latest one."""
    text = _render(agreement)
    latest = AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()
    if latest is not None and latest.text == text:
        return latest, False
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=(latest.number + 1) if latest else 1,
        text=text,
        checksum=checksum_of(text),
        created_by=_person(actor),
    )
    return version, True


def _void_acceptances(agreement: Agreement, *, before: int | None = None) -> int:
    """Void the standing acceptances (only those of versions before `before`, if given)."""
    acceptances = AgreementAcceptance.objects.filter(
        version__agreement=agreement, voided_at__isnull=True
    )
    if before is not None:
        acceptances = acceptances.filter(version__number__lt=before)
    return acceptances.update(voided_at=timezone.now())


def _tell_acceptances_voided(
    agreement: Agreement,
    actor: Any,
    version: AgreementVersion,
    *,
    template: str,
    extra: Mapping[str, Any] | None = None,
) -> None:
    notify(
        users=agreement_people(agreement.partnership),
        template=template,
        context={
            "partnership": agreement.partnership,
            "agreement": agreement,
            "version": version,
            "actor": _person(actor),
            **(extra or {}),
        },
        kind=MailKind.AGREEMENT_VERSION,
    )


def _write_version(
    agreement: Agreement,
    actor: Any,
    *,
    action: str,
    data: Mapping[str, Any],
    says: Callable[[AgreementVersion, bool], Any],
    always: bool = True,
) -> tuple[AgreementVersion, bool]:
    """The one path after anything that may change the text: a new version when the rendered
    text differs from the latest one, acceptances of earlier versions voided, an audit row and a
    timeline event (`says(version, created)`), and everyone told when acceptances were voided.
    With `always=False` nothing is recorded when the text did not change."""
    version, created = _record_version(agreement, actor)
    if not created and not always:
        return version, created
    voided = _void_acceptances(agreement, before=version.number) if created else 0
    audit_record(
        actor=actor,
        action=action,
        target=agreement,
        data={
            **data,
            "version": version.number,
            "checksum": version.checksum,
            "acceptances_voided": voided,
        },
    )
    _event(agreement.partnership, actor, EventKind.AGREEMENT, lambda: says(version, created))
    if voided:
        _tell_acceptances_voided(
            agreement, actor, version, template="partnerships/email/agreement_version"
        )
    return version, created


# --- Helpers for every write -------------------------------------------------------------------


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(partnership: Partnership, actor: Any, kind: str, says: Callable[[], Any]) -> None:
    """A timeline entry in every language (`says` renders it), so each reader sees their own."""
    PartnershipEvent.objects.create(
        partnership=partnership, actor=_person(actor), kind=kind, texts=in_each_language(says)
    )
    Partnership.objects.filter(pk=partnership.pk).update(last_activity_at=timezone.now())


def _lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("partnership", "partnership__region", "partnership__current_step")
        .get(pk=agreement.pk)
    )


def _refuse_if_final(agreement: Agreement) -> None:
    if agreement.status == AgreementStatus.IN_FORCE:
        raise ValidationError(
            _("The agreement is in force and can no longer be changed."), code="in_force"
        )
    if agreement.partnership.status != PartnershipStatus.ACTIVE:
        raise ValidationError(
            _("The partnership is not active, so its agreement cannot be changed now."),
            code="inactive",
        )


def agreement_people(partnership: Partnership) -> list[Any]:
    """Everyone the agreement concerns: people named for a party, members of the party
    organisations and the region's coordinators."""
    org_ids = PartnershipParty.objects.filter(
        partnership=partnership, organisation__isnull=False
    ).values("organisation_id")
    user_ids = set(
        PartyMember.objects.filter(party__partnership=partnership).values_list("user_id", flat=True)
    )
    user_ids |= set(
        Membership.objects.filter(organisation_id__in=org_ids).values_list("user_id", flat=True)
    )
    user_ids |= set(
        RegionAssignment.objects.filter(
            region_id=partnership.region_id, role=RegionRole.COORDINATOR
        ).values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


# --- Services ----------------------------------------------------------------------------------


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
