"""What the workers add to a partnership: documents (and their download), messages and obstacle
notes.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.core.forms import apply_validation_error
from portal.core.security import export_logged
from portal.core.uploads import file_response

from ...forms.process import DocumentForm, MessageForm, ObstacleNoteForm
from ...models import PartnershipDocument
from ...permissions.base import get_partnership_for_user_or_404
from ...services import partnerships as services
from ._common import _back, _render_detail, _worker_partnership


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
    response = file_response(document.file, name=document.name, content_type=document.content_type)
    return export_logged(
        request,
        response,
        export="partnership_document",
        partnership=partnership.pk,
        document=document.pk,
    )


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
