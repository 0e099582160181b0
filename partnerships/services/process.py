"""Writes to process templates: a region's own copy, and edits of steps and checklists.

A template that any partnership runs on is never changed in place. The first edit makes a new
revision (a full copy with revision + 1 that becomes the current one) and the change lands on the
copy, so running partnerships keep the steps, guidance and checklists they started with.
"""

from typing import Any

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from regions.models import Region

from ..models import ChecklistItem, GateRole, Partnership, ProcessStep, ProcessTemplate
from ..permissions.process import can_copy_template_for_region, can_edit_template

GUIDANCE_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "br"}
STEP_FIELDS = (
    "name_sv",
    "name_en",
    "guidance_sv",
    "guidance_en",
    "documents_sv",
    "documents_en",
    "gate_role",
)
ITEM_FIELDS = ("text_sv", "text_en", "help_sv", "help_en", "required")


def clean_guidance(html: str) -> str:
    """Guidance HTML reduced to paragraphs, lists, emphasis, headings and safe links.

    Pages render guidance as is, so everything else (scripts, styles, event handlers, images,
    javascript: links) is removed here, on write.
    """
    return nh3.clean(
        html or "",
        tags=GUIDANCE_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        clean_content_tags={"script", "style"},
    ).strip()


def _copy(
    template: ProcessTemplate,
    *,
    actor: Any,
    family: str,
    revision: int,
    region: Any,
    name_sv: str | None = None,
    name_en: str | None = None,
) -> ProcessTemplate:
    new = ProcessTemplate.objects.create(
        family=family,
        revision=revision,
        is_current=True,
        region=region,
        name_sv=name_sv or template.name_sv,
        name_en=name_en or template.name_en,
        description_sv=template.description_sv,
        description_en=template.description_en,
        based_on=template,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    steps = list(template.steps.prefetch_related("checklist").order_by("order"))
    for step in steps:
        new_step = ProcessStep.objects.create(
            template=new,
            order=step.order,
            key=step.key,
            name_sv=step.name_sv,
            name_en=step.name_en,
            guidance_sv=step.guidance_sv,
            guidance_en=step.guidance_en,
            documents_sv=step.documents_sv,
            documents_en=step.documents_en,
            gate_role=step.gate_role,
        )
        ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(
                    step=new_step,
                    order=item.order,
                    text_sv=item.text_sv,
                    text_en=item.text_en,
                    help_sv=item.help_sv,
                    help_en=item.help_en,
                    required=item.required,
                )
                for item in step.checklist.all()
            ]
        )
    return new


@transaction.atomic
def template_copy_for_region(
    *, actor: Any, template: ProcessTemplate, region: Any
) -> ProcessTemplate:
    """Give a region its own variant: a copy of `template` in the family `region-<slug>`.

    A region's coordinators (or a portal admin) do this once; new partnerships of the region then
    run on the copy. Partnerships already running keep their template. Only the national default
    is copied. Two coordinators pressing at once get one copy: the region row is locked before the
    check, and the unique constraints answer any race the lock does not cover.
    """
    if not can_copy_template_for_region(actor, region):
        raise PermissionDenied
    if template.region_id is not None:
        raise PermissionDenied
    region = Region.objects.select_for_update().get(pk=region.pk)
    already = ValidationError(_("The region already has its own process template."))
    if ProcessTemplate.objects.filter(region=region, is_current=True).exists():
        raise already
    family = f"region-{region.slug}"[:80]
    last = ProcessTemplate.objects.filter(family=family).aggregate(n=Max("revision"))["n"] or 0
    try:
        with transaction.atomic():
            copy = _copy(
                template,
                actor=actor,
                family=family,
                revision=last + 1,
                region=region,
                name_sv=f"Samverkansprocessen – {region.name_sv}",
                name_en=f"The Co-sharing process – {region.name_en}",
            )
    except IntegrityError as exc:
        raise already from exc
    audit_record(
        actor=actor,
        action="process_template.copy",
        target=copy,
        data={"from": template.pk, "region": region.pk},
    )
    return copy


