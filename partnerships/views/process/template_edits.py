"""The process template editor: steps and checklist items.

A template that partnerships run on is revised rather than changed; an editor holding an older
revision is sent to the same step or item of the current one, with the typed text kept (409).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.core.forms import apply_validation_error

from ...forms.process import ChecklistItemForm, TemplateStepForm
from ...models import ChecklistItem, ProcessStep, ProcessTemplate
from ...permissions.process import (
    can_edit_template,
    get_template_for_user_or_404,
    templates_visible_to,
)
from ...services import process as template_services
from .templates import _render_template_detail


def _current_revision(request: HttpRequest, template: ProcessTemplate) -> ProcessTemplate | None:
    """The family's current revision when `template` is an older one the user may edit."""
    template.refresh_from_db(fields=["is_current"])
    if template.is_current:
        return None
    current = (
        templates_visible_to(request.user)
        .select_related("region")
        .filter(family=template.family, is_current=True)
        .first()
    )
    if current is None or not can_edit_template(request.user, current):
        return None
    return current


def _stale_message(current: ProcessTemplate) -> str:
    return _(
        "The process was changed meanwhile (now revision %(revision)s): your text is kept – "
        "check it and save again."
    ) % {"revision": current.revision}


def _same_step(current: ProcessTemplate, step: ProcessStep) -> ProcessStep:
    found = current.steps.filter(key=step.key).first()
    if found is None:
        raise Http404
    return found


def _same_item(current: ProcessTemplate, item: ChecklistItem) -> ChecklistItem | None:
    return (
        ChecklistItem.objects.filter(
            step__template=current, step__key=item.step.key, order=item.order
        )
        .select_related("step")
        .first()
    )


def _render_template_form(
    request: HttpRequest,
    *,
    template: ProcessTemplate,
    step: ProcessStep,
    form: Any,
    heading: str,
    item: ChecklistItem | None = None,
    action: str = "",
    status: int | None = None,
) -> HttpResponse:
    return render(
        request,
        "partnerships/template_form.html",
        {
            "template": template,
            "step": step,
            "form": form,
            "item": item,
            "heading": heading,
            "action": action,
        },
        status=status or (400 if form.errors else 200),
    )


def _stale_form(
    request: HttpRequest,
    *,
    current: ProcessTemplate,
    step: ProcessStep,
    form: Any,
    heading: str,
    action: str,
    item: ChecklistItem | None = None,
) -> HttpResponse:
    """The typed text, bound against the current revision, posting to its URL (409)."""
    form.is_valid()  # binds the typed values and runs the checks beside the fields
    form.add_error(None, _stale_message(current))
    return _render_template_form(
        request,
        template=current,
        step=step,
        form=form,
        heading=heading,
        item=item,
        action=action,
        status=409,
    )


def _template_and_step(
    request: HttpRequest, pk: int, step_pk: int
) -> tuple[ProcessTemplate, ProcessStep, ProcessTemplate | None]:
    """The template, its step and, if the template was replaced meanwhile, the current revision.

    An old revision is only reachable for a person who may edit the current one; anyone else
    gets 404, as before.
    """
    template = get_template_for_user_or_404(request.user, pk)
    step = template.steps.filter(pk=step_pk).first()
    if step is None:
        raise Http404
    if can_edit_template(request.user, template):
        return template, step, None
    current = _current_revision(request, template)
    if current is None:
        raise Http404
    return template, step, current


def _template_and_item(
    request: HttpRequest, pk: int, item_pk: int
) -> tuple[ProcessTemplate, ChecklistItem, ProcessTemplate | None]:
    template = get_template_for_user_or_404(request.user, pk)
    item = _template_item(template, item_pk)
    if can_edit_template(request.user, template):
        return template, item, None
    current = _current_revision(request, template)
    if current is None:
        raise Http404
    return template, item, current


def _revised_message(request: HttpRequest, old: ProcessTemplate, new: ProcessTemplate) -> None:
    if new.pk != old.pk:
        messages.info(
            request,
            _(
                "Partnerships run on this process, so the change was saved as revision "
                "%(revision)s. Running partnerships keep the steps they started with."
            )
            % {"revision": new.revision},
        )


def _stale_step_edit(
    request: HttpRequest, current: ProcessTemplate, step: ProcessStep
) -> HttpResponse:
    target = _same_step(current, step)
    if request.method != "POST":
        return redirect("partnerships:template_step_edit", pk=current.pk, step_pk=target.pk)
    return _stale_form(
        request,
        current=current,
        step=target,
        form=TemplateStepForm(request.POST, instance=target),
        heading=target.name,
        action=reverse("partnerships:template_step_edit", args=[current.pk, target.pk]),
    )


