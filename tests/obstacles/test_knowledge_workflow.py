"""The life of a knowledge article through its services: who drafts, who edits in which state,
every legal and illegal move, publication dates, versions, links to obstacles, sanitising,
double submits, the audit trail and the author's mail."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from obstacles.models import KnowledgeArticle, Obstacle
from obstacles.services.knowledge import article_create, article_move, article_update
from obstacles.workflow import ARTICLE_MOVES, ArticleStatus, ObstacleStatus
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent

from .test_knowledge_scene import *  # noqa: F403  (fixtures)
from .test_knowledge_scene import article_data

pytestmark = pytest.mark.django_db

A = ArticleStatus
LEGAL = {
    (move, state): target for move, (sources, target) in ARTICLE_MOVES.items() for state in sources
}


# --- Drafting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "reviewer", "portal_admin"])
def test_coordinators_reviewers_and_admins_draft_articles(
    who: str, request: pytest.FixtureRequest, obstacle: Obstacle
) -> None:
    person = request.getfixturevalue(who)

    article = article_create(author=person, data=article_data(), obstacles=[obstacle])

    assert article.status == A.DRAFT
    assert article.author == person
    assert list(article.obstacles.all()) == [obstacle]
    assert AuditEvent.objects.filter(action="article.create", target_id=str(article.pk)).exists()


@pytest.mark.parametrize("who", ["author", "stranger"])
def test_company_members_and_others_may_not_draft(who: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        article_create(author=request.getfixturevalue(who), data=article_data())
    assert not KnowledgeArticle.objects.exists()


def test_the_body_is_sanitised_and_the_references_tidied(coordinator: Any) -> None:
    article = article_create(
        author=coordinator,
        data=article_data(
            body='<p style="color:red">Text</p><script>alert(1)</script>'
            '<a href="file:///etc/passwd">lokal</a><iframe src="https://x"></iframe>',
            references="  SFS 2009:400  \r\n\r\nhttps://example.se/a\n",
        ),
    )
    for gone in ("style", "script", "alert", "file:", "iframe"):
        assert gone not in article.body
    assert article.body.startswith("<p>Text</p>")
    assert "lokal" in article.body
    assert article.references == "SFS 2009:400\nhttps://example.se/a"


def test_a_draft_needs_a_title_summary_text_and_topic(coordinator: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        article_create(
            author=coordinator,
            data=article_data(title=" ", summary="", body="<style>p{}</style>", topic=""),
        )
    assert set(caught.value.message_dict) == {"title", "summary", "body", "topic"}
    assert not KnowledgeArticle.objects.exists()


@pytest.mark.parametrize("status", [ObstacleStatus.DRAFT, ObstacleStatus.WITHDRAWN])
def test_only_published_obstacles_can_be_linked(
    status: str, coordinator: Any, obstacle_in: Callable[..., Obstacle]
) -> None:
    hidden = obstacle_in(status, title="Inte publicerat")
    with pytest.raises(ValidationError) as caught:
        article_create(author=coordinator, data=article_data(), obstacles=[hidden])
    assert str(hidden.pk) in str(caught.value.message_dict["obstacles"])
    assert not KnowledgeArticle.objects.exists()


def test_the_same_form_token_twice_makes_one_article(coordinator: Any) -> None:
    data = article_data(client_token="0d1b2f51-6c7e-4fb0-9a37-1b1e7f9b0c01")

    first = article_create(author=coordinator, data=data)
    second = article_create(author=coordinator, data=data)

    assert first.pk == second.pk
    assert KnowledgeArticle.objects.count() == 1


# --- Moves --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("move", "state", "target"),
    [pytest.param(m, s, t, id=f"{m}-from-{s}") for (m, s), t in LEGAL.items()],
)
def test_every_legal_move_reaches_its_state_and_is_recorded(
    move: str,
    state: str,
    target: str,
    article_in: Callable[..., KnowledgeArticle],
    reviewer: Any,
) -> None:
    article = article_in(state)

    moved = article_move(article=article, actor=reviewer, move=move, reason="Granskad.")

    moved.refresh_from_db()
    assert moved.status == target
    assert moved.version == article.version + 1
    event = AuditEvent.objects.filter(action=f"article.{move}", target_id=str(moved.pk)).first()
    assert event is not None
    assert event.data == {"from": state, "to": target}
    assert event.reason == "Granskad."


@pytest.mark.parametrize(
    ("move", "state"),
    [
        pytest.param(m, s, id=f"{m}-from-{s}")
        for m in ARTICLE_MOVES
        for s in A.values
        if (m, s) not in LEGAL
    ],
)
def test_every_illegal_move_is_refused_and_changes_nothing(
    move: str, state: str, article_in: Callable[..., KnowledgeArticle], reviewer: Any
) -> None:
    article = article_in(state)
    with pytest.raises(ValidationError, match="cannot be moved that way"):
        article_move(article=article, actor=reviewer, move=move)
    article.refresh_from_db()
    assert article.status == state


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator", "author"])
def test_only_reviewers_publish_even_the_authors_own_article(
    who: str, article_in: Callable[..., KnowledgeArticle], request: pytest.FixtureRequest
) -> None:
    article = article_in()
    with pytest.raises(PermissionDenied):
        article_move(article=article, actor=request.getfixturevalue(who), move="publish")
    article.refresh_from_db()
    assert article.status == A.DRAFT


def test_publishing_records_who_and_when_and_dates_the_review_today(
    article_in: Callable[..., KnowledgeArticle], reviewer: Any
) -> None:
    article = article_in()

    published = article_move(article=article, actor=reviewer, move="publish")

    assert published.published_by == reviewer
    assert published.published_at is not None
    assert abs(published.published_at - timezone.now()) < dt.timedelta(minutes=1)
    assert published.last_reviewed == timezone.localdate()


def test_publishing_keeps_a_review_date_the_author_gave(
    article_in: Callable[..., KnowledgeArticle], reviewer: Any
) -> None:
    article = article_in(last_reviewed=dt.date(2025, 3, 1))
    published = article_move(article=article, actor=reviewer, move="publish")
    assert published.last_reviewed == dt.date(2025, 3, 1)


def test_a_move_on_a_stale_version_is_refused(
    article_in: Callable[..., KnowledgeArticle], reviewer: Any, coordinator: Any
) -> None:
    article = article_in()
    seen = article.version
    article_update(article=article, actor=coordinator, expected_version=seen, data={"title": "Ny"})

    with pytest.raises(ConcurrentEditError):
        article_move(article=article, actor=reviewer, move="publish", expected_version=seen)

    article.refresh_from_db()
    assert article.status == A.DRAFT


# --- Editing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "may"), [(A.DRAFT, True), (A.UNPUBLISHED, True), (A.PUBLISHED, False)]
)
def test_the_author_edits_a_draft_or_unpublished_article_only(
    state: str, may: bool, article_in: Callable[..., KnowledgeArticle], coordinator: Any
) -> None:
    article = article_in(state)

    def edit() -> KnowledgeArticle:
        return article_update(
            article=article,
            actor=coordinator,
            expected_version=article.version,
            data={"title": "Ändrad titel", "body": "Ny text."},
        )

    if may:
        edited = edit()
        assert edited.title == "Ändrad titel"
        assert edited.body == "<p>Ny text.</p>"
    else:
        with pytest.raises(ValidationError):
            edit()
        article.refresh_from_db()
        assert article.title == article_data()["title"]


@pytest.mark.parametrize("state", A.values)
def test_reviewers_edit_articles_in_every_state(
    state: str, article_in: Callable[..., KnowledgeArticle], reviewer: Any
) -> None:
    article = article_in(state)
    edited = article_update(
        article=article, actor=reviewer, expected_version=article.version, data={"title": "R"}
    )
    assert edited.title == "R"
    assert edited.status == state


def test_another_coordinator_may_not_edit(
    article_in: Callable[..., KnowledgeArticle], other_coordinator: Any
) -> None:
    article = article_in()
    with pytest.raises(PermissionDenied):
        article_update(
            article=article,
            actor=other_coordinator,
            expected_version=article.version,
            data={"title": "Kapad"},
        )


def test_an_author_who_lost_the_coordinator_role_may_not_edit(
    article_in: Callable[..., KnowledgeArticle], coordinator: Any
) -> None:
    from portal.accounts.roles import Role
    from portal.accounts.services import role_revoke

    article = article_in()
    role_revoke(user=coordinator, role=Role.REGION_COORDINATOR)
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # roles are cached per object

    with pytest.raises(ValidationError):
        article_update(
            article=article,
            actor=coordinator,
            expected_version=article.version,
            data={"title": "Efteråt"},
        )


def test_a_stale_edit_is_refused_and_the_first_edit_kept(
    article_in: Callable[..., KnowledgeArticle], reviewer: Any, coordinator: Any
) -> None:
    article = article_in()
    seen = article.version
    article_update(article=article, actor=reviewer, expected_version=seen, data={"title": "Först"})

    with pytest.raises(ConcurrentEditError):
        article_update(
            article=article, actor=coordinator, expected_version=seen, data={"title": "Sen"}
        )

    article.refresh_from_db()
    assert article.title == "Först"


def test_editing_sets_the_obstacle_links_from_published_obstacles(
    article_in: Callable[..., KnowledgeArticle],
    coordinator: Any,
    reviewer: Any,
    obstacle: Obstacle,
    obstacle_in: Callable[..., Obstacle],
) -> None:
    from obstacles.services.entries import obstacle_move

    article = article_in(obstacles=[obstacle])
    obstacle_move(obstacle=obstacle, actor=reviewer, move="withdraw", reason="Inaktuellt.")
    other = obstacle_in(ObstacleStatus.PUBLISHED, title="Ett annat hinder")
    draft = obstacle_in(ObstacleStatus.DRAFT, title="Ett utkast")

    edited = article_update(
        article=article,
        actor=coordinator,
        expected_version=article.version,
        data={},
        obstacles=[obstacle, other],
    )
    assert set(edited.obstacles.all()) == {obstacle, other}
    with pytest.raises(ValidationError):
        article_update(
            article=edited,
            actor=coordinator,
            expected_version=edited.version,
            data={},
            obstacles=[draft],
        )
    assert set(edited.obstacles.all()) == {obstacle, other}


# --- Mail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "move"), [(A.DRAFT, "publish"), (A.PUBLISHED, "unpublish")])
def test_the_author_is_told_when_a_reviewer_publishes_or_unpublishes(
    state: str,
    move: str,
    article_in: Callable[..., KnowledgeArticle],
    reviewer: Any,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    article = article_in(state)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        article_move(article=article, actor=reviewer, move=move, reason="Uppdatera källorna.")

    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert article.title in mail.outbox[0].subject
    assert "Uppdatera källorna." in mail.outbox[0].body
    assert f"/obstacles/knowledge/{article.pk}/" in mail.outbox[0].body


def test_a_reviewer_publishing_their_own_article_gets_no_mail(
    article_in: Callable[..., KnowledgeArticle],
    reviewer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    article = article_in(by=reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article_move(article=article, actor=reviewer, move="publish")
    assert mail.outbox == []


def test_an_unknown_topic_or_language_is_refused(coordinator: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        article_create(author=coordinator, data=article_data(topic="astrology", language="de"))
    assert set(caught.value.message_dict) == {"topic", "language"}
    assert not KnowledgeArticle.objects.exists()