def _writable(*, actor: Any, template: ProcessTemplate) -> ProcessTemplate:
    """The revision to change: `template` itself, or a fresh revision if partnerships use it.

    The row is locked before "in place or new revision" is decided, and a partnership is started
    with the same row locked (services.partnerships.create._start): one waits for the other, so a
    partnership never starts on a revision that is then changed under it.
    """
    template = ProcessTemplate.objects.select_for_update().get(pk=template.pk)
    if not can_edit_template(actor, template):
        raise PermissionDenied
    if not Partnership.objects.filter(template=template).exists():
        return template
    template.is_current = False
    template.save(update_fields=["is_current", "updated_at"])
    revision = _copy(
        template,
        actor=actor,
        family=template.family,
        revision=template.revision + 1,
        region=template.region,
    )
    audit_record(
        actor=actor,
        action="process_template.revise",
        target=revision,
        data={"from": template.pk, "revision": revision.revision},
    )
    return revision


def _step_in(template: ProcessTemplate, step: ProcessStep) -> ProcessStep:
    return template.steps.get(key=step.key)


def _clean_step_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(STEP_FIELDS)
    if unknown:
        raise ValueError(f"Fields that cannot be changed here: {sorted(unknown)}")
    changes = dict(data)
    for field in ("guidance_sv", "guidance_en"):
        if field in changes:
            changes[field] = clean_guidance(changes[field])
    for field in ("name_sv", "name_en"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
            if not changes[field]:
                raise ValidationError({field: _("This field is required.")})
    if "gate_role" in changes and changes["gate_role"] not in GateRole.values:
        raise ValidationError({"gate_role": _("Choose who approves the step.")})
    return changes


@transaction.atomic
def template_step_update(*, actor: Any, step: ProcessStep, data: dict[str, Any]) -> ProcessStep:
    """Change a step's names, guidance (sanitised), expected documents or gate.

    Returns the changed step, which belongs to a new revision when partnerships ran on the old.
    """
    changes = _clean_step_data(data)
    template = _writable(actor=actor, template=step.template)
    target = _step_in(template, step)
    for name, value in changes.items():
        setattr(target, name, value)
    target.full_clean(exclude=["template"])
    target.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action="process_template.step_update",
        target=template,
        data={"step": target.key, "fields": sorted(changes)},
    )
    return target


def _clean_item_data(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Fields that cannot be changed here: {sorted(unknown)}")
    changes = dict(data)
    for field in ("text_sv", "text_en"):
        if field in changes or not partial:
            changes[field] = (changes.get(field) or "").strip()
            if not changes[field]:
                raise ValidationError({field: _("This field is required.")})
    for field in ("help_sv", "help_en"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    return changes


@transaction.atomic
def checklist_item_add(*, actor: Any, step: ProcessStep, data: dict[str, Any]) -> ChecklistItem:
    """Add an item at the end of a step's checklist (in a new revision if needed)."""
    changes = _clean_item_data(data, partial=False)
    template = _writable(actor=actor, template=step.template)
    target = _step_in(template, step)
    last = target.checklist.aggregate(n=Max("order"))["n"] or 0
    item = ChecklistItem(step=target, order=last + 1, **changes)
    item.full_clean(exclude=["step"])
    item.save()
    audit_record(
        actor=actor,
        action="process_template.item_add",
        target=template,
        data={"step": target.key, "item": item.pk},
    )
    return item


def _item_in(template: ProcessTemplate, item: ChecklistItem) -> ChecklistItem:
    return ChecklistItem.objects.get(
        step__template=template, step__key=item.step.key, order=item.order
    )


@transaction.atomic
def checklist_item_update(
    *, actor: Any, item: ChecklistItem, data: dict[str, Any]
) -> ChecklistItem:
    """Change an item's text, help or whether it is required (in a new revision if needed)."""
    changes = _clean_item_data(data, partial=True)
    template = _writable(actor=actor, template=item.step.template)
    target = _item_in(template, item)
    for name, value in changes.items():
        setattr(target, name, value)
    target.full_clean(exclude=["step"])
    target.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action="process_template.item_update",
        target=template,
        data={"item": target.pk, "fields": sorted(changes)},
    )
    return target


@transaction.atomic
def checklist_item_remove(*, actor: Any, item: ChecklistItem) -> ProcessTemplate:
    """Remove an item (from a new revision if partnerships ran on this one). Returns the
    template revision it was removed from."""
    template = _writable(actor=actor, template=item.step.template)
    target = _item_in(template, item)
    pk = target.pk
    target.delete()
    audit_record(
        actor=actor,
        action="process_template.item_remove",
        target=template,
        data={"item": pk, "step": item.step.key},
    )
    return template