@require_http_methods(["GET", "POST"])
def template_step_edit(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    template, step, current = _template_and_step(request, pk, step_pk)
    if current is not None:
        return _stale_step_edit(request, current, step)
    form = TemplateStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            changed = template_services.template_step_update(
                actor=request.user, step=step, data=form.changes()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            # Replaced by another editor between our check and the service's lock.
            current = _current_revision(request, template)
            if current is None:
                raise Http404 from exc
            return _stale_step_edit(request, current, step)
        else:
            _revised_message(request, template, changed.template)
            messages.success(request, _("The step was saved."))
            return redirect("partnerships:template_detail", pk=changed.template_id)
    return _render_template_form(
        request, template=template, step=step, form=form, heading=step.name
    )


def _item_add_heading(step: ProcessStep) -> str:
    return _("New checklist item for %(step)s") % {"step": step.name}


def _stale_item_add(
    request: HttpRequest, current: ProcessTemplate, step: ProcessStep
) -> HttpResponse:
    target = _same_step(current, step)
    if request.method != "POST":
        return redirect("partnerships:template_item_add", pk=current.pk, step_pk=target.pk)
    return _stale_form(
        request,
        current=current,
        step=target,
        form=ChecklistItemForm(request.POST),
        heading=_item_add_heading(target),
        action=reverse("partnerships:template_item_add", args=[current.pk, target.pk]),
    )


@require_http_methods(["GET", "POST"])
def template_item_add(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    template, step, current = _template_and_step(request, pk, step_pk)
    if current is not None:
        return _stale_item_add(request, current, step)
    form = ChecklistItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = template_services.checklist_item_add(
                actor=request.user, step=step, data=form.changes()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            current = _current_revision(request, template)
            if current is None:
                raise Http404 from exc
            return _stale_item_add(request, current, step)
        else:
            _revised_message(request, template, item.step.template)
            messages.success(request, _("The checklist item was added."))
            return redirect("partnerships:template_detail", pk=item.step.template_id)
    return _render_template_form(
        request, template=template, step=step, form=form, heading=_item_add_heading(step)
    )


def _template_item(template: ProcessTemplate, item_pk: int) -> ChecklistItem:
    item = (
        ChecklistItem.objects.filter(pk=item_pk, step__template=template)
        .select_related("step", "step__template")
        .first()
    )
    if item is None:
        raise Http404
    return item


def _stale_item_edit(
    request: HttpRequest, current: ProcessTemplate, item: ChecklistItem
) -> HttpResponse:
    step = _same_step(current, item.step)
    target = _same_item(current, item)
    if target is None:
        # Removed from the current revision meanwhile: offer the text as a new item of the step.
        if request.method != "POST":
            return redirect("partnerships:template_item_add", pk=current.pk, step_pk=step.pk)
        return _stale_form(
            request,
            current=current,
            step=step,
            form=ChecklistItemForm(request.POST),
            heading=_item_add_heading(step),
            action=reverse("partnerships:template_item_add", args=[current.pk, step.pk]),
        )
    if request.method != "POST":
        return redirect("partnerships:template_item_edit", pk=current.pk, item_pk=target.pk)
    return _stale_form(
        request,
        current=current,
        step=step,
        form=ChecklistItemForm(request.POST, instance=target),
        heading=target.text,
        item=target,
        action=reverse("partnerships:template_item_edit", args=[current.pk, target.pk]),
    )


@require_http_methods(["GET", "POST"])
def template_item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    template, item, current = _template_and_item(request, pk, item_pk)
    if current is not None:
        return _stale_item_edit(request, current, item)
    form = ChecklistItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            changed = template_services.checklist_item_update(
                actor=request.user, item=item, data=form.changes()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            current = _current_revision(request, template)
            if current is None:
                raise Http404 from exc
            return _stale_item_edit(request, current, item)
        else:
            _revised_message(request, template, changed.step.template)
            messages.success(request, _("The checklist item was saved."))
            return redirect("partnerships:template_detail", pk=changed.step.template_id)
    return _render_template_form(
        request, template=template, step=item.step, form=form, item=item, heading=item.text
    )


def _stale_item_remove(request: HttpRequest, current: ProcessTemplate) -> HttpResponse:
    """Nothing is removed: the person sees the current revision and decides again (409)."""
    messages.error(
        request,
        _(
            "The process was changed meanwhile (now revision %(revision)s): nothing was removed "
            "– check the checklist and remove the item again."
        )
        % {"revision": current.revision},
    )
    return _render_template_detail(request, current, status=409)


def template_item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    template, item, current = _template_and_item(request, pk, item_pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    if current is not None:
        return _stale_item_remove(request, current)
    try:
        changed = template_services.checklist_item_remove(actor=request.user, item=item)
    except PermissionDenied as exc:
        current = _current_revision(request, template)
        if current is None:
            raise Http404 from exc
        return _stale_item_remove(request, current)
    _revised_message(request, template, changed)
    messages.success(request, _("The checklist item was removed."))
    return redirect("partnerships:template_detail", pk=changed.pk)
