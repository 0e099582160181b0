"""The partnership guidance report: where one partnership stands and what comes next.

For those who may see the partnership (the same rule as its page): the parties, the steps with
their gates, what is done and missing at the current step, the guidance for the current and the
later steps, the agreement's status and clauses, the obstacles the partnership met with the
published mitigations of their register entries, and the published obstacles the register says
commonly bite at the steps still ahead. No messages and no documents' content (titles only).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import F, Prefetch, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from obstacles.models import Mitigation, Obstacle
from obstacles.workflow import MitigationStatus, ObstacleStatus
from partnerships.models import AgreementClause, GateRole, Partnership, ProcessStep
from partnerships.permissions.base import get_partnership_for_user_or_404
from partnerships.selectors.agreements import AgreementPage, agreement_page
from partnerships.selectors.partnerships import PartnershipDetail, partnership_detail
from partnerships.services.agreements import format_amount, variable_label
from partnerships.services.agreements.values import compensation_totals
from partnerships.services.partnerships import gate_description
from portal.core.forms import PortalForm
from portal.core.i18n import current_language

from ..models import ReportKind
from .base import ReportKindBase, digest
from .freshness import aggregates_supported, partnership_hashes

# How many of the register's most met obstacles each step ahead lists.
COMMON_OBSTACLES_PER_STEP = 5


class PartnershipParams(PortalForm):
    partnership = forms.IntegerField(label=_("Partnership"), min_value=1, widget=forms.HiddenInput)


def _person(user: Any) -> str:
    """A person as the partnership page names them ("Former user" once anonymised); "" for a
    removed user."""
    if user is None:
        return ""
    return str(user.get_full_name())


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Report dates are Europe/Stockholm local time (the portal's zone)."""
    return timezone.localtime(value) if value is not None else None


def _partnership_pk(params: dict[str, Any]) -> int:
    try:
        return int(params.get("partnership") or 0)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def _partnership(params: dict[str, Any]) -> Partnership:
    pk = _partnership_pk(params)
    partnership = (
        Partnership.objects.select_related("region", "template", "current_step")
        .filter(pk=pk)
        .first()
    )
    if partnership is None:  # gone since the request: the worker fails it as "subject gone"
        raise Http404
    return partnership


def _gate(step: ProcessStep, detail: PartnershipDetail, in_force_at: Any) -> dict[str, Any]:
    """A step's gate: who must approve it and whether (by whom, when) it was."""
    approval = detail.approvals.get(step.pk)
    gate: dict[str, Any] = {
        "role": step.gate_role,
        "needed": step.gate_role != GateRole.NONE,
        "who": str(gate_description(step)),
        "role_label": str(GateRole(step.gate_role).label),
        "met": False,
        "by": "",
        "at": None,
        "comment": "",
    }
    if step.gate_role == GateRole.NONE:
        gate["met"] = True
    elif step.gate_role == GateRole.PARTIES:
        gate["met"] = detail.agreement_in_force
        gate["at"] = in_force_at if detail.agreement_in_force else None
    elif approval is not None:
        gate.update(
            met=True,
            by=_person(approval.approved_by),
            at=_local(approval.approved_at),
            comment=approval.comment,
        )
    return gate


def _checklist(step: ProcessStep, detail: PartnershipDetail) -> list[dict[str, Any]]:
    rows = []
    for item in step.checklist.all():
        check = detail.checks.get(item.pk)
        rows.append(
            {
                "text": item.text,
                "help": item.help,
                "required": item.required,
                "done": check is not None,
                "by": _person(check.checked_by) if check else "",
                "at": _local(check.checked_at) if check else None,
                "note": check.note if check else "",
            }
        )
    return rows


def _step(
    step: ProcessStep, state: str, detail: PartnershipDetail, in_force_at: Any
) -> dict[str, Any]:
    checklist = _checklist(step, detail)
    required = [row for row in checklist if row["required"]]
    return {
        "id": f"step-{step.key}",
        "key": step.key,
        "order": step.order,
        "name": step.name,
        "state": state,
        # Sanitised on write (services.process.clean_guidance), shown as the guide page shows it.
        "guidance": step.guidance,
        "documents": step.expected_documents,
        "checklist": checklist,
        "required_total": len(required),
        "required_done": sum(1 for row in required if row["done"]),
        "gate": _gate(step, detail, in_force_at),
    }


def _parties(detail: PartnershipDetail) -> list[dict[str, Any]]:
    return [
        {
            "name": str(party),
            "kind": str(party.get_kind_display()),
            "role": party.role,
            "members": [
                {"name": _person(member.user), "role": member.role}
                for member in party.members.all()
            ],
        }
        for party in detail.parties
    ]


def _clause_value(variable: dict[str, Any], value: str) -> str:
    kind = variable.get("type", "text")
    try:
        if kind in ("number", "decimal"):
            return format_amount(Decimal(value), current_language())
        if kind == "date":
            return date_format(dt.date.fromisoformat(value), "j F Y")
    except (InvalidOperation, ValueError):
        pass
    return value


