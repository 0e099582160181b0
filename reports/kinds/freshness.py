"""Cheap fingerprints of what the partnership and agreement reports print, on PostgreSQL.

The request's page and the download recompute a ready report's fingerprint on every view (is
the file still the data as it is now?), so it must cost a few queries, not the report's own.
Here each table the report reads becomes one scalar subquery: the MD5 of the printed columns
of its rows, in id order (`md5(string_agg(jsonb_build_object(…)::text, ',' ORDER BY id))`).
That is exact: an insert, a delete and any change of a printed value change it, including values
changed with `.update()` and the names of people (users have no `updated_at`). Columns of
other languages are hashed too (a report prints the Swedish or the English one, with fallback),
and the report's language is part of the digest. Nothing here is printed itself: it only needs
to change whenever the print would.

Other databases (SQLite, `make run`) have neither `md5` nor `jsonb`: the kinds fall back to the
hash of their whole context there (exact, and slower).
"""

from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import (
    Expression,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import MD5, Cast, JSONObject

from obstacles.models import Mitigation, Obstacle
from partnerships.models import (
    Agreement,
    AgreementAcceptance,
    AgreementClause,
    AgreementVersion,
    ChecklistCheck,
    ChecklistItem,
    GateApproval,
    ObstacleNote,
    PartnershipDocument,
    PartnershipParty,
    PartyMember,
    ProcessStep,
    RuleCheck,
)


def aggregates_supported() -> bool:
    """The one-statement fingerprints need PostgreSQL (md5, jsonb_build_object, string_agg)."""
    return connection.vendor == "postgresql"


def rows_hash(rows: QuerySet[Any], **columns: Expression | F | str) -> Subquery:
    """A scalar subquery: the MD5 of `columns` of every row of `rows`, in id order (NULL when
    there is none). A column is a field path ("user__name") or an expression."""
    fields = {
        name: F(column) if isinstance(column, str) else column for name, column in columns.items()
    }
    row = Cast(JSONObject(id=F("pk"), **fields), TextField())
    return Subquery(
        rows.order_by()
        # A constant is not grouped by: one aggregate row over the whole selection.
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(digest=MD5(StringAgg(row, delimiter=",", order_by="pk")))
        .values("digest"),
        output_field=TextField(),
    )


def person(path: str) -> dict[str, str]:
    """The columns that make a person's name as the reports print it (`get_full_name`: the
    name, else the email, "Former user" once anonymised; nobody once removed)."""
    return {
        f"{path}_id": f"{path}_id",
        f"{path}_name": f"{path}__name",
        f"{path}_email": f"{path}__email",
        f"{path}_anonymised": f"{path}__anonymised_at",
    }


def _both(path: str, field: str) -> dict[str, str]:
    """A translated field's Swedish and English columns."""
    prefix = f"{path}__" if path else ""
    key = path.replace("__", "_") + "_" if path else ""
    return {f"{key}{field}_sv": f"{prefix}{field}_sv", f"{key}{field}_en": f"{prefix}{field}_en"}


# --- What the reports read, per table, for the partnership of the outer query -------------------


def parties_hash() -> Subquery:
    """The parties as printed (`str(party)`: the organisation, the region or region – unit)."""
    return rows_hash(
        PartnershipParty.objects.filter(partnership_id=OuterRef("pk")),
        kind="kind",
        role="role",
        organisation_id="organisation_id",
        organisation_name="organisation__name",
        region_id="region_id",
        **_both("region", "name"),
        unit_id="unit_id",
        unit_name="unit__name",
    )


def party_members_hash() -> Subquery:
    return rows_hash(
        PartyMember.objects.filter(party__partnership_id=OuterRef("pk")),
        party_id="party_id",
        role="role",
        created_at="created_at",
        **person("user"),
    )


def agreement_hashes() -> dict[str, Subquery]:
    """The agreement, its versions (with the text), the acceptances and the rules confirmed."""
    return {
        "hash_agreement": rows_hash(
            Agreement.objects.filter(partnership_id=OuterRef("pk")),
            status="status",
            in_force_at="in_force_at",
            language="language",
            region_role="region_role",
        ),
        "hash_versions": rows_hash(
            AgreementVersion.objects.filter(agreement__partnership_id=OuterRef("pk")),
            number="number",
            checksum="checksum",
            text="text",
            created_at="created_at",
            **person("created_by"),
        ),
        "hash_acceptances": rows_hash(
            AgreementAcceptance.objects.filter(version__agreement__partnership_id=OuterRef("pk")),
            version_id="version_id",
            party_id="party_id",
            accepted_at="accepted_at",
            checksum="checksum",
            voided_at="voided_at",
            **person("accepted_by"),
        ),
        "hash_rules": rows_hash(
            RuleCheck.objects.filter(agreement__partnership_id=OuterRef("pk")),
            rule="rule",
            checked_at="checked_at",
            **person("checked_by"),
        ),
    }


def partnership_hashes() -> dict[str, Subquery]:
    """Everything else the guidance report prints beside the partnership row itself: the
    steps of its template revision, their checklists, its ticks and valid gate approvals, the
    parties and their people, documents, obstacle notes, the register entries they link with
    their mitigations, and the agreement with its clauses. (The common obstacles ahead are
    ranked by the register: `PartnershipReport.fingerprint` reads those rows themselves.)"""
    template = OuterRef("template_id")
    linked = ObstacleNote.objects.filter(
        partnership_id=OuterRef(OuterRef("pk")), obstacle__isnull=False
    ).values("obstacle_id")
    return {
        "hash_steps": rows_hash(
            ProcessStep.objects.filter(template_id=template),
            order="order",
            key="key",
            **_both("", "name"),
            **_both("", "guidance"),
            **_both("", "documents"),
            gate_role="gate_role",
        ),
        "hash_items": rows_hash(
            ChecklistItem.objects.filter(step__template_id=template),
            step_id="step_id",
            order="order",
            **_both("", "text"),
            **_both("", "help"),
            required="required",
        ),
        "hash_checks": rows_hash(
            ChecklistCheck.objects.filter(partnership_id=OuterRef("pk")),
            item_id="item_id",
            checked_at="checked_at",
            note="note",
            **person("checked_by"),
        ),
        "hash_approvals": rows_hash(
            GateApproval.objects.filter(partnership_id=OuterRef("pk"), voided_at__isnull=True),
            step_id="step_id",
            approved_at="approved_at",
            comment="comment",
            **person("approved_by"),
        ),
        "hash_parties": parties_hash(),
        "hash_members": party_members_hash(),
        "hash_documents": rows_hash(
            PartnershipDocument.objects.filter(partnership_id=OuterRef("pk")),
            title="title",
            step_id="step_id",
            created_at="created_at",
        ),
        "hash_notes": rows_hash(
            ObstacleNote.objects.filter(partnership_id=OuterRef("pk")),
            step_id="step_id",
            text="text",
            created_at="created_at",
            obstacle_id="obstacle_id",
            **person("author"),
        ),
        "hash_entries": rows_hash(
            Obstacle.objects.filter(pk__in=linked),
            status="status",
            title="title",
            language="language",
            severity="severity",
            endorsement_count="endorsement_count",
            category_id="category_id",
            **_both("category", "name"),
        ),
        "hash_mitigations": rows_hash(
            Mitigation.obstacles.through.objects.filter(obstacle_id__in=linked),
            obstacle_id="obstacle_id",
            mitigation_id="mitigation_id",
            status="mitigation__status",
            title="mitigation__title",
            language="mitigation__language",
            description="mitigation__description",
            published_at="mitigation__published_at",
            region_id="mitigation__region_id",
            **_both("mitigation__region", "name"),
        ),
        **agreement_hashes(),
        "hash_clauses": rows_hash(
            AgreementClause.objects.filter(agreement__partnership_id=OuterRef("pk")),
            clause_id="clause_id",
            values="values",
            kind="clause__kind",
            order="clause__order",
            key="clause__key",
            **_both("clause", "title"),
            variables="clause__variables",
        ),
    }
