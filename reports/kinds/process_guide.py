"""The Co-sharing process guide: every step of the default template or a region's variant.

Public, like the web guide (partnerships:guide). The report shows the template the guide page
shows for the same choice: a region's own current variant, or the national default (and then
says that the region follows it). Its version is "<revision>.<edits recorded on this revision>";
its change log is the template family's audit trail and, for a region's variant, the default's
trail up to the moment the region copied it.
"""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships.models import ChecklistItem, GateRole, ProcessTemplate
from partnerships.selectors.dashboards import DEFAULT_FAMILY
from portal.accounts.roles import Role
from portal.core.forms import PortalForm
from portal.core.models import AuditEvent
from regions.models import Region

from ..models import ReportKind
from .base import ReportKindBase

TEMPLATE_TARGET = "partnerships.processtemplate"
# Audit actions that change a revision's content; copy and revise create a revision instead.
EDIT_ACTIONS = (
    "process_template.step_update",
    "process_template.item_add",
    "process_template.item_update",
    "process_template.item_remove",
)


class ProcessGuideParams(PortalForm):
    # A region's slug, or empty for the national default template.
    region = forms.SlugField(
        label=gettext_lazy("Region"), required=False, max_length=60, widget=forms.HiddenInput
    )


def _field_labels() -> dict[str, str]:
    """What a changed step or checklist field is called in the change log (active language)."""
    return {
        "name_sv": _("name (Swedish)"),
        "name_en": _("name (English)"),
        "guidance_sv": _("guidance (Swedish)"),
        "guidance_en": _("guidance (English)"),
        "documents_sv": _("expected documents (Swedish)"),
        "documents_en": _("expected documents (English)"),
        "gate_role": _("gate"),
        "text_sv": _("text (Swedish)"),
        "text_en": _("text (English)"),
        "help_sv": _("help text (Swedish)"),
        "help_en": _("help text (English)"),
        "required": _("required or optional"),
    }


def _region(params: dict[str, Any]) -> Region | None:
    """The region the params name (None for the national default); 404 for an unknown slug."""
    slug = params.get("region") or ""
    if not slug:
        return None
    region = Region.objects.filter(slug=slug).first()
    if region is None:
        raise Http404
    return region


def _default_template() -> ProcessTemplate | None:
    return ProcessTemplate.objects.filter(
        region__isnull=True, is_current=True, family=DEFAULT_FAMILY
    ).first()


def _resolve(params: dict[str, Any]) -> tuple[Region | None, ProcessTemplate, bool]:
    """The region, the template the guide shows for it, and whether the region follows the
    national default (same choice as the web guide page). 404 when there is no template."""
    region = _region(params)
    template = None
    if region is not None:
        template = ProcessTemplate.objects.filter(region=region, is_current=True).first()
    follows_default = region is not None and template is None
    if template is None:
        template = _default_template()
    if template is None:
        raise Http404
    return region, template, follows_default


def _gate(step: Any) -> dict[str, Any]:
    labels = {
        GateRole.NONE: _("No approval is needed to move on."),
        GateRole.COORDINATOR: _("A region coordinator approves before the partnership moves on."),
        GateRole.SPONSOR: _(
            "The region's management sponsor approves before the partnership moves on."
        ),
        GateRole.PARTIES: _(
            "All parties: the partnership moves on when the agreement is in force."
        ),
    }
    agreement_note = ""
    if step.is_agreement_step:
        agreement_note = _(
            "The gate of this step is the parties' signed agreement: when every party has "
            "signed, the agreement is in force and the partnership may move on."
        )
    return {
        "role": step.gate_role,
        "text": str(labels.get(step.gate_role, "")),
        "agreement_note": agreement_note,
    }


