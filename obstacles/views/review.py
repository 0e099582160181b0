"""The reviewers' pages: the queue, an entry's review page, claims, moves and private notes.

Only obstacle reviewers (and portal admins) get anything here; everyone else gets 404, in pages
and htmx fragments alike. Opening an entry does not take it: "Take this entry" does (and so does
any move, in the service). While another reviewer holds an entry its move forms are disabled
and the service refuses the moves anyway. Service refusals are shown beside the field with the
typed reason kept; a stale version answers 409 with the entry as it is now.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.core.concurrency import ConcurrentEditError
from portal.core.pagecache import cached_page

from ..forms.review import (
    REVIEWER_MOVES,
    EntryNumberForm,
    MoveForm,
    ReviewerNoteForm,
    ReviewQueueFilterForm,
)
from ..models import Obstacle
from ..permissions.entries import (
    can_claim_obstacle,
    can_edit_obstacle,
    can_move_obstacle,
    can_review_obstacle,
    claim_is_active,
    claimed_by_other,
    get_obstacle_for_user_or_404,
    is_obstacle_reviewer,
    obstacles_visible_to,
)
from ..selectors import review as selectors
from ..services import entries as services
from ..workflow import ObstacleMove

QUEUE_PER_PAGE = 25

MOVE_DONE: dict[str, Any] = {
    ObstacleMove.PUBLISH: gettext_lazy("The entry was published."),
    ObstacleMove.REQUEST_CHANGES: gettext_lazy("The author was asked for changes."),
    ObstacleMove.REJECT: gettext_lazy("The entry was rejected. The author was told why."),
    ObstacleMove.MERGE: gettext_lazy("The entry was merged into entry %(number)s."),
    ObstacleMove.WITHDRAW: gettext_lazy("The entry was withdrawn from the compilation."),
}

MOVE_HELP: dict[str, Any] = {
    ObstacleMove.PUBLISH: gettext_lazy("Everyone can read the entry in the compilation."),
    ObstacleMove.REQUEST_CHANGES: gettext_lazy(
        "The entry goes back to the author, who can edit it and submit it again."
    ),
    ObstacleMove.MERGE: gettext_lazy(
        "The entry describes the same obstacle as another one: its “we met this too”, "
        "partnership notes, mitigations and articles move there, and its address leads there."
    ),
    ObstacleMove.REJECT: gettext_lazy("The entry is not published. This is final."),
    ObstacleMove.WITHDRAW: gettext_lazy(
        "The entry leaves the public compilation; it can be published again later."
    ),
}

CONFLICT_MESSAGE = gettext_lazy(
    "Someone else changed this entry while you were deciding, so nothing was done. Here is what "
    "it looks like now; your text is kept. Check the entry and send again if you still want to."
)


def _is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _reviewer_or_404(request: HttpRequest) -> None:
    if not is_obstacle_reviewer(request.user):
        raise Http404


def _reviewable_or_404(request: HttpRequest, pk: Any) -> Obstacle:
    """The entry for its review page, its fragments and its actions: reviewers only, and only
    entries that left the draft state; 404 otherwise."""
    obstacle = get_obstacle_for_user_or_404(request.user, pk)
    if not can_review_obstacle(request.user, obstacle):
        raise Http404
    return obstacle


# --- The queue ----------------------------------------------------------------------------------


@require_GET
@cached_page
def review_queue(request: HttpRequest) -> HttpResponse:
    """Entries waiting for review, the longest waiting first, filtered by category and region."""
    _reviewer_or_404(request)
    number_form = EntryNumberForm(request.GET if "entry" in request.GET else None)
    if number_form.is_bound and number_form.is_valid() and number_form.cleaned_data["entry"]:
        number = number_form.cleaned_data["entry"]
        if obstacles_visible_to(request.user).filter(pk=number).exclude(status="draft").exists():
            return redirect("obstacles:review", pk=number)
        number_form.add_error(
            "entry", _("There is no entry number %(number)s.") % {"number": number}
        )
    form = ReviewQueueFilterForm(
        request.GET or None,
        categories=selectors.review_queue_categories(),
        regions=selectors.review_queue_regions(),
    )
    filters = selectors.ReviewQueueFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.ReviewQueueFilters(
            category=form.cleaned_data["category"], region=form.cleaned_data["region"]
        )
    queue = selectors.review_queue(user=request.user, filters=filters)
    page = Paginator(queue, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    for obstacle in page.object_list:
        obstacle.claim_active = claim_is_active(obstacle, now=now)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("entry", None)
    context = {
        "form": form,
        "number_form": number_form,
        "page": page,
        "query": query.urlencode(),
        "is_reviewer": True,
        "claim_minutes": settings.OBSTACLE_CLAIM_MINUTES,
    }
    if _is_htmx(request) and not number_form.is_bound:
        response = render(request, "obstacles/review/partials/queue_results.html", context)
    else:
        response = render(request, "obstacles/review/queue.html", context)
    # The same URL answers a fragment or the page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- The review page ----------------------------------------------------------------------------


def _review_context(
    request: HttpRequest,
    obstacle: Obstacle,
    *,
    bound_move: MoveForm | None = None,
    note_form: ReviewerNoteForm | None = None,
) -> dict[str, Any]:
    user = request.user
    page = selectors.obstacle_review_page(obstacle=obstacle)
    move_forms = []
    for move in REVIEWER_MOVES:
        if not can_move_obstacle(user, obstacle, move):
            continue
        if bound_move is not None and bound_move.move == move:
            form = bound_move
        else:
            form = MoveForm(move=move, initial={"version": obstacle.version})
        form.offer_duplicates(page.duplicates)
        move_forms.append(
            {
                "move": move,
                "label": ObstacleMove(move).label,
                "help": MOVE_HELP[move],
                "form": form,
            }
        )
    active = claim_is_active(obstacle)
    return {
        "obstacle": obstacle,
        "page": page,
        "move_forms": move_forms,
        "note_form": note_form or ReviewerNoteForm(),
        "claim_active": active,
        "claim_mine": active and obstacle.claimed_by_id == user.pk,
        "taken_by_other": claimed_by_other(user, obstacle),
        "can_claim": can_claim_obstacle(user, obstacle),
        "can_edit": can_edit_obstacle(user, obstacle),
        "claim_minutes": settings.OBSTACLE_CLAIM_MINUTES,
        "is_reviewer": True,
    }


def _render_review(request: HttpRequest, obstacle: Obstacle, *, status: int = 200, **kw: Any):
    return render(
        request,
        "obstacles/review/detail.html",
        _review_context(request, obstacle, **kw),
        status=status,
    )


@require_GET
def obstacle_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry in full, its history, the reviewers' notes, possible duplicates side by side,
    the claim and one form per move the reviewer may make now."""
    obstacle = _reviewable_or_404(request, pk)
    return _render_review(request, obstacle)


