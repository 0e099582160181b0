"""Organisers: creating, editing, publishing and withdrawing publications; the file download.

Each view authenticates (LoginRequiredMiddleware; the download is public on purpose for a
published publication), fetches through a permission helper that answers 404 for missing and
forbidden alike, binds a form, calls one service and chooses the response. The organiser pages
answer 404 to everyone who does not organise the publication, for GET and POST alike.
"""

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from portal.core.concurrency import ConcurrentEditError
from portal.core.editing import done_already, form_on_stored_version, save_new
from portal.core.forms import apply_validation_error, rebase_on_conflict
from portal.core.security import export_logged
from portal.core.uploads import file_response

from ..forms.publications import (
    CHOOSE_FILE_AGAIN,
    MOVE_BUTTONS,
    MOVE_TITLES,
    PublicationForm,
    PublicationMoveForm,
)
from ..models import Publication, PublicationFile
from ..permissions.base import get_publication_to_organise_or_404
from ..permissions.publications import (
    can_create_publication,
    get_publication_to_download_or_404,
)
from ..services import publications as services
from ..workflow import PUBLICATION_MOVES, PublicationStatus, publication_move_allowed

logger = logging.getLogger(__name__)

DONE = {
    "publish": gettext_lazy("The publication was published."),
    "withdraw": gettext_lazy("The publication was withdrawn from the public pages."),
}


def _current_file(publication: Publication) -> PublicationFile | None:
    return PublicationFile.objects.filter(publication=publication).first()


def _ask_for_the_file_again(request: HttpRequest, form: PublicationForm) -> None:
    """A file chosen in a form that is shown again is gone (browsers do not keep it): say so
    beside the field, unless the file itself is what was wrong."""
    if form.sent_a_file() and "file" in form.fields and not form.has_error("file"):
        form.add_error("file", CHOOSE_FILE_AGAIN)