def _clause(number: int, row: AgreementClause) -> dict[str, Any]:
    clause = row.clause
    values, missing = [], []
    for variable in clause.variables:
        label = variable_label(variable, current_language())
        raw = str(row.values.get(variable["name"]) or "")
        if raw:
            values.append({"label": label, "value": _clause_value(variable, raw)})
        else:
            missing.append(label)
    total = ""
    if clause.kind == "compensation":
        total = format_amount(
            compensation_totals(row.values)["total_compensation"], current_language()
        )
    return {
        "number": number,
        "title": clause.title,
        "kind": str(clause.get_kind_display()),
        "values": values,
        "missing": missing,
        "total_compensation": total,
    }


def _agreement(page: AgreementPage) -> dict[str, Any] | None:
    agreement = page.agreement
    if agreement is None:
        return None
    latest = page.latest
    return {
        "status": agreement.status,
        "status_label": str(agreement.get_status_display()),
        "in_force_at": _local(agreement.in_force_at),
        "language": str(agreement.get_language_display()),
        "region_role": str(agreement.get_region_role_display()),
        "version": latest.number if latest else None,
        "checksum": latest.checksum if latest else "",
        "version_at": _local(latest.created_at) if latest else None,
        "acceptances": [
            {
                "party": str(state.party),
                "accepted": state.acceptance is not None,
                "by": _person(state.acceptance.accepted_by) if state.acceptance else "",
                "at": _local(state.acceptance.accepted_at) if state.acceptance else None,
            }
            for state in page.party_states
        ],
        "rules": [{"text": str(text), "done": check is not None} for _k, text, check in page.rules],
        "rules_done": sum(1 for _k, _t, check in page.rules if check is not None),
        "clauses": [_clause(n, row) for n, row in enumerate(page.clause_rows, start=1)],
    }


def _entry(obstacle: Obstacle) -> dict[str, Any]:
    return {
        "number": obstacle.pk,
        "title": obstacle.title,
        "language": obstacle.language,
        "category": obstacle.category.name,
        "severity": obstacle.severity,
        "severity_label": str(obstacle.get_severity_display()),
        "met_by": obstacle.endorsement_count,
    }


def _obstacles_met(detail: PartnershipDetail) -> list[dict[str, Any]]:
    """The partnership's notes; a linked entry counts only once it is published, and then
    brings its published mitigations (two queries, however many notes)."""
    entries = [
        note.obstacle
        for note in detail.obstacle_notes
        if note.obstacle is not None and note.obstacle.status == ObstacleStatus.PUBLISHED
    ]
    prefetch_related_objects(
        entries,
        "category",
        Prefetch(
            "mitigations",
            queryset=Mitigation.objects.filter(status=MitigationStatus.PUBLISHED)
            .select_related("region")
            .order_by("-published_at", "-id"),
        ),
    )
    rows = []
    for note in sorted(detail.obstacle_notes, key=lambda n: (n.step.order, n.created_at, n.pk)):
        entry = note.obstacle
        published = entry is not None and entry.status == ObstacleStatus.PUBLISHED
        rows.append(
            {
                "step": note.step.name,
                "text": note.text,
                "by": _person(note.author),
                "at": _local(note.created_at),
                "entry": _entry(entry) if published and entry else None,
                "mitigations": [
                    {
                        "title": m.title,
                        "language": m.language,
                        # Sanitised HTML (obstacles.sanitize), shown as the mitigation page does.
                        "description": m.description,
                        "region": m.region.name if m.region else "",
                    }
                    for m in (entry.mitigations.all() if published and entry else [])
                ],
            }
        )
    return rows


def _ranked_ahead(step_keys: Any) -> QuerySet[Any]:
    """The register's published obstacles of `step_keys` (a list or a subquery of keys), ranked
    per step key: most met first, then most severe; the first five of each. The report and its
    fingerprint read the same rows."""
    return (
        Obstacle.objects.filter(status=ObstacleStatus.PUBLISHED, step_key__in=step_keys)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("step_key")],
                order_by=[F("endorsement_count").desc(), F("severity").desc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=COMMON_OBSTACLES_PER_STEP)
        .order_by("step_key", "rank")
    )


def _common_obstacles(steps: list[ProcessStep]) -> list[dict[str, Any]]:
    """Per step from the current one on: the register's published obstacles of that step key,
    most met first, then most severe; five each, in one query."""
    if not steps:
        return []
    ranked = _ranked_ahead([s.key for s in steps]).select_related("category")
    by_key: dict[str, list[dict[str, Any]]] = {}
    for obstacle in ranked:
        by_key.setdefault(obstacle.step_key, []).append(_entry(obstacle))
    return [{"order": s.order, "name": s.name, "obstacles": by_key.get(s.key, [])} for s in steps]