def obstacle_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Take this entry": other reviewers see it as taken (the claim lapses by itself)."""
    obstacle = _reviewable_or_404(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404 too
        return HttpResponseNotAllowed(["POST"])
    try:
        services.obstacle_claim(obstacle=obstacle, reviewer=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(
            request,
            _(
                "You have taken this entry: other reviewers see that you are working on it "
                "for the next %(minutes)s minutes."
            )
            % {"minutes": settings.OBSTACLE_CLAIM_MINUTES},
        )
    return redirect("obstacles:review", pk=obstacle.pk)


def obstacle_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the entry back, so another reviewer can take it."""
    obstacle = _reviewable_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.obstacle_release(obstacle=obstacle, reviewer=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("You released the entry: another reviewer can take it."))
    return redirect("obstacles:review", pk=obstacle.pk)


def _merge_target(request: HttpRequest, form: MoveForm) -> Obstacle | None:
    """The entry the reviewer named as the merge target, if they may see it (the service
    checks whether it may be one)."""
    number = form.cleaned_data.get("merge_target")
    target = obstacles_visible_to(request.user).filter(pk=number).first() if number else None
    if target is None and number:
        form.add_error(
            "merge_number", _("There is no entry number %(number)s.") % {"number": number}
        )
    return target


def _show_refusal(form: MoveForm, exc: ValidationError) -> None:
    """A service refusal beside the field it names (a bad merge target beside the number)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        field = "merge_number" if name in {"merge_target", "merge_into"} else name
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for error in errors:
            form.add_error(target, error)


def obstacle_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One reviewer move (the form's `move`): publish, request changes, merge, reject, withdraw."""
    obstacle = _reviewable_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    move = request.POST.get("move", "")
    if move not in REVIEWER_MOVES:
        raise Http404
    form = MoveForm(request.POST, move=move)
    if not form.is_valid():
        return _render_review(request, obstacle, status=400, bound_move=form)
    target = _merge_target(request, form) if move == ObstacleMove.MERGE else None
    if form.errors:
        return _render_review(request, obstacle, status=400, bound_move=form)
    try:
        moved = services.obstacle_move(
            obstacle=obstacle,
            actor=request.user,
            move=move,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data.get("reason", ""),
            merge_target=target,
        )
    except ConcurrentEditError as exc:
        current = _reviewable_or_404(request, pk)
        data = request.POST.copy()
        data[form.add_prefix("version")] = str(getattr(exc.current, "version", current.version))
        stale = MoveForm(data, move=move)
        stale.is_valid()
        stale.add_error(None, str(CONFLICT_MESSAGE))
        return _render_review(request, current, status=409, bound_move=stale)
    except ValidationError as exc:
        _show_refusal(form, exc)
        return _render_review(request, obstacle, status=400, bound_move=form)
    except PermissionDenied as exc:
        raise Http404 from exc
    if move == ObstacleMove.MERGE:
        messages.success(request, str(MOVE_DONE[move]) % {"number": moved.merged_into_id})
    else:
        messages.success(request, str(MOVE_DONE[move]))
    if move == ObstacleMove.WITHDRAW:
        return redirect("obstacles:review", pk=moved.pk)
    return redirect("obstacles:review_queue")


# --- Private notes ------------------------------------------------------------------------------


def _notes_fragment(
    request: HttpRequest, obstacle: Obstacle, form: ReviewerNoteForm, *, status: int, added: bool
) -> HttpResponse:
    return render(
        request,
        "obstacles/review/partials/notes.html",
        {
            "obstacle": obstacle,
            "notes": selectors.reviewer_notes(obstacle=obstacle),
            "note_form": form,
            "note_added": added,
        },
        status=status,
    )


def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A private note between reviewers. With htmx the notes section is answered alone (the
    same permission check as the page); without, the page."""
    obstacle = _reviewable_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ReviewerNoteForm(request.POST)
    if form.is_valid():
        try:
            services.reviewer_note_add(
                obstacle=obstacle, reviewer=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            _show_refusal_on_note(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            if _is_htmx(request):
                return _notes_fragment(
                    request, obstacle, ReviewerNoteForm(), status=200, added=True
                )
            messages.success(request, _("Your note was added."))
            return redirect(reverse("obstacles:review", args=[obstacle.pk]) + "#notes")
    if _is_htmx(request):
        return _notes_fragment(request, obstacle, form, status=400, added=False)
    return _render_review(request, obstacle, status=400, note_form=form)


def _show_refusal_on_note(form: ReviewerNoteForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error("text" if name == "text" else None, error)
    else:
        form.add_error(None, exc)


urlpatterns: list[URLPattern] = [
    path("review/", review_queue, name="review_queue"),
    path("review/<int:pk>/", obstacle_review, name="review"),
    path("review/<int:pk>/claim/", obstacle_claim, name="claim"),
    path("review/<int:pk>/release/", obstacle_release, name="release"),
    path("review/<int:pk>/move/", obstacle_move, name="move"),
    path("review/<int:pk>/notes/", note_add, name="note_add"),
]