def _render_form(
    request: HttpRequest,
    form: PublicationForm,
    *,
    publication: Publication | None,
    conflict: Any = None,
    status: int = 200,
) -> HttpResponse:
    if request.method == "POST":
        _ask_for_the_file_again(request, form)
    return render(
        request,
        "dissemination/publication_form.html",
        {"form": form, "publication": publication, "conflict": conflict},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def publication_create(request: HttpRequest) -> HttpResponse:
    """A new publication, saved as a draft or published at once (the button pressed says which).

    A second POST of the same form (a double click) gets the first publication back: the form
    carries a random token the service keeps in the create's audit row (see the service).
    """
    if not can_create_publication(request.user):
        raise Http404
    form = PublicationForm(request.POST or None, request.FILES or None, user=request.user)
    done = save_new(
        request,
        form=form,
        create=lambda: services.publication_create(
            actor=request.user,
            publish=request.POST.get("publish") == "1",
            **form.data_for_service(),
        ),
        saved=lambda publication: (
            _("The publication was saved and published.")
            if publication.status == PublicationStatus.PUBLISHED
            else _(
                "The publication was saved as a draft. Only organisers see it until "
                "it is published."
            )
        ),
    )
    if done is not None:
        return done
    return _render_form(request, form, publication=None, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def publication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers edit a publication in any state. A stale version is answered 409: the form
    keeps what was typed and shows what is stored (a double click on Save is just saved)."""
    publication = get_publication_to_organise_or_404(request.user, pk)
    current_file = _current_file(publication)
    form = PublicationForm(
        request.POST or None,
        request.FILES or None,
        instance=publication,
        user=request.user,
        current_file=current_file,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_update(
                actor=request.user,
                publication=publication,
                expected_version=form.cleaned_data["version"],
                **form.data_for_service(),
            )
        except ConcurrentEditError as exc:
            current: Any = exc.current
            stored_file = _current_file(current)
            if form.matches_stored(current, stored_file):
                messages.success(request, _("The publication was saved."))
                return redirect(publication)
            # The page shows the stored status too (another organiser may have withdrawn it).
            conflict = rebase_on_conflict(form, exc)
            return _render_form(request, form, publication=current, conflict=conflict, status=409)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The publication was saved."))
            return redirect(publication)
    return _render_form(
        request, form, publication=publication, status=400 if form.is_bound else 200
    )


def _render_move(
    request: HttpRequest,
    publication: Publication,
    *,
    move: str,
    form: PublicationMoveForm | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "dissemination/publication_move.html",
        {
            "publication": publication,
            "move": move,
            "move_title": MOVE_TITLES[move],
            "move_button": MOVE_BUTTONS[move],
            "form": form,
            "allowed": form is not None,
            "has_file": _current_file(publication) is not None,
        },
        status=status,
    )


def _blank_move_form(publication: Publication, move: str) -> PublicationMoveForm | None:
    """The confirmation form on the stored version, or None when the move cannot be made."""
    if not publication_move_allowed(move=move, status=publication.status):
        return None
    return PublicationMoveForm(move=move, initial={"version": publication.version})


@require_http_methods(["GET", "POST"])
def publication_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """Publish or withdraw (with a reason): a confirmation page, then the move.

    A move already made (a double click, another organiser) says so and goes back to the
    publication; a move made on a stale page is a 409 on the stored version; a move that does
    not start from the current state is explained (409) without a form."""
    publication = get_publication_to_organise_or_404(request.user, pk)
    if move not in PUBLICATION_MOVES:
        raise Http404
    target = PUBLICATION_MOVES[move][1]
    if request.method == "GET":
        form = _blank_move_form(publication, move)
        if form is None and publication.status == target:
            return done_already(request, DONE[move], publication)
        return _render_move(request, publication, move=move, form=form, status=200 if form else 409)

    form = PublicationMoveForm(request.POST, move=move)
    if not form.is_valid():
        if publication.status == target:
            return done_already(request, DONE[move], publication)
        return _render_move(request, publication, move=move, form=form, status=400)
    try:
        services.publication_move(
            actor=request.user,
            publication=publication,
            move=move,
            reason=form.cleaned_data.get("reason", ""),
            expected_version=form.cleaned_data["version"],
        )
    except ConcurrentEditError as exc:
        current: Any = exc.current
        if current.status == target:
            return done_already(request, DONE[move], publication)
        stale = _blank_move_form(current, move)
        if stale is not None:
            changed = _(
                "Someone changed the publication while you were deciding: it is %(status)s "
                "now. Check it and confirm again."
            ) % {"status": current.get_status_display().lower()}
            stale = form_on_stored_version(
                PublicationMoveForm, request.POST, current, changed, move=move
            )
        else:
            messages.error(
                request,
                _("Someone changed the publication meanwhile: it is %(status)s now.")
                % {"status": current.get_status_display().lower()},
            )
        return _render_move(request, current, move=move, form=stale, status=409)
    except ValidationError as exc:
        if publication.status == target:
            return done_already(request, DONE[move], publication)
        if not publication_move_allowed(move=move, status=publication.status):
            messages.error(request, " ".join(exc.messages))
            return _render_move(request, publication, move=move, form=None, status=409)
        apply_validation_error(form, exc)
        return _render_move(request, publication, move=move, form=form, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, DONE[move])
    return redirect(publication)


# The session remembers which publications it has counted today: "<publication id>:<date>".
COUNTED_SESSION_KEY = "dissemination_downloads_counted"


def _is_prefetch(request: HttpRequest) -> bool:
    """A link prefetch or prerender by the browser (`Sec-Purpose: prefetch`, or the older
    `Purpose: prefetch`), not a person asking for the file."""
    return any(
        "prefetch" in request.headers.get(header, "").lower()
        for header in ("Sec-Purpose", "Purpose")
    )


def _first_download_today(request: HttpRequest, publication: Publication) -> bool:
    """Has this session not downloaded the publication yet today (Stockholm date)? Remembers
    it now; only today's entries are kept, so the session stays small."""
    today = timezone.localdate().isoformat()
    key = f"{publication.pk}:{today}"
    counted = [
        item
        for item in request.session.get(COUNTED_SESSION_KEY, [])
        if isinstance(item, str) and item.endswith(":" + today)
    ]
    if key in counted:
        return False
    request.session[COUNTED_SESSION_KEY] = [*counted, key]
    return True


@login_not_required
@require_safe
def publication_download(request: HttpRequest, pk: int) -> FileResponse:
    """The publication's file: for everyone while it is published, for its organisers always;
    404 otherwise and when there is no file.

    A GET by someone who does not organise the publication adds one to today's
    `DownloadCount`, at most once a day per session: the session remembers (publication id,
    Stockholm date), so a person downloading the same file again that day is counted once.
    HEAD requests and link prefetches (a `Sec-Purpose` or `Purpose` header containing
    "prefetch") are never counted."""
    publication, organiser = get_publication_to_download_or_404(request.user, pk)
    stored = _current_file(publication)
    if stored is None:
        raise Http404
    try:
        response = file_response(stored.file, name=stored.name, content_type=stored.content_type)
    except FileNotFoundError as exc:
        logger.error("The file of publication %s is missing from storage.", publication.pk)
        raise Http404 from exc
    # Private to the browser: a shared cache would serve drafts to others and skip the count.
    patch_cache_control(response, private=True, no_store=True)
    if (
        request.method == "GET"
        and not organiser
        and not _is_prefetch(request)
        and _first_download_today(request, publication)
    ):
        services.download_record(publication=publication)
    if publication.status != PublicationStatus.PUBLISHED:
        # A draft's file is not public yet: its organisers' downloads are logged.
        return export_logged(
            request, response, export="publication_draft", publication=publication.pk
        )
    return response


urlpatterns: list[URLPattern] = [
    path("publications/new/", publication_create, name="publication_create"),
    path("publications/<int:pk>/download/", publication_download, name="publication_download"),
    path("publications/<int:pk>/edit/", publication_edit, name="publication_edit"),
    path("publications/<int:pk>/move/<slug:move>/", publication_move, name="publication_move"),
]