# The partnership's own columns the report prints (with its region, process and current step).
_PRINTED = (
    "title",
    "summary",
    "status",
    "status_reason",
    "collaboration_kind",
    "created_at",
    "last_activity_at",
    "region_id",
    "region__name_sv",
    "region__name_en",
    "template_id",
    "template__name_sv",
    "template__name_en",
    "template__revision",
    "current_step_id",
    "current_step__order",
)


class PartnershipReport(ReportKindBase):
    kind = ReportKind.PARTNERSHIP
    template_name = "reports/pdf/partnership.html"
    form_class = PartnershipParams

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"partnership:{params['partnership']}"

    def subject_url(self, params: dict[str, Any]) -> str:
        return reverse("partnerships:detail", args=[params["partnership"]])

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        """Whoever may open the partnership's page (parties' members, named people, the region's
        coordinators and sponsors, portal admins); 404 for everyone else and when it is gone."""
        get_partnership_for_user_or_404(user, params.get("partnership"))

    def title(self, params: dict[str, Any], language: str) -> str:
        return self._title(_partnership(params))

    def subtitle(self, params: dict[str, Any], language: str) -> str:
        return self._subtitle(_partnership(params))

    def heading(self, params: dict[str, Any], language: str) -> tuple[str, str]:
        """The title and the subtitle from one read of the partnership."""
        partnership = _partnership(params)
        return self._title(partnership), self._subtitle(partnership)

    @staticmethod
    def _title(partnership: Partnership) -> str:
        return gettext("Guidance report: %(title)s") % {"title": partnership.title}

    @staticmethod
    def _subtitle(partnership: Partnership) -> str:
        return gettext("%(region)s · step %(order)s: %(step)s") % {
            "region": partnership.region.name,
            "order": partnership.current_step.order,
            "step": partnership.current_step.name,
        }

    def fingerprint(self, params: dict[str, Any], language: str) -> str:
        """Changes whenever anything the report prints changes, in two queries on PostgreSQL:
        the partnership's printed columns with one MD5 per table the report reads
        (`freshness.partnership_hashes`: steps, checklists, ticks, approvals, parties and
        people, documents, notes, linked entries and their mitigations, the agreement), and the
        register's common obstacles ahead as the report ranks them. Elsewhere: the hash of the
        whole context."""
        if not aggregates_supported():
            return super().fingerprint(params, language)
        pk = _partnership_pk(params)
        hashes = partnership_hashes()
        row = (
            Partnership.objects.filter(pk=pk).annotate(**hashes).values(*_PRINTED, *hashes).first()
        )
        if row is None:  # gone since the request, as build_context says
            raise Http404
        ahead = ProcessStep.objects.filter(
            template_id=row["template_id"], order__gte=row["current_step__order"]
        ).values("key")
        common = _ranked_ahead(ahead).values_list(
            "pk",
            "step_key",
            "rank",
            "status",
            "title",
            "language",
            "severity",
            "endorsement_count",
            "category__name_sv",
            "category__name_en",
        )
        return digest([language, COMMON_OBSTACLES_PER_STEP, row, list(common)])

    def build_context(self, params: dict[str, Any], language: str) -> dict[str, Any]:
        """Everything the report shows, as plain data, in a fixed number of queries (the
        partnership page's selectors, the agreement page's selector, two for the mitigations of
        the obstacles met and one for the register's common obstacles)."""
        with translation.override(language):
            return self._context(params)

    def _context(self, params: dict[str, Any]) -> dict[str, Any]:
        partnership = _partnership(params)
        detail = partnership_detail(partnership=partnership, messages=False)
        page = agreement_page(partnership=partnership)
        in_force_at = _local(page.agreement.in_force_at) if page.agreement else None
        current = detail.current_step
        steps = [_step(row.step, row.state, detail, in_force_at) for row in detail.steps]
        ahead = [row.step for row in detail.steps if row.step.order >= current.order]
        return {
            "partnership": {
                "id": partnership.pk,
                "title": partnership.title,
                "summary": partnership.summary,
                "status": partnership.status,
                "status_label": str(partnership.get_status_display()),
                "status_reason": partnership.status_reason,
                "region": partnership.region.name,
                "collaboration_kind": str(partnership.get_collaboration_kind_display()),
                "process": partnership.template.name,
                "process_revision": partnership.template.revision,
                "started": _local(partnership.created_at),
                "last_activity": _local(partnership.last_activity_at),
                "steps_total": len(steps),
            },
            "parties": _parties(detail),
            "steps": steps,
            "current": next(s for s in steps if s["state"] == "current"),
            "later_steps": [s for s in steps if s["state"] == "upcoming"],
            "blockers": [str(b) for b in detail.blockers],
            "documents": [
                {
                    "title": d.title,
                    "step": d.step.name if d.step else "",
                    "at": _local(d.created_at),
                }
                for d in detail.documents
            ],
            "agreement": _agreement(page),
            "obstacles_met": _obstacles_met(detail),
            "common_obstacles": _common_obstacles(ahead),
            "common_per_step": COMMON_OBSTACLES_PER_STEP,
        }
