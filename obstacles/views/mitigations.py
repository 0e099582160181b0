"""Mitigations: submitting one for a published obstacle, its page, the author's own list, the
reviewers' queue and their decisions.

Each view authenticates (LoginRequiredMiddleware; a mitigation's page is public on purpose when
it is published), fetches through a permission helper that answers 404 for missing and forbidden
alike, binds a form, calls one service and chooses the response. The partnership where a
mitigation worked is named only to people who may open that partnership.
"""

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.core.editing import save_edit, save_new

from ..forms.mitigations import (
    MOVE_LABELS,
    MitigationForm,
    MitigationMoveForm,
    matches_stored,
)
from ..models import Mitigation
from ..permissions.entries import is_obstacle_reviewer
from ..permissions.knowledge import (
    can_edit_mitigation,
    can_see_partnership_of,
    get_mitigation_for_user_or_404,
    get_published_obstacle_or_404,
    mitigation_moves_for,
)
from ..selectors import knowledge as selectors
from ..services import mitigations as services
from ..workflow import MITIGATION_MOVES
from ._common import run_move

PER_PAGE = 25
DONE = {
    "publish": gettext_lazy("The solution was published. The author has been told."),
    "reject": gettext_lazy("The solution was rejected. The author has been told why."),
    "withdraw": gettext_lazy("The solution was withdrawn. The author has been told why."),
}
# The moves offered on the queue (from "submitted"); the others are on the solution's page.
QUEUE_MOVES = ("publish", "reject")
# Where a decision made from the queue sends the reviewer back to.
FROM_QUEUE = "queue"


@require_http_methods(["GET", "POST"])
def mitigation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Tell how you got past a published obstacle (and, optionally, others by their numbers)."""
    obstacle = get_published_obstacle_or_404(pk)
    form = MitigationForm(request.POST or None, user=request.user, obstacle=obstacle)
    done = save_new(
        request,
        form=form,
        create=lambda: services.mitigation_create(
            author=request.user,
            obstacles=form.cleaned_data["obstacle_numbers"],
            data=form.data_for_service(),
        ),
        saved=lambda _mitigation: _(
            "Thank you. A reviewer reads the solution before it is shown to everyone."
        ),
    )
    if done is not None:
        return done
    return render(
        request,
        "obstacles/mitigations/form.html",
        {"form": form, "obstacle": obstacle, "mitigation": None},
    )


def _detail_context(
    request: HttpRequest, mitigation: Mitigation, move_form: MitigationMoveForm | None = None
) -> dict[str, Any]:
    user = request.user
    moves = mitigation_moves_for(user, mitigation)
    return {
        "mitigation": mitigation,
        "obstacles": selectors.mitigation_obstacles(mitigation=mitigation, user=user),
        "show_partnership": can_see_partnership_of(user, mitigation),
        "can_edit": can_edit_mitigation(user, mitigation),
        "is_author": mitigation.author_id is not None and mitigation.author_id == user.pk,
        "is_reviewer": is_obstacle_reviewer(user),
        "moves": [(move, MOVE_LABELS[move]) for move in moves],
        "move_form": move_form or MitigationMoveForm(initial={"version": mitigation.version}),
    }


def _render_detail(
    request: HttpRequest,
    mitigation: Mitigation,
    move_form: MitigationMoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "obstacles/mitigations/detail.html",
        _detail_context(request, mitigation, move_form),
        status=status,
    )


@login_not_required
@require_GET
def mitigation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public when published; otherwise only its author and reviewers."""
    return _render_detail(request, get_mitigation_for_user_or_404(request.user, pk))


@require_http_methods(["GET", "POST"])
def mitigation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author until a reviewer decides; reviewers while it waits or is published. A stale
    version is answered 409: the form keeps what was typed and shows what is stored."""
    mitigation = get_mitigation_for_user_or_404(request.user, pk)
    if not can_edit_mitigation(request.user, mitigation):
        raise Http404
    form = MitigationForm(request.POST or None, instance=mitigation, user=request.user)
    done, conflict = save_edit(
        request,
        form=form,
        instance=mitigation,
        save=lambda: services.mitigation_update(
            mitigation=mitigation,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            data=form.data_for_service(),
            obstacles=form.cleaned_data["obstacle_numbers"],
        ),
        saved=_("The solution was saved."),
        matches=partial(matches_stored, form),
    )
    if done is not None:
        return done
    return render(
        request,
        "obstacles/mitigations/form.html",
        {"form": form, "obstacle": None, "mitigation": mitigation, "conflict": conflict},
        status=409 if conflict is not None else 200,
    )


@require_GET
def mitigation_mine(request: HttpRequest) -> HttpResponse:
    """The user's own mitigations in every state, with the reason of any decision."""
    page = Paginator(selectors.mitigations_of_author(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "obstacles/mitigations/mine.html",
        {"page": page, "is_reviewer": is_obstacle_reviewer(request.user)},
    )


@require_GET
def mitigation_review_list(request: HttpRequest) -> HttpResponse:
    """Reviewers: submitted mitigations, oldest first, each with its publish / reject form."""
    if not is_obstacle_reviewer(request.user):
        raise Http404
    page = Paginator(selectors.mitigation_review_queue(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "obstacles/mitigations/review_list.html",
        {
            "page": page,
            "from_queue": FROM_QUEUE,
            "review_moves": [(move, MOVE_LABELS[move]) for move in QUEUE_MOVES],
            "blank_move_form": MitigationMoveForm(),
        },
    )


def mitigation_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer publishes, rejects or withdraws (the button pressed says which)."""
    mitigation = get_mitigation_for_user_or_404(request.user, pk)
    if not is_obstacle_reviewer(request.user):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = (
        reverse("obstacles:mitigation_review_list")
        if request.POST.get("back") == FROM_QUEUE
        else mitigation.get_absolute_url()
    )
    form = MitigationMoveForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, mitigation, form, status=400)
    move = form.cleaned_data["move"]
    return run_move(
        request,
        instance=mitigation,
        form=form,
        form_class=MitigationMoveForm,
        target=MITIGATION_MOVES[move][1],
        move=lambda: services.mitigation_move(
            mitigation=mitigation,
            actor=request.user,
            move=move,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        ),
        done=DONE[move],
        changed=_(
            "The solution changed while you were looking at it (it is now %(status)s). "
            "Check it and decide again."
        ),
        back=back,
        refetch=lambda: get_mitigation_for_user_or_404(request.user, pk),
        moves_for=lambda fresh: mitigation_moves_for(request.user, fresh),
        render_detail=lambda obj, move_form, status: _render_detail(
            request, obj, move_form, status=status
        ),
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/mitigations/new/", mitigation_create, name="mitigation_create"),
    path("mitigations/mine/", mitigation_mine, name="mitigation_mine"),
    path("mitigations/review/", mitigation_review_list, name="mitigation_review_list"),
    path("mitigations/<int:pk>/", mitigation_detail, name="mitigation_detail"),
    path("mitigations/<int:pk>/edit/", mitigation_edit, name="mitigation_edit"),
    path("mitigations/<int:pk>/move/", mitigation_move, name="mitigation_move"),
]
