"""The authors' pages: submit an obstacle, edit it, send it for review, and "My obstacles".

Every view needs a signed-in user (LoginRequiredMiddleware), fetches entries through
`get_obstacle_for_user_or_404` (404 for missing and forbidden alike), binds a form, calls one
service and chooses the response. A stale edit answers 409 with the typed text kept and the
stored values beside it; a double submit of the new-entry form returns the first entry.
"""

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.core.concurrency import ConcurrentEditError
from portal.core.forms import apply_validation_error, rebase_on_conflict

from ..forms.entries import ObstacleForm
from ..models import Obstacle
from ..permissions.entries import (
    can_edit_obstacle,
    can_submit_obstacle,
    get_obstacle_for_user_or_404,
    is_obstacle_reviewer,
)
from ..selectors import authoring as selectors
from ..services import entries as services
from ..workflow import AUTHOR_EDITABLE, AWAITING_REVIEW, ObstacleMove, ObstacleStatus

ENTRIES_PER_PAGE = 25
SUBMIT = "submit"  # the value of the "Submit for review" button (name="action")
# The states whose reviewer's reason the author reads on "My obstacles".
REASON_SHOWN = frozenset(
    {ObstacleStatus.CHANGES_REQUESTED, ObstacleStatus.REJECTED, ObstacleStatus.WITHDRAWN}
)


def _is_author(request: HttpRequest, obstacle: Obstacle) -> bool:
    return obstacle.author_id is not None and obstacle.author_id == request.user.pk


_VERSION = re.compile(r"[0-9]{1,9}")


def _version(request: HttpRequest) -> int | None:
    """The version the page was showing (a positive number), or None when missing or garbled."""
    value = request.POST.get("version", "").strip()
    return int(value) if _VERSION.fullmatch(value) else None