def _steps(template: ProcessTemplate) -> list[dict[str, Any]]:
    steps = template.steps.order_by("order").prefetch_related(
        Prefetch("checklist", queryset=ChecklistItem.objects.order_by("order"))
    )
    return [
        {
            "order": step.order,
            "key": step.key,
            "anchor": f"step-{step.key}",
            "name": step.name,
            # Stored sanitised (services.process.clean_guidance); shown as the web guide does.
            "guidance": step.guidance,
            "documents": step.expected_documents,
            "gate": _gate(step),
            "is_agreement_step": step.is_agreement_step,
            "checklist": [
                {"text": item.text, "help": item.help, "required": item.required}
                for item in step.checklist.all()
            ],
        }
        for step in steps
    ]


def _history_events(template: ProcessTemplate) -> tuple[list[AuditEvent], dict[int, Any]]:
    """The family's audit events and, for a region's variant, the default's events up to the
    copy. Returns the events and the templates they point at (pk → revision, region)."""
    revisions = {
        row["pk"]: row
        for row in ProcessTemplate.objects.filter(family=template.family).values(
            "pk", "revision", "region_id", "family"
        )
    }
    events = list(
        AuditEvent.objects.filter(
            target_type=TEMPLATE_TARGET, target_id__in=[str(pk) for pk in revisions]
        ).select_related("actor")
    )
    copies = [e for e in events if e.action == "process_template.copy"]
    if copies:
        copy = max(copies, key=lambda e: (e.created_at, e.pk))
        source = ProcessTemplate.objects.filter(pk=copy.data.get("from")).first()
        if source is not None:
            earlier = {
                row["pk"]: row
                for row in ProcessTemplate.objects.filter(
                    family=source.family, revision__lte=source.revision
                ).values("pk", "revision", "region_id", "family")
            }
            events += list(
                AuditEvent.objects.filter(
                    target_type=TEMPLATE_TARGET,
                    target_id__in=[str(pk) for pk in earlier],
                    created_at__lte=copy.created_at,
                ).select_related("actor")
            )
            revisions.update(earlier)
    events.sort(key=lambda e: (e.created_at, e.pk), reverse=True)
    return events, revisions


def _admin_ids(actor_ids: set[int]) -> set[int]:
    if not actor_ids:
        return set()
    return set(
        get_user_model()
        .objects.filter(pk__in=actor_ids)
        .filter(Q(is_superuser=True) | Q(groups__name=Role.PORTAL_ADMIN.value))
        .values_list("pk", flat=True)
    )


def _change_log(
    events: list[AuditEvent],
    revisions: dict[int, Any],
    step_names: dict[str, str],
    region_names: dict[int, str],
) -> list[dict[str, Any]]:
    """Newest first: when (Stockholm), which revision, what changed in words, by which role.

    "By whom" names the role, not the person: the guide is public and handed around as a file,
    and portal admins are not named anywhere public. Only a portal admin may edit the default
    and only the region's coordinators (or an admin) its variant, so the role is exact.
    """
    item_ids = [
        int(e.data["item"])
        for e in events
        if e.action == "process_template.item_update" and str(e.data.get("item", "")).isdigit()
    ]
    item_steps = (
        dict(ChecklistItem.objects.filter(pk__in=item_ids).values_list("pk", "step__key"))
        if item_ids
        else {}
    )
    admins = _admin_ids({e.actor_id for e in events if e.actor_id is not None})
    labels = _field_labels()

    def step_name(key: Any) -> str:
        return step_names.get(str(key), str(key or "?"))

    def fields(names: Any) -> str:
        return ", ".join(labels.get(str(name), str(name)) for name in names or [])

    log = []
    for event in events:
        target = revisions.get(int(event.target_id)) if event.target_id.isdigit() else None
        revision = target["revision"] if target else None
        region_id = target["region_id"] if target else None
        data = event.data or {}
        if event.action == "process_template.copy":
            source = revisions.get(int(data.get("from") or 0))
            what = _("Copied from the national default (revision %(revision)s).") % {
                "revision": source["revision"] if source else "?"
            }
        elif event.action == "process_template.revise":
            what = _(
                "New revision %(revision)s: partnerships already run on the previous one, "
                "so they keep it."
            ) % {"revision": revision or "?"}
        elif event.action == "process_template.step_update":
            what = _("The step “%(step)s”: changed %(fields)s.") % {
                "step": step_name(data.get("step")),
                "fields": fields(data.get("fields")),
            }
        elif event.action == "process_template.item_add":
            what = _("The step “%(step)s”: a checklist item added.") % {
                "step": step_name(data.get("step"))
            }
        elif event.action == "process_template.item_update":
            key = item_steps.get(int(data["item"])) if str(data.get("item", "")).isdigit() else None
            if key:
                what = _("The step “%(step)s”: a checklist item's %(fields)s changed.") % {
                    "step": step_name(key),
                    "fields": fields(data.get("fields")),
                }
            else:
                what = _("A checklist item's %(fields)s changed.") % {
                    "fields": fields(data.get("fields"))
                }
        elif event.action == "process_template.item_remove":
            what = _("The step “%(step)s”: a checklist item removed.") % {
                "step": step_name(data.get("step"))
            }
        else:
            continue
        if event.actor_id is None:
            by = _("Not recorded")
        elif event.actor_id in admins or region_id is None:
            by = _("Portal administration")
        else:
            by = _("Coordinator, %(region)s") % {"region": region_names.get(region_id, "")}
        log.append(
            {
                "when": timezone.localtime(event.created_at),
                "revision": revision,
                "what": what,
                "by": by,
            }
        )
    return log


