"""Lessons learned: written by a partnership's parties, reviewed by the coordinator.

- `lesson_list` (public): published lessons, newest first, by region and step, 25 a page.
- `lesson_detail`: public when published; otherwise only for people who may see the
  partnership (with its status, the reviewer's reason and the actions they may take).
- `lesson_create` / `lesson_edit`: for those who may work on the partnership (edits while a
  draft or changes were asked; a stale version is answered 409 with the typed text kept).
- `lesson_move`: GET a confirmation (with the reason where one is needed), POST performs it.
- `lesson_review`: the region coordinators' queue (portal admins: every region's), oldest first.

Each view fetches through a permission helper that answers 404 for missing and forbidden
alike, binds a form, calls one service and chooses the response.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from partnerships.permissions import can_view_partnership
from portal.core.concurrency import ConcurrentEditError
from portal.core.editing import form_on_stored_version, save_edit, save_new
from portal.core.forms import apply_validation_error
from portal.core.pagecache import cached_page

from ..forms.lessons import LessonFilterForm, LessonForm, LessonMoveForm
from ..models import Lesson
from ..permissions.base import can_review_lesson, get_lesson_for_user_or_404
from ..permissions.lessons import (
    can_move_lesson,
    can_write_lesson,
    get_lesson_to_edit_or_404,
    get_partnership_to_write_about_or_404,
    is_lesson_reviewer,
    lesson_moves_for,
)
from ..selectors.lessons import (
    lesson_filter_choices,
    lesson_list_published,
    lesson_review_queue,
    step_guide_url,
)
from ..services import lessons as services
from ..workflow import (
    LESSON_EDITABLE,
    LESSON_MOVES,
    LESSON_MOVES_NEEDING_REASON,
    LessonMove,
    LessonStatus,
    lesson_move_allowed,
)

PER_PAGE = 25
# The pages that need a permission check the method after it, so a wrong method tells nobody
# who may not see the page that it exists (404 for them, 405 for the others).
_READ = ("GET", "HEAD")
_READ_WRITE = ("GET", "HEAD", "POST")
DONE = {
    LessonMove.SUBMIT: gettext_lazy(
        "The lesson was sent for review. The region's coordinator reads it before it is public."
    ),
    LessonMove.REQUEST_CHANGES: gettext_lazy(
        "Changes were asked for. The authors have been told why."
    ),
    LessonMove.PUBLISH: gettext_lazy("The lesson was published. The author has been told."),
    LessonMove.WITHDRAW: gettext_lazy(
        "The lesson was withdrawn from the public pages. The author has been told why."
    ),
}
# What the confirmation page's heading and button say, per move.
QUESTION = {
    LessonMove.SUBMIT: gettext_lazy("Send the lesson for review?"),
    LessonMove.REQUEST_CHANGES: gettext_lazy("Ask the authors for changes?"),
    LessonMove.PUBLISH: gettext_lazy("Publish the lesson?"),
    LessonMove.WITHDRAW: gettext_lazy("Withdraw the lesson from the public pages?"),
}
EXPLAIN = {
    LessonMove.SUBMIT: gettext_lazy(
        "The region's coordinator reads the lesson and publishes it or asks for changes. You "
        "cannot edit it while it waits."
    ),
    LessonMove.REQUEST_CHANGES: gettext_lazy(
        "The lesson goes back to its authors with your reason. They can edit it and send it again."
    ),
    LessonMove.PUBLISH: gettext_lazy(
        "Everyone can then read the lesson: on the lessons list, the region's page and the "
        "partnership's public summary."
    ),
    LessonMove.WITHDRAW: gettext_lazy(
        "The lesson is no longer shown to the public. The authors read your reason; you can "
        "publish it again later."
    ),
}
REASON_LABEL = {
    LessonMove.REQUEST_CHANGES: gettext_lazy("What should be changed (the authors read it)"),
    LessonMove.PUBLISH: gettext_lazy("A note to the authors (optional)"),
    LessonMove.WITHDRAW: gettext_lazy("Why it is withdrawn (the authors read it)"),
}
CHANGED = gettext_lazy(
    "The lesson changed while you were looking at it (its status is now “%(status)s”). Check "
    "it and decide again."
)


# --- Public ------------------------------------------------------------------------------------


@login_not_required
@require_GET
@cached_page
def lesson_list(request: HttpRequest) -> HttpResponse:
    """Published lessons, newest first, filtered by region and step (in the URL); a value not on
    offer is reported beside its field and left out."""
    choices = lesson_filter_choices()
    form = LessonFilterForm(request.GET or None, **choices)
    if form.is_bound:
        form.is_valid()
    wanted = form.filters()
    region = next((r for r in choices["regions"] if r.slug == wanted["region"]), None)
    lessons = lesson_list_published(region=region, step_key=wanted["step"])
    page = Paginator(lessons, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for lesson in page.object_list:
        lesson.guide_url = step_guide_url(lesson)  # type: ignore[attr-defined]
    return render(
        request,
        "dissemination/lesson_list.html",
        {"form": form, "page": page, "region": region, "filtered": any(wanted.values())},
    )


def _detail_context(request: HttpRequest, lesson: Lesson, **extra: Any) -> dict[str, Any]:
    user = request.user
    partnership = lesson.partnership
    sees_partnership = can_view_partnership(user, partnership)
    can_write = sees_partnership and can_write_lesson(user, partnership)
    can_review = can_review_lesson(user, lesson)
    moves = lesson_moves_for(lesson, can_write=can_write, can_review=can_review)
    return {
        "lesson": lesson,
        "partnership": partnership,
        "sees_partnership": sees_partnership,
        "partnership_url": reverse(
            "partnerships:detail" if sees_partnership else "partnerships:public_summary",
            args=[partnership.pk],
        ),
        "guide_url": step_guide_url(lesson),
        "involved": can_write or can_review,
        "can_edit": can_write and lesson.status in LESSON_EDITABLE,
        "can_review": can_review,
        "moves": moves,
        "decide_here": can_review and lesson.status == LessonStatus.SUBMITTED,
        "decision_form": LessonMoveForm(initial={"version": lesson.version}),
        **extra,
    }


@login_not_required
@require_GET
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published lesson for everyone; any other only for people who may see the partnership."""
    lesson = get_lesson_for_user_or_404(request.user, pk)
    return render(request, "dissemination/lesson_detail.html", _detail_context(request, lesson))


