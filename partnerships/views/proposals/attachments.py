"""A proposal's attachments: add, download and remove."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.core.forms import apply_validation_error
from portal.core.security import export_logged
from portal.core.uploads import file_response

from ...forms.proposals import AttachmentForm, ProposalForm
from ...permissions.proposals import (
    can_change_attachments,
    get_attachment_for_user_or_404,
    get_editable_proposal_or_404,
)
from ...selectors import proposals as selectors
from ...services import proposals as services


def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_editable_proposal_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                actor=request.user, proposal=proposal, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("%(name)s was attached.") % {"name": attachment.name})
            return redirect(reverse("partnerships:proposal_edit", args=[proposal.pk]) + "#files")
    return render(
        request,
        "partnerships/proposal_edit.html",
        {
            "proposal": proposal,
            "form": ProposalForm(instance=proposal),
            "attachments": selectors.proposal_attachments(proposal=proposal),
            "attachment_form": form,
        },
        status=400,
    )


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = get_attachment_for_user_or_404(request.user, pk, attachment_pk)
    response = file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )
    return export_logged(
        request,
        response,
        export="proposal_attachment",
        proposal=attachment.proposal.pk,
        attachment=attachment.pk,
    )


def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_attachment_for_user_or_404(request.user, pk, attachment_pk)
    proposal = attachment.proposal
    if not can_change_attachments(request.user, proposal):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.attachment_remove(actor=request.user, proposal=proposal, attachment=attachment)
    messages.success(request, _("%(name)s was removed.") % {"name": attachment.name})
    return redirect(reverse("partnerships:proposal_edit", args=[proposal.pk]) + "#files")
