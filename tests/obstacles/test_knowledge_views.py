"""The knowledge base's pages: who may open and post each one in each state (404 for missing and
forbidden alike), the editor's handling of bad input, double submits and concurrent edits, what
an article's page shows, and fixed query counts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from obstacles.models import KnowledgeArticle, Obstacle
from obstacles.services.knowledge import article_update
from obstacles.workflow import ArticleStatus, ObstacleStatus
from portal.core.models import AuditEvent
from tests.utils import count_queries

from .test_knowledge_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

A = ArticleStatus
LOGIN, CHANGED = "login", "changed"
ROLES = [
    "writer",
    "other_coordinator",
    "member",
    "stranger",
    "reviewer",
    "portal_admin",
    "anonymous",
]
STAFF = {"reviewer", "portal_admin"}
# The move a reviewer can make from each state.
MOVE_FROM = {A.DRAFT: "publish", A.PUBLISHED: "unpublish", A.UNPUBLISHED: "publish"}


def _expected(view: str, state: str, role: str) -> Any:
    if view == "detail":
        if state == A.PUBLISHED or role in STAFF or role == "writer":
            return 200
        return 404
    if role == "anonymous":
        return LOGIN
    if view == "create":
        return 200 if role in {"writer", "other_coordinator", *STAFF} else 404
    if view == "edit":
        if role in STAFF or (role == "writer" and state != A.PUBLISHED):
            return 200
        return 404
    if view == "move":
        return CHANGED if role in STAFF else 404
    raise AssertionError(view)


CASES = [
    pytest.param(view, state, role, _expected(view, state, role), id=f"{view}-{state}-{role}")
    for view in ("detail", "edit", "move", "create")
    for state in A.values
    for role in ROLES
    if not (view == "create" and state != A.DRAFT)
]


@pytest.fixture
def people(
    coordinator: Any,
    other_coordinator: Any,
    author: Any,
    stranger: Any,
    reviewer: Any,
    portal_admin: Any,
) -> dict[str, Any]:
    return {
        "writer": coordinator,
        "other_coordinator": other_coordinator,
        "member": author,
        "stranger": stranger,
        "reviewer": reviewer,
        "portal_admin": portal_admin,
        "anonymous": None,
    }


@pytest.mark.parametrize(("view", "state", "role", "expected"), CASES)
def test_who_may_open_and_post_each_knowledge_page(
    view: str,
    state: str,
    role: str,
    expected: Any,
    people: dict[str, Any],
    article_in: Callable[..., KnowledgeArticle],
    client: Any,
) -> None:
    article = article_in(state)
    if people[role] is not None:
        client.force_login(people[role])
    if view == "create":
        response = client.get(reverse("obstacles:article_create"))
    elif view == "move":
        response = client.post(
            reverse("obstacles:article_move", args=[article.pk]),
            {"move": MOVE_FROM[state], "version": article.version},
        )
    else:
        response = client.get(reverse(f"obstacles:article_{view}", args=[article.pk]))

    article.refresh_from_db()
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == CHANGED:
        assert response.status_code == 302
        assert article.status != state
    else:
        assert response.status_code == expected
    if expected != CHANGED:
        assert article.status == state


def test_a_missing_article_is_404_like_a_forbidden_one(client: Any, reviewer: Any) -> None:
    client.force_login(reviewer)
    assert client.get(reverse("obstacles:article_detail", args=[999999])).status_code == 404
    assert client.get(reverse("obstacles:article_edit", args=[999999])).status_code == 404


def test_the_move_url_answers_405_to_a_reviewers_get_and_404_to_others(
    article_in: Callable[..., KnowledgeArticle], reviewer: Any, coordinator: Any, client: Any
) -> None:
    article = article_in()
    url = reverse("obstacles:article_move", args=[article.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 405
    client.force_login(coordinator)
    assert client.get(url).status_code == 404


# --- Writing ------------------------------------------------------------------------------------


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Informationsklassning före molnet",
        "summary": "Hur regioner klassar information.",
        "body": "Första stycket.\n\nAndra stycket.",
        "references": "KLASSA-modellen",
        "topic": "security_classification",
        "language": "sv",
        "last_reviewed": "",
        "obstacle_numbers": "",
        "client_token": "8f0e1c1e-6a55-4e08-8c2b-0f5b1e4f2c01",
    }
    data.update(overrides)
    return data


def test_a_coordinator_writes_a_draft_linked_to_obstacles(
    coordinator: Any, obstacle: Obstacle, client: Any
) -> None:
    client.force_login(coordinator)

    response = client.post(
        reverse("obstacles:article_create"), _form(obstacle_numbers=f"#{obstacle.pk}")
    )

    article = KnowledgeArticle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert article.status == A.DRAFT
    assert article.author == coordinator
    assert article.body == "<p>Första stycket.</p><p>Andra stycket.</p>"
    assert list(article.obstacles.all()) == [obstacle]


def test_bad_input_is_explained_beside_each_field_and_what_was_typed_is_kept(
    coordinator: Any, obstacle_in: Callable[..., Obstacle], client: Any
) -> None:
    hidden = obstacle_in(ObstacleStatus.DRAFT)
    client.force_login(coordinator)

    response = client.post(
        reverse("obstacles:article_create"),
        _form(summary="", last_reviewed="25/11/2026", obstacle_numbers=f"{hidden.pk}, tolv"),
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in body
    assert "Write a short summary." in body
    assert "Write the date as 2026-11-25." in body
    assert "Write obstacle numbers separated by commas" in body
    assert 'value="Informationsklassning före molnet"' in body
    assert "Första stycket." in body
    assert not KnowledgeArticle.objects.exists()

    response = client.post(
        reverse("obstacles:article_create"), _form(obstacle_numbers=f"{hidden.pk}")
    )
    assert f"No published obstacle has the number {hidden.pk}." in response.content.decode()
    assert not KnowledgeArticle.objects.exists()


def test_a_double_submit_makes_one_article(coordinator: Any, client: Any) -> None:
    client.force_login(coordinator)
    first = client.post(reverse("obstacles:article_create"), _form())
    second = client.post(reverse("obstacles:article_create"), _form())

    assert KnowledgeArticle.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_stale_edit_answers_409_keeping_what_was_typed(
    article_in: Callable[..., KnowledgeArticle], coordinator: Any, reviewer: Any, client: Any
) -> None:
    article = article_in()
    seen = article.version
    article_update(
        article=article, actor=reviewer, expected_version=seen, data={"title": "Granskarens titel"}
    )
    client.force_login(coordinator)

    response = client.post(
        reverse("obstacles:article_edit", args=[article.pk]),
        _form(title="Min titel", body="Min nya text.", version=seen),
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert 'value="Min titel"' in body
    assert "Min nya text." in body
    assert "Granskarens titel" in body  # the stored version, beside the form
    assert f'name="version" value="{seen + 1}"' in body
    article.refresh_from_db()
    assert article.title == "Granskarens titel"


def test_the_editor_shows_plain_paragraphs_as_the_text_that_was_typed(
    article_in: Callable[..., KnowledgeArticle], coordinator: Any, client: Any
) -> None:
    article = article_in()
    client.force_login(coordinator)
    body = client.get(reverse("obstacles:article_edit", args=[article.pk])).content.decode()
    assert "Röjande av uppgifter till en leverantör kräver en sekretessprövning.\n\n" in body
    assert "&lt;p&gt;" not in body


def test_a_double_publish_is_done_once(
    article_in: Callable[..., KnowledgeArticle], reviewer: Any, client: Any
) -> None:
    article = article_in()
    client.force_login(reviewer)
    url = reverse("obstacles:article_move", args=[article.pk])
    data = {"move": "publish", "version": article.version}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert AuditEvent.objects.filter(action="article.publish").count() == 1


# --- The article's page -------------------------------------------------------------------------


def test_the_page_marks_the_language_links_references_and_shows_only_published_obstacles(
    article_in: Callable[..., KnowledgeArticle],
    obstacle: Obstacle,
    obstacle_in: Callable[..., Obstacle],
    reviewer: Any,
    client: Any,
) -> None:
    from obstacles.services.entries import obstacle_move

    gone = obstacle_in(ObstacleStatus.PUBLISHED, title="Snart tillbakadraget hinder")
    article = article_in(A.PUBLISHED, obstacles=[obstacle, gone], language="en")
    obstacle_move(obstacle=gone, actor=reviewer, move="withdraw", reason="Inaktuellt.")

    body = client.get(article.get_absolute_url()).content.decode()

    assert '<article class="knowledge-article" aria-labelledby="article-title" lang="en">' in body
    assert '<a href="https://example.se/vagledning" rel="nofollow">' in body
    assert obstacle.title in body
    assert gone.title not in body
    assert "Edit the article" not in body


def test_the_page_makes_a_fixed_number_of_queries(
    article_in: Callable[..., KnowledgeArticle],
    obstacle_in: Callable[..., Obstacle],
    reviewer: Any,
    client: Any,
) -> None:
    few = article_in(A.PUBLISHED, obstacles=[obstacle_in() for _ in range(1)])
    many = article_in(A.PUBLISHED, obstacles=[obstacle_in() for _ in range(5)])
    client.force_login(reviewer)
    assert count_queries(client, few.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )


def test_a_reviewer_sees_the_edit_link_and_one_publishing_form_after_the_text(
    article_in: Callable[..., KnowledgeArticle], reviewer: Any, client: Any
) -> None:
    article = article_in()
    client.force_login(reviewer)

    body = client.get(article.get_absolute_url()).content.decode()

    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "form" not in title
    assert body.count(f'action="/obstacles/knowledge/{article.pk}/move/"') == 1
    assert body.index('id="article-title"') < body.index("/move/")
    assert 'value="publish"' in body
    assert 'value="unpublish"' not in body
    assert f"/obstacles/knowledge/{article.pk}/edit/" in body


def test_the_list_searches_on_any_database_and_never_shows_drafts(
    article_in: Callable[..., KnowledgeArticle], client: Any
) -> None:
    """The words as typed find the article on PostgreSQL (full text) and on the embedded SQLite
    default (a plain `icontains`)."""
    published = article_in(A.PUBLISHED, title="Sekretess i molnet")
    article_in(A.DRAFT, title="Sekretess i utkastet")
    article_in(A.PUBLISHED, title="Upphandling", summary="LOU.", body="Krav på leverantören.")

    body = client.get(reverse("obstacles:article_list"), {"q": "Sekretess"}).content.decode()

    assert published.title in body
    assert "Sekretess i utkastet" not in body
    assert "Upphandling" not in body


# --- Found in review: odd digits, stale moves, double clicks, htmx history ----------------------


@pytest.mark.parametrize("typed", ["²", "12, ³"])
@pytest.mark.parametrize("view", ["create", "edit"])
def test_superscript_digits_as_obstacle_numbers_are_explained_not_a_crash(
    view: str,
    typed: str,
    article_in: Callable[..., KnowledgeArticle],
    coordinator: Any,
    client: Any,
) -> None:
    article = article_in()
    stored = (article.version, article.title)
    client.force_login(coordinator)
    if view == "create":
        url = reverse("obstacles:article_create")
        data = _form(obstacle_numbers=typed, client_token="8f0e1c1e-6a55-4e08-8c2b-0f5b1e4f2c09")
    else:
        url = reverse("obstacles:article_edit", args=[article.pk])
        data = _form(title="Ny titel", obstacle_numbers=typed, version=article.version)

    response = client.post(url, data)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_obstacle_numbers_error"' in body
    assert "Write obstacle numbers separated by commas" in body
    assert f'value="{typed}"' in body
    assert KnowledgeArticle.objects.count() == 1
    article.refresh_from_db()
    assert (article.version, article.title) == stored


def test_a_stale_move_keeps_the_note_the_reviewer_typed(
    article_in: Callable[..., KnowledgeArticle], reviewer: Any, coordinator: Any, client: Any
) -> None:
    article = article_in()
    seen = article.version
    article_update(article=article, actor=coordinator, expected_version=seen, data={"title": "Ny"})
    client.force_login(reviewer)

    response = client.post(
        reverse("obstacles:article_move", args=[article.pk]),
        {"move": "publish", "reason": "Bra genomgång av sekretessen.", "version": seen},
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert "Bra genomgång av sekretessen.</textarea>" in body
    summary = body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "changed while you were looking at it" in summary
    assert f'name="version" value="{seen + 1}"' in body
    article.refresh_from_db()
    assert article.status == A.DRAFT


def test_a_double_click_on_save_of_an_edit_is_saved_once_not_a_conflict(
    article_in: Callable[..., KnowledgeArticle],
    coordinator: Any,
    obstacle: Obstacle,
    client: Any,
) -> None:
    article = article_in()
    client.force_login(coordinator)
    url = reverse("obstacles:article_edit", args=[article.pk])
    data = _form(
        title="Min nya titel",
        body="Första stycket.\n\nAndra stycket.",
        last_reviewed="2026-11-25",
        obstacle_numbers=str(obstacle.pk),
        version=article.version,
    )

    first = client.post(url, data)
    article.refresh_from_db()
    saved = (article.version, article.title, article.body, article.last_reviewed)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == article.get_absolute_url()
    article.refresh_from_db()
    assert (article.version, article.title, article.body, article.last_reviewed) == saved
    assert list(article.obstacles.all()) == [obstacle]
    assert AuditEvent.objects.filter(action="article.update").count() == 1


def test_a_second_save_with_other_obstacles_is_still_a_conflict(
    article_in: Callable[..., KnowledgeArticle],
    coordinator: Any,
    obstacle: Obstacle,
    client: Any,
) -> None:
    article = article_in()
    client.force_login(coordinator)
    url = reverse("obstacles:article_edit", args=[article.pk])
    data = _form(version=article.version)

    client.post(url, data)
    response = client.post(url, data | {"obstacle_numbers": str(obstacle.pk)})

    assert response.status_code == 409
    assert not article.obstacles.exists()


def test_htmx_history_restore_of_the_list_gets_the_full_page(
    article_in: Callable[..., KnowledgeArticle], client: Any
) -> None:
    article_in(A.PUBLISHED, title="Sekretess i molnet")
    url = reverse("obstacles:article_list")

    partial = client.get(url, {"q": "Sekretess"}, headers={"HX-Request": "true"})
    restored = client.get(
        url,
        {"q": "Sekretess"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<h1>" not in partial.content.decode()
    body = restored.content.decode()
    assert "<h1>" in body and "<nav" in body and "Sekretess i molnet" in body
    assert "HX-Request" in partial["Vary"] and "HX-Request" in restored["Vary"]
