"""The partnership page (the Co-sharing process) and the process template editor.

Each view fetches through a permission helper that answers 404 for missing and forbidden alike,
binds a form, calls one service and redirects with a message. A POST with bad input re-renders the
page with the error beside the field and the typed text kept. htmx requests for the checklist get
just the fragment back, through the same check.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.core.forms import apply_validation_error
from portal.core.uploads import file_response
from regions.models import Region

from ..forms.process import (
    AdvanceForm,
    ChecklistItemForm,
    DocumentForm,
    GateApproveForm,
    MemberAddForm,
    MessageForm,
    MoveBackForm,
    ObstacleNoteForm,
    PartyAddForm,
    StatusForm,
    TemplateStepForm,
)
from ..models import (
    ChecklistItem,
    GateRole,
    Partnership,
    PartnershipDocument,
    PartyMember,
    ProcessStep,
    ProcessTemplate,
)
from ..permissions.base import (
    can_approve_gate,
    can_coordinate_partnership,
    can_work_on_partnership,
    coordinated_region_ids,
    get_partnership_for_user_or_404,
)
from ..permissions.process import (
    can_copy_template_for_region,
    can_edit_template,
    get_template_for_user_or_404,
    templates_visible_to,
)
from ..selectors.partnerships import (
    partnership_checklist,
    partnership_detail,
    templates_for_list,
)
from ..services import partnerships as services
from ..services import process as template_services
from ..workflow import PARTNERSHIP_MOVES, PARTNERSHIP_OPEN, PartnershipAction

# --- The partnership page ------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _allowed_status_actions(partnership: Partnership) -> list[str]:
    actions = [
        PartnershipAction.PAUSE,
        PartnershipAction.RESUME,
        PartnershipAction.COMPLETE,
        PartnershipAction.STOP,
        PartnershipAction.WITHDRAW,
    ]
    return [a.value for a in actions if (partnership.status, a) in PARTNERSHIP_MOVES]


def _detail_context(request: HttpRequest, partnership: Partnership, **forms: Any) -> dict[str, Any]:
    detail = partnership_detail(partnership=partnership)
    user = request.user
    step = detail.current_step
    is_open = partnership.status in PARTNERSHIP_OPEN
    can_coordinate = can_coordinate_partnership(user, partnership)
    can_work = can_work_on_partnership(user, partnership)
    context: dict[str, Any] = {
        "partnership": partnership,
        "detail": detail,
        "step": step,
        "is_open": is_open,
        "is_active": partnership.status == "active",
        "can_coordinate": can_coordinate and is_open,
        "can_work": can_work and is_open,
        "can_approve": is_open
        and detail.current_approval is None
        and step.gate_role in (GateRole.COORDINATOR, GateRole.SPONSOR)
        and can_approve_gate(user, partnership, step),
        "gate_description": services.gate_description(step),
        "advance_form": forms.get("advance_form")
        or AdvanceForm(initial={"expected_step_id": step.pk}),
        "back_form": forms.get("back_form") or MoveBackForm(initial={"expected_step_id": step.pk}),
        "status_form": forms.get("status_form")
        or StatusForm(allowed=_allowed_status_actions(partnership)),
        "gate_form": forms.get("gate_form") or GateApproveForm(),
        "document_form": forms.get("document_form") or DocumentForm(partnership=partnership),
        "message_form": forms.get("message_form") or MessageForm(),
        "obstacle_form": forms.get("obstacle_form") or ObstacleNoteForm(),
        "party_form": forms.get("party_form") or PartyAddForm(),
        "member_form": forms.get("member_form") or MemberAddForm(partnership=partnership),
        "move_error": forms.get("move_error"),
    }
    return context


def _render_detail(
    request: HttpRequest, partnership: Partnership, *, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "partnerships/partnership_detail.html",
        _detail_context(request, partnership, **forms),
        status=status,
    )


def _back(partnership: Partnership, anchor: str = "") -> HttpResponse:
    url = reverse("partnerships:detail", args=[partnership.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _fail(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    return _render_detail(request, partnership)


def _checklist_response(
    request: HttpRequest, partnership: Partnership, *, error: str = "", status: int = 200
) -> HttpResponse:
    step, rows = partnership_checklist(partnership=partnership)
    return render(
        request,
        "partnerships/partials/process_checklist.html",
        {
            "partnership": partnership,
            "step": step,
            "checklist": rows,
            "can_work": can_work_on_partnership(request.user, partnership)
            and partnership.status in PARTNERSHIP_OPEN,
            "checklist_error": error,
        },
        status=status,
    )


@require_GET
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The current step's checklist as a fragment (htmx); the same check as the page."""
    partnership = get_partnership_for_user_or_404(request.user, pk)
    return _checklist_response(request, partnership)