def _send_for_review(
    request: HttpRequest, obstacle: Obstacle, *, expected_version: int | None
) -> HttpResponse:
    """Submit the entry (SUBMIT move) and say so; an entry already sent is left as it is."""
    if obstacle.status in AWAITING_REVIEW:
        messages.info(request, _("The entry has already been submitted for review."))
        return redirect("obstacles:mine")
    try:
        services.obstacle_move(
            obstacle=obstacle,
            actor=request.user,
            move=ObstacleMove.SUBMIT,
            expected_version=expected_version,
        )
    except ConcurrentEditError:
        messages.error(
            request,
            _(
                "The entry was changed after you opened it (perhaps in another window), so it "
                "was not submitted. Check it and submit it again."
            ),
        )
        return redirect("obstacles:edit", pk=obstacle.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("obstacles:mine")
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(
        request,
        _(
            "Your obstacle was submitted for review. You will get an email when a reviewer "
            "has decided."
        ),
    )
    return redirect("obstacles:mine")


def _no_longer_editable(request: HttpRequest, obstacle: Obstacle) -> HttpResponse:
    """The author's edit arrived after the entry left their hands (a double submit of "Save
    and submit", or another window): say where it is instead of failing."""
    if obstacle.status in AWAITING_REVIEW:
        messages.info(request, _("The entry has already been submitted for review."))
    else:
        messages.error(
            request,
            _("The entry is “%(status)s” now and can no longer be changed.")
            % {"status": obstacle.get_status_display()},
        )
    return redirect("obstacles:mine")


def _form_page(
    request: HttpRequest,
    form: ObstacleForm,
    *,
    obstacle: Obstacle | None,
    status: int,
    **extra: Any,
) -> HttpResponse:
    context = {
        "form": form,
        "obstacle": obstacle,
        "is_reviewer": is_obstacle_reviewer(request.user),
        "can_submit": obstacle is None or can_submit_obstacle(request.user, obstacle),
        **extra,
    }
    return render(request, "obstacles/entries/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def obstacle_create(request: HttpRequest) -> HttpResponse:
    """Write a new entry: "Save draft" keeps it private, "Submit for review" sends it."""
    form = ObstacleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            obstacle = services.obstacle_create(author=request.user, data=form.entry_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            if request.POST.get("action") == SUBMIT:
                return _send_for_review(request, obstacle, expected_version=None)
            messages.success(
                request,
                _("Your draft was saved. Nobody else sees it until you submit it for review."),
            )
            return redirect("obstacles:edit", pk=obstacle.pk)
    return _form_page(request, form, obstacle=None, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def obstacle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author edits a draft (or an entry sent back for changes); a reviewer holding the
    claim, or correcting a published entry, uses the same form."""
    obstacle = get_obstacle_for_user_or_404(request.user, pk)
    if not can_edit_obstacle(request.user, obstacle):
        if request.method == "POST" and _is_author(request, obstacle):
            return _no_longer_editable(request, obstacle)
        raise Http404
    if request.method == "GET":
        return _form_page(request, ObstacleForm(instance=obstacle), obstacle=obstacle, status=200)
    form = ObstacleForm(request.POST, instance=obstacle)
    if not form.is_valid():
        return _form_page(request, form, obstacle=obstacle, status=400)
    try:
        saved = services.obstacle_update(
            obstacle=obstacle,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            data=form.entry_data(),
        )
    except ConcurrentEditError as exc:
        current: Any = exc.current
        if not form.matches_stored(current):
            conflict = form.named_conflict_rows(rebase_on_conflict(form, exc))
            return _form_page(request, form, obstacle=obstacle, status=409, conflict=conflict)
        saved = current  # what was sent is what is stored: a double submit
    except ValidationError as exc:
        obstacle.refresh_from_db()
        if _is_author(request, obstacle) and not can_edit_obstacle(request.user, obstacle):
            return _no_longer_editable(request, obstacle)  # it was submitted meanwhile
        apply_validation_error(form, exc)
        return _form_page(request, form, obstacle=obstacle, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    if request.POST.get("action") == SUBMIT and _is_author(request, saved):
        return _send_for_review(request, saved, expected_version=saved.version)
    messages.success(request, _("Your changes were saved."))
    if _is_author(request, saved) and saved.status in AUTHOR_EDITABLE:
        return redirect("obstacles:edit", pk=saved.pk)
    return redirect("obstacles:review", pk=saved.pk)


def obstacle_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author sends a draft (or an entry sent back for changes) to the reviewers."""
    obstacle = get_obstacle_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404 too
        return HttpResponseNotAllowed(["POST"])
    if not _is_author(request, obstacle):
        raise Http404
    if obstacle.status not in AWAITING_REVIEW and not can_submit_obstacle(request.user, obstacle):
        raise Http404
    version = _version(request)
    if version is None and obstacle.status not in AWAITING_REVIEW:
        # Without the version it was sent from, a change made meanwhile (in another window)
        # could go to the reviewers unseen: submit nothing, show the entry as it is stored.
        messages.error(
            request,
            _(
                "The entry was not submitted: the page did not say which version you saw. "
                "Check the entry and submit it again."
            ),
        )
        return _form_page(request, ObstacleForm(instance=obstacle), obstacle=obstacle, status=400)
    return _send_for_review(request, obstacle, expected_version=version)


@require_GET
def obstacle_mine(request: HttpRequest) -> HttpResponse:
    """The user's own entries with their status, the reviewer's reason and what to do next."""
    page = Paginator(selectors.obstacles_authored_by(user=request.user), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    names = selectors.step_names()
    for obstacle in page.object_list:
        row: Any = obstacle
        row.can_edit = can_edit_obstacle(request.user, obstacle)
        row.can_submit = can_submit_obstacle(request.user, obstacle)
        row.step_name = names.get(obstacle.step_key, obstacle.step_key)
        row.shows_reason = bool(obstacle.decision_reason) and obstacle.status in REASON_SHOWN
    return render(
        request,
        "obstacles/entries/mine.html",
        {"page": page, "is_reviewer": is_obstacle_reviewer(request.user)},
    )


urlpatterns: list[URLPattern] = [
    path("new/", obstacle_create, name="create"),
    path("mine/", obstacle_mine, name="mine"),
    path("<int:pk>/edit/", obstacle_edit, name="edit"),
    path("<int:pk>/submit/", obstacle_submit, name="submit"),
]