# --- Writing -----------------------------------------------------------------------------------


def lesson_create(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """Write a lesson about a partnership: saved as a draft, or sent for review at once (the
    button pressed says which). The form's token makes a double submit create one lesson."""
    partnership = get_partnership_to_write_about_or_404(request.user, partnership_pk)
    if request.method not in _READ_WRITE:  # after the fetch: 404 for outsiders, any method
        return HttpResponseNotAllowed(["GET", "POST"])
    form = LessonForm(request.POST or None, partnership=partnership)
    submit = request.POST.get("submit") == "1"
    done = save_new(
        request,
        form=form,
        create=lambda: services.lesson_create(
            actor=request.user,
            partnership=partnership,
            submit=submit,
            client_token=form.token(),
            **form.changes(),
        ),
        # The saved row decides, not the button: a double submit returns the first lesson.
        saved=lambda lesson: (
            DONE[LessonMove.SUBMIT]
            if lesson.status == LessonStatus.SUBMITTED
            else _("The lesson was saved as a draft. Send it for review when it is ready.")
        ),
    )
    if done is not None:
        return done
    return render(
        request,
        "dissemination/lesson_form.html",
        {"form": form, "partnership": partnership, "lesson": None},
    )


def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft, or a lesson the reviewer asked changes of. A stale version is answered 409:
    the form keeps what was typed and shows what is stored now."""
    lesson = get_lesson_to_edit_or_404(request.user, pk)
    if request.method not in _READ_WRITE:  # after the fetch: 404 for outsiders, any method
        return HttpResponseNotAllowed(["GET", "POST"])
    form = LessonForm(request.POST or None, instance=lesson, partnership=lesson.partnership)
    done, conflict = save_edit(
        request,
        form=form,
        instance=lesson,
        save=lambda: services.lesson_update(
            actor=request.user,
            lesson=lesson,
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        ),
        saved=_("The lesson was saved."),
        matches=form.matches_stored,
    )
    if done is not None:
        return done
    return render(
        request,
        "dissemination/lesson_form.html",
        {"form": form, "partnership": lesson.partnership, "lesson": lesson, "conflict": conflict},
        status=409 if conflict else 200,
    )


# --- Moves -------------------------------------------------------------------------------------


# Where a move sends the person back to (a fixed set: never an address from the request).
BACK_TO = ("review", "partnership")


def _back_url(lesson: Lesson, back: str) -> str:
    if back == "review":
        return reverse("dissemination:lesson_review")
    if back == "partnership":
        return reverse("partnerships:detail", args=[lesson.partnership_id]) + "#lessons"
    return lesson.get_absolute_url()


def _render_move(
    request: HttpRequest, lesson: Lesson, move: str, form: LessonMoveForm, status: int = 200
) -> HttpResponse:
    _sources, target = LESSON_MOVES[move]
    return render(
        request,
        "dissemination/lesson_move.html",
        {
            "lesson": lesson,
            "move": move,
            "move_label": LessonMove(move).label,
            "question": QUESTION[LessonMove(move)],
            "explain": EXPLAIN[LessonMove(move)],
            "asks_reason": move != LessonMove.SUBMIT,
            "reason_label": REASON_LABEL.get(LessonMove(move), ""),
            "reason_required": move in LESSON_MOVES_NEEDING_REASON,
            "possible": lesson_move_allowed(move=move, status=lesson.status),
            "done_already": lesson.status == target,
            "form": form,
            "back_url": _back_url(lesson, form["back"].value() or ""),
        },
        status=status,
    )


def lesson_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """Confirm a move (GET, with the reason field where one is asked for) and make it (POST).

    404 for a move that does not exist and for anyone who may not make it; to those who may, a
    move the lesson's state does not allow is explained. A double click or a move someone else
    just made the same way is answered as done; any other change since the page was opened is a
    409 with the typed reason kept."""
    if move not in LESSON_MOVES:
        raise Http404
    lesson = get_lesson_for_user_or_404(request.user, pk)
    if not can_move_lesson(request.user, lesson, move):
        raise Http404
    if request.method not in _READ_WRITE:  # after the check: 404 for outsiders, any method
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method != "POST":
        back = request.GET.get("back", "")
        initial = {"version": lesson.version, "back": back if back in BACK_TO else ""}
        return _render_move(request, lesson, move, LessonMoveForm(initial=initial))

    form = LessonMoveForm(request.POST)
    if not form.is_valid():
        return _render_move(request, lesson, move, form, status=400)
    back_url = _back_url(lesson, form.cleaned_data["back"])
    try:
        services.lesson_move(
            actor=request.user,
            lesson=lesson,
            move=move,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ConcurrentEditError as exc:
        fresh = get_lesson_for_user_or_404(request.user, pk)
        current: Any = exc.current
        changed = CHANGED % {"status": current.get_status_display()}
        stale = form_on_stored_version(LessonMoveForm, request.POST, fresh, changed)
        return _render_move(request, fresh, move, stale, status=409)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _render_move(request, lesson, move, form, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, DONE[LessonMove(move)])
    return redirect(back_url)


# --- Review ------------------------------------------------------------------------------------


def lesson_review(request: HttpRequest) -> HttpResponse:
    """Coordinators: the lessons waiting in their regions, oldest first (portal admins: all),
    each with its publish / ask-for-changes form. 404 for everyone else, whatever the method."""
    if not is_lesson_reviewer(request.user):
        raise Http404
    if request.method not in _READ:  # after the check: a wrong method is 405 for reviewers only
        return HttpResponseNotAllowed(["GET"])
    page = Paginator(lesson_review_queue(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    for lesson in page.object_list:
        lesson.guide_url = step_guide_url(lesson)  # type: ignore[attr-defined]
    return render(
        request,
        "dissemination/lesson_review.html",
        {"page": page, "decision_form": LessonMoveForm()},
    )


urlpatterns: list[URLPattern] = [
    path("lessons/", lesson_list, name="lesson_list"),
    path("lessons/review/", lesson_review, name="lesson_review"),
    path("lessons/<int:pk>/", lesson_detail, name="lesson_detail"),
    path("lessons/new/<int:partnership_pk>/", lesson_create, name="lesson_create"),
    path("lessons/<int:pk>/edit/", lesson_edit, name="lesson_edit"),
    path("lessons/<int:pk>/move/<slug:move>/", lesson_move, name="lesson_move"),
]