class ProcessGuideReport(ReportKindBase):
    kind = ReportKind.PROCESS_GUIDE
    template_name = "reports/pdf/process_guide.html"
    form_class = ProcessGuideParams
    public = True

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"guide:{params.get('region') or 'national'}"

    def subject_url(self, params: dict[str, Any]) -> str:
        url = reverse("partnerships:guide")
        return f"{url}?region={params['region']}" if params.get("region") else url

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        """Public: anyone may have the guide. 404 only for an unknown region.

        Reads at most the region (subject pages call this for the panel); a portal without any
        process template fails later, in `build_context`, with the same 404."""
        _region(params)

    def build_context(self, params: dict[str, Any], language: str) -> dict[str, Any]:
        # `language` made active here too: the default fingerprint calls this directly.
        with translation.override(language):
            return self._context(params)

    def _context(self, params: dict[str, Any]) -> dict[str, Any]:
        region, template, follows_default = _resolve(params)
        steps = _steps(template)
        region_ids = {pk for pk in (template.region_id, region.pk if region else None) if pk}
        region_names = {r.pk: r.name for r in Region.objects.filter(pk__in=region_ids)}
        events, revisions = _history_events(template)
        # The version counts the edits recorded on this revision (copy/revise create it).
        edits = sum(
            1 for e in events if e.target_id == str(template.pk) and e.action in EDIT_ACTIONS
        )
        return {
            "guide": {
                "name": template.name,
                "description": template.description,
                "revision": template.revision,
                "version": f"{template.revision}.{edits}",
                "is_region_variant": template.region_id is not None,
            },
            "region": {"name": region.name, "slug": region.slug} if region else None,
            "follows_default": follows_default,
            "steps": steps,
            "changes": _change_log(
                events, revisions, {s["key"]: s["name"] for s in steps}, region_names
            ),
        }

    def title(self, params: dict[str, Any], language: str) -> str:
        """Names the region, so guides of several regions do not share a file name."""
        with translation.override(language):
            region = _region(params)
            if region is None:
                return _("The Co-sharing process guide")
            return _("The Co-sharing process guide – %(region)s") % {"region": region.name}

    def subtitle(self, params: dict[str, Any], language: str) -> str:
        with translation.override(language):
            region, _template, follows_default = _resolve(params)
            if region is None:
                return _("The national default process")
            if follows_default:
                return _("%(region)s follows the national process") % {"region": region.name}
            return _("The process of %(region)s") % {"region": region.name}
