"""The knowledge base: the public, searchable list of articles, an article's page, and the
editor and publishing moves for the people who write and review articles.

Each view authenticates (LoginRequiredMiddleware; the list and the page are public on purpose),
fetches through a permission helper that answers 404 for missing and forbidden alike, binds a
form, calls one service and chooses the response.
"""

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.core.editing import save_edit, save_new

from ..forms.knowledge import MOVE_LABELS, ArticleFilterForm, ArticleForm, ArticleMoveForm
from ..forms.mitigations import matches_stored
from ..models import KnowledgeArticle
from ..permissions.entries import is_obstacle_reviewer
from ..permissions.knowledge import (
    article_moves_for,
    can_create_article,
    can_edit_article,
    get_article_for_user_or_404,
)
from ..selectors import knowledge as selectors
from ..services import knowledge as services
from ..workflow import ARTICLE_MOVES
from ._common import run_move

ARTICLES_PER_PAGE = 20
DONE = {
    "publish": gettext_lazy("The article was published."),
    "unpublish": gettext_lazy(
        "The article was unpublished: only its author and reviewers see it now."
    ),
}


@login_not_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    """Published articles: search (Swedish and English) and topic filter, both in the URL.
    An htmx request (the filter form as one types) gets the results only."""
    form = ArticleFilterForm(request.GET)
    values = form.values()
    search = selectors.article_search(topic=values["topic"], query=values["q"])
    page = Paginator(search.articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {"form": form, "page": page, "search": search}
    htmx: Any = getattr(request, "htmx", None)
    # A boosted link and htmx restoring a page missing from its history cache want it whole.
    if bool(htmx) and not htmx.boosted and not htmx.history_restore_request:
        response = render(request, "obstacles/knowledge/results_htmx.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    may_write = can_create_article(request.user)
    context.update(
        can_create=may_write,
        is_reviewer=is_obstacle_reviewer(request.user),
        unpublished=list(selectors.articles_unpublished_for(user=request.user)[:50])
        if may_write
        else [],
    )
    response = render(request, "obstacles/knowledge/list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _detail_context(
    request: HttpRequest, article: KnowledgeArticle, move_form: ArticleMoveForm | None = None
) -> dict[str, Any]:
    moves = article_moves_for(request.user, article)
    return {
        "article": article,
        "obstacles": selectors.article_obstacles(article=article, user=request.user),
        "references": selectors.article_references(article=article),
        "can_edit": can_edit_article(request.user, article),
        "moves": [(move, MOVE_LABELS[move]) for move in moves],
        "move_form": move_form or ArticleMoveForm(initial={"version": article.version}),
    }


def _render_detail(
    request: HttpRequest,
    article: KnowledgeArticle,
    move_form: ArticleMoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "obstacles/knowledge/detail.html",
        _detail_context(request, article, move_form),
        status=status,
    )


@login_not_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public when published; a draft or unpublished article only for its author and reviewers."""
    return _render_detail(request, get_article_for_user_or_404(request.user, pk))


@require_http_methods(["GET", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    if not can_create_article(request.user):
        raise Http404
    form = ArticleForm(request.POST or None)
    done = save_new(
        request,
        form=form,
        create=lambda: services.article_create(
            author=request.user,
            data=form.data_for_service(),
            obstacles=form.cleaned_data["obstacle_numbers"],
        ),
        saved=lambda _article: _("The draft was saved. A reviewer publishes it when it is ready."),
    )
    if done is not None:
        return done
    return render(request, "obstacles/knowledge/form.html", {"form": form, "article": None})


@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A stale version is answered 409: the form keeps what was typed and shows what is stored."""
    article = get_article_for_user_or_404(request.user, pk)
    if not can_edit_article(request.user, article):
        raise Http404
    form = ArticleForm(request.POST or None, instance=article)
    done, conflict = save_edit(
        request,
        form=form,
        instance=article,
        save=lambda: services.article_update(
            article=article,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            data=form.data_for_service(),
            obstacles=form.cleaned_data["obstacle_numbers"],
        ),
        saved=_("The article was saved."),
        matches=partial(matches_stored, form),
    )
    if done is not None:
        return done
    return render(
        request,
        "obstacles/knowledge/form.html",
        {"form": form, "article": article, "conflict": conflict},
        status=409 if conflict is not None else 200,
    )


def article_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer publishes or unpublishes (the button pressed says which)."""
    article = get_article_for_user_or_404(request.user, pk)
    if not is_obstacle_reviewer(request.user):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ArticleMoveForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, article, form, status=400)
    move = form.cleaned_data["move"]
    return run_move(
        request,
        instance=article,
        form=form,
        form_class=ArticleMoveForm,
        target=ARTICLE_MOVES[move][1],
        move=lambda: services.article_move(
            article=article,
            actor=request.user,
            move=move,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        ),
        done=DONE[move],
        changed=_(
            "The article changed while you were looking at it (it is now %(status)s). "
            "Check it and decide again."
        ),
        back=article.get_absolute_url(),
        refetch=lambda: get_article_for_user_or_404(request.user, pk),
        moves_for=lambda fresh: article_moves_for(request.user, fresh),
        render_detail=lambda obj, move_form, status: _render_detail(
            request, obj, move_form, status=status
        ),
    )


urlpatterns: list[URLPattern] = [
    path("knowledge/", article_list, name="article_list"),
    path("knowledge/new/", article_create, name="article_create"),
    path("knowledge/<int:pk>/", article_detail, name="article_detail"),
    path("knowledge/<int:pk>/edit/", article_edit, name="article_edit"),
    path("knowledge/<int:pk>/move/", article_move, name="article_move"),
]