def checklist_tick(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    item = (
        ChecklistItem.objects.filter(pk=item_pk, step__template_id=partnership.template_id)
        .select_related("step")
        .first()
    )
    if item is None or not can_work_on_partnership(request.user, partnership):
        raise Http404
    done_value = request.POST.get("done")
    if done_value not in ("0", "1"):
        # Only the checklist's own buttons are understood; a missing or odd value changes nothing.
        error = _("The checklist could not tell whether to mark the item as done or not done.")
        if _is_htmx(request):
            return _checklist_response(request, partnership, error=error, status=400)
        messages.error(request, error)
        return _render_detail(request, partnership, status=400)
    done = done_value == "1"
    error = ""
    try:
        services.checklist_set(
            actor=request.user,
            partnership=partnership,
            item=item,
            done=done,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        error = _fail(exc)
    if _is_htmx(request):
        partnership.refresh_from_db()
        return _checklist_response(request, partnership, error=error, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return _back(partnership, "checklist")


def _coordinator_partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if not can_coordinate_partnership(request.user, partnership):
        raise Http404
    return partnership


def _worker_partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if not can_work_on_partnership(request.user, partnership):
        raise Http404
    return partnership


def advance(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            moved = services.partnership_advance(
                actor=request.user,
                partnership=partnership,
                expected_step_id=form.cleaned_data["expected_step_id"],
            )
        except ValidationError as exc:
            status = 409 if getattr(exc, "code", None) == "stale_step" else 400
            partnership.refresh_from_db()
            return _render_detail(request, partnership, status=status, move_error=_fail(exc))
        messages.success(
            request, _("The partnership moved to %(step)s.") % {"step": moved.current_step.name}
        )
        return _back(partnership)
    return _render_detail(request, partnership, status=400, advance_form=form)


def move_back(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = MoveBackForm(request.POST)
    if form.is_valid():
        try:
            moved = services.partnership_move_back(
                actor=request.user,
                partnership=partnership,
                expected_step_id=form.cleaned_data["expected_step_id"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            status = 409 if getattr(exc, "code", None) == "stale_step" else 400
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
                return _render_detail(request, partnership, status=status, back_form=form)
            partnership.refresh_from_db()
            return _render_detail(
                request, partnership, status=status, back_form=form, move_error=_fail(exc)
            )
        messages.success(
            request,
            _("The partnership moved back to %(step)s.") % {"step": moved.current_step.name},
        )
        return _back(partnership)
    return _render_detail(request, partnership, status=400, back_form=form)


def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = StatusForm(request.POST, allowed=_allowed_status_actions(partnership))
    if form.is_valid():
        try:
            changed = services.partnership_set_status(
                actor=request.user,
                partnership=partnership,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The partnership is now %(status)s.")
                % {"status": changed.get_status_display().lower()},
            )
            return _back(partnership)
    return _render_detail(request, partnership, status=400, status_form=form)


def gate_approve(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    step = partnership.current_step
    if not can_approve_gate(request.user, partnership, step):
        raise Http404
    form = GateApproveForm(request.POST)
    if form.is_valid():
        try:
            services.gate_approve(
                actor=request.user,
                partnership=partnership,
                step=step,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("You approved the step %(step)s.") % {"step": step.name})
            return _back(partnership, "gate")
    return _render_detail(request, partnership, status=400, gate_form=form)


def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _worker_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = DocumentForm(request.POST, request.FILES, partnership=partnership)
    if form.is_valid():
        try:
            document = services.document_add(
                actor=request.user,
                partnership=partnership,
                step=form.cleaned_data["step"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(title)s was added.") % {"title": document.title})
            return _back(partnership, "documents")
    return _render_detail(request, partnership, status=400, document_form=form)


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    document = PartnershipDocument.objects.filter(pk=document_pk, partnership=partnership).first()
    if document is None:
        raise Http404
    return file_response(document.file, name=document.name, content_type=document.content_type)


def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _worker_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_post(
                actor=request.user, partnership=partnership, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your message was posted."))
            return _back(partnership, "discussion")
    return _render_detail(request, partnership, status=400, message_form=form)


def obstacle_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _worker_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = ObstacleNoteForm(request.POST)
    if form.is_valid():
        try:
            services.obstacle_note_add(
                actor=request.user,
                partnership=partnership,
                step=partnership.current_step,
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The obstacle was noted."))
            return _back(partnership, "obstacles")
    return _render_detail(request, partnership, status=400, obstacle_form=form)


def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = PartyAddForm(request.POST)
    if form.is_valid():
        try:
            party = services.party_add(
                actor=request.user,
                partnership=partnership,
                organisation=form.cleaned_data["organisation"],
                kind=form.cleaned_data["kind"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(party)s was added as a party.") % {"party": party})
            return _back(partnership, "parties")
    return _render_detail(request, partnership, status=400, party_form=form)


def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = MemberAddForm(request.POST, partnership=partnership)
    if form.is_valid():
        try:
            member = services.party_member_add(
                actor=request.user,
                partnership=partnership,
                party=form.cleaned_data["party"],
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(person)s was named.") % {"person": member.user})
            return _back(partnership, "parties")
    return _render_detail(request, partnership, status=400, member_form=form)


def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    member = (
        PartyMember.objects.filter(pk=member_pk, party__partnership=partnership)
        .select_related("party", "user")
        .first()
    )
    if member is None:
        raise Http404
    try:
        services.party_member_remove(actor=request.user, partnership=partnership, member=member)
    except ValidationError as exc:
        messages.error(request, _fail(exc))
    else:
        messages.success(request, _("%(person)s is no longer named.") % {"person": member.user})
    return _back(partnership, "parties")


# --- Process templates ---------------------------------------------------------------------------


def _template_viewer(request: HttpRequest) -> None:
    if not templates_visible_to(request.user).exists():
        raise Http404


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    _template_viewer(request)
    templates = templates_for_list(queryset=templates_visible_to(request.user))
    regions = Region.objects.filter(pk__in=coordinated_region_ids(request.user)).annotate(
        has_own=Exists(ProcessTemplate.objects.filter(region=OuterRef("pk"), is_current=True))
    )
    default = ProcessTemplate.objects.filter(
        region__isnull=True, is_current=True, family=services.DEFAULT_FAMILY
    ).first()
    return render(
        request,
        "partnerships/template_list.html",
        {"templates": templates, "regions": regions, "default": default},
    )


def template_copy(request: HttpRequest, slug: str) -> HttpResponse:
    region = Region.objects.filter(slug=slug).first()
    if region is None or not can_copy_template_for_region(request.user, region):
        raise Http404
    if request.method != "POST":  # after the check: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    default = ProcessTemplate.objects.filter(
        region__isnull=True, is_current=True, family=services.DEFAULT_FAMILY
    ).first()
    if default is None:
        raise Http404
    try:
        copy = template_services.template_copy_for_region(
            actor=request.user, template=default, region=region
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, _fail(exc))
        return redirect("partnerships:template_list")
    messages.success(request, _("%(region)s now has its own process.") % {"region": region})
    return redirect("partnerships:template_detail", pk=copy.pk)


def _render_template_detail(
    request: HttpRequest, template: ProcessTemplate, *, status: int = 200
) -> HttpResponse:
    steps = template.steps.order_by("order").prefetch_related("checklist")
    return render(
        request,
        "partnerships/template_detail.html",
        {
            "template": template,
            "steps": steps,
            "can_edit": can_edit_template(request.user, template),
            "in_use": template.partnerships.exists(),
        },
        status=status,
    )


@require_GET
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for_user_or_404(request.user, pk)
    return _render_template_detail(request, template)


def _editable_template(request: HttpRequest, pk: int) -> ProcessTemplate:
    template = get_template_for_user_or_404(request.user, pk)
    if not can_edit_template(request.user, template):
        raise Http404
    return template


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


urlpatterns = [
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/checklist/", checklist, name="checklist"),
    path("<int:pk>/checklist/<int:item_pk>/", checklist_tick, name="checklist_tick"),
    path("<int:pk>/advance/", advance, name="advance"),
    path("<int:pk>/move-back/", move_back, name="move_back"),
    path("<int:pk>/status/", change_status, name="change_status"),
    path("<int:pk>/gate/", gate_approve, name="gate_approve"),
    path("<int:pk>/documents/", document_add, name="document_add"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        document_download,
        name="document_download",
    ),
    path("<int:pk>/messages/", message_post, name="message_post"),
    path("<int:pk>/obstacles/", obstacle_note_add, name="obstacle_note_add"),
    path("<int:pk>/parties/", party_add, name="party_add"),
    path("<int:pk>/people/", member_add, name="member_add"),
    path("<int:pk>/people/<int:member_pk>/remove/", member_remove, name="member_remove"),
    path("templates/", template_list, name="template_list"),
    path("templates/copy/<slug:slug>/", template_copy, name="template_copy"),
    path("templates/<int:pk>/", template_detail, name="template_detail"),
    path("templates/<int:pk>/steps/<int:step_pk>/", template_step_edit, name="template_step_edit"),
    path(
        "templates/<int:pk>/steps/<int:step_pk>/items/new/",
        template_item_add,
        name="template_item_add",
    ),
    path("templates/<int:pk>/items/<int:item_pk>/", template_item_edit, name="template_item_edit"),
    path(
        "templates/<int:pk>/items/<int:item_pk>/remove/",
        template_item_remove,
        name="template_item_remove",
    ),
]
