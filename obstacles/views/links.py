"""A partnership's obstacle notes and the register: link a note to a published entry, remove
the link, or propose the note as a new entry (a draft the person completes and submits).

Only people who work on the partnership reach these pages (`permissions.links`); everyone else
gets a 404, for a missing note and a forbidden one alike, on every method.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from partnerships.models import ObstacleNote
from portal.core.forms import apply_validation_error

from ..forms.links import NoteLinkForm, NoteLinkSearchForm
from ..permissions.links import can_link_note, get_note_for_user_or_404
from ..selectors.links import link_candidates, published_obstacle
from ..services.links import note_link, note_propose_obstacle, note_unlink
from ..workflow import AUTHOR_EDITABLE


def _back(note: ObstacleNote) -> HttpResponse:
    """To the note on its partnership's page."""
    url = reverse("partnerships:detail", args=[note.partnership_id])
    return redirect(f"{url}#obstacle-note-{note.pk}")


def _page(
    request: HttpRequest,
    note: ObstacleNote,
    *,
    link_form: NoteLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    search = NoteLinkSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    context: dict[str, Any] = {
        "note": note,
        "partnership": note.partnership,
        "search_form": search,
        "query": query,
        "candidates": link_candidates(query=query),
        "link_form": link_form,
        "can_link": can_link_note(request.user, note),
    }
    # The search box asks for the results alone (htmx); the full page otherwise, also when htmx
    # restores a page missing from its history cache.
    htmx: Any = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request and request.method == "GET"
    template = "obstacles/links/_results.html" if partial else "obstacles/links/note.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def link_note(request: HttpRequest, note_pk: int) -> HttpResponse:
    """GET: the note, its current link and a search of the register to choose an entry from.
    POST `obstacle` (an entry number): link the note to that published entry."""
    note = get_note_for_user_or_404(request.user, note_pk)
    if request.method == "GET":
        return _page(request, note)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = NoteLinkForm(request.POST)
    if form.is_valid():
        obstacle = published_obstacle(form.cleaned_data["obstacle"])
        if obstacle is None:
            form.add_error("obstacle", _("Choose a published entry of the register."))
        else:
            try:
                note_link(note=note, obstacle=obstacle, actor=request.user)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The note is linked to the register entry “%(title)s”.")
                    % {"title": obstacle.title},
                )
                return _back(note)
    return _page(request, note, link_form=form, status=400)


def link_unlink(request: HttpRequest, note_pk: int) -> HttpResponse:
    """POST: remove the note's link to the register."""
    note = get_note_for_user_or_404(request.user, note_pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    try:
        note_unlink(note=note, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The link to the register was removed."))
    return _back(note)


def link_propose(request: HttpRequest, note_pk: int) -> HttpResponse:
    """POST: make the note a draft entry of the register and open it for editing."""
    note = get_note_for_user_or_404(request.user, note_pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    try:
        obstacle = note_propose_obstacle(note=note, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(note)
    if obstacle.status not in AUTHOR_EDITABLE:
        # Proposed earlier and already sent on: the entry's own page says where it stands.
        return redirect(obstacle.get_absolute_url())
    messages.success(
        request,
        _(
            "A draft entry was made from the note. Check the category, severity and text, "
            "then submit it for review."
        ),
    )
    return redirect("obstacles:edit", pk=obstacle.pk)


urlpatterns: list[URLPattern] = [
    path("links/notes/<int:note_pk>/", link_note, name="link_note"),
    path("links/notes/<int:note_pk>/unlink/", link_unlink, name="link_unlink"),
    path("links/notes/<int:note_pk>/propose/", link_propose, name="link_propose"),
]
