"""The obstacle register demo that `seed_demo` loads: every number the issue asks for, built
through the services, idempotent, and it renders.

Seeding takes a few seconds, so each test checks one area of the demo in full.
"""

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from obstacles.demo.cast import PROGRAMME_REGIONS
from obstacles.models import (
    Category,
    Endorsement,
    KnowledgeArticle,
    KnowledgeTopic,
    Mitigation,
    Obstacle,
    ObstacleTransition,
    Severity,
)
from obstacles.services.entries import default_step_keys
from obstacles.workflow import ArticleStatus, MitigationStatus, ObstacleMove, ObstacleStatus
from partnerships.models import ObstacleNote
from portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db

S = ObstacleStatus
COUNTED = (
    Obstacle,
    ObstacleTransition,
    Endorsement,
    Mitigation,
    KnowledgeArticle,
    ObstacleNote,
    AuditEvent,
)


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["note links"] = ObstacleNote.objects.filter(obstacle__isnull=False).count()
    counts["article links"] = KnowledgeArticle.obstacles.through.objects.count()
    counts["mitigation links"] = Mitigation.obstacles.through.objects.count()
    return counts


def _words(html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", html).split())


def _sentences(html: str) -> int:
    return len(re.findall(r"[.!?](?=\s|<|$)", re.sub(r"<br>", " ", html)))


@pytest.fixture
def seeded(db: Any) -> dict[str, int]:
    call_command("seed_demo")
    return _counts()


def test_a_second_run_creates_nothing(seeded: dict[str, int]) -> None:
    call_command("seed_demo")
    assert _counts() == seeded
    assert seeded["Obstacle"] >= 50


def test_published_compilation_covers_every_category_step_region_severity_and_language(
    seeded: dict[str, int],
) -> None:
    published = Obstacle.objects.filter(status=S.PUBLISHED)
    assert published.count() >= 40
    for category in Category.objects.all():
        assert published.filter(category=category).count() >= 3, category.slug
    assert set(published.values_list("step_key", flat=True)) >= default_step_keys()
    assert default_step_keys() == {
        "entry",
        "needs",
        "agreement",
        "test",
        "evaluation",
        "dissemination",
    }
    regions = set(published.exclude(region=None).values_list("region__slug", flat=True))
    assert regions == set(PROGRAMME_REGIONS)
    assert published.filter(region=None).count() >= 5
    assert set(published.values_list("severity", flat=True)) == set(Severity.values)
    assert published.filter(language="en").count() >= 6
    assert published.filter(language="sv").count() > published.filter(language="en").count()
    actors = set(published.values_list("actors__slug", flat=True))
    assert actors == {"healthcare", "company", "academia", "patients"}


def test_every_published_entry_is_complete_sanitised_and_went_through_review(
    seeded: dict[str, int],
) -> None:
    published = list(Obstacle.objects.filter(status=S.PUBLISHED).prefetch_related("actors"))
    for obstacle in published:
        assert 2 <= _sentences(obstacle.description) <= 5, obstacle.title
        assert obstacle.description.startswith("<p>"), obstacle.title
        assert obstacle.evidence and obstacle.known_mitigation, obstacle.title
        assert "http" not in obstacle.evidence, "references are by title, not invented URLs"
        assert obstacle.actors.all(), obstacle.title
        assert obstacle.published_at and obstacle.submitted_at
        moves = list(obstacle.transitions.values_list("move", flat=True))
        assert moves == [ObstacleMove.SUBMIT, ObstacleMove.PUBLISH], obstacle.title
    assert not Obstacle.objects.filter(title__icontains="lorem").exists()


def test_entries_wait_in_every_review_state(seeded: dict[str, int]) -> None:
    def of(status: str) -> Any:
        return Obstacle.objects.filter(status=status)

    assert of(S.SUBMITTED).count() == 3
    in_review = of(S.IN_REVIEW)
    assert in_review.count() == 2
    assert in_review.filter(claimed_by__email="reviewer@demo.example").count() == 1
    changes = of(S.CHANGES_REQUESTED).get()
    assert changes.decision_reason
    assert changes.transitions.filter(move=ObstacleMove.REQUEST_CHANGES).exists()
    rejected = of(S.REJECTED).get()
    assert rejected.decision_reason
    merged = of(S.MERGED).get()
    assert merged.merged_into is not None and merged.merged_into.status == S.PUBLISHED
    withdrawn = of(S.WITHDRAWN).get()
    assert withdrawn.decision_reason
    assert list(withdrawn.transitions.values_list("move", flat=True)) == [
        ObstacleMove.SUBMIT,
        ObstacleMove.PUBLISH,
        ObstacleMove.WITHDRAW,
    ]
    drafts = of(S.DRAFT)
    assert drafts.count() >= 1
    assert set(drafts.values_list("author__email", flat=True)) == {"company@demo.example"}


def test_mitigations_are_published_where_they_worked_and_two_wait(
    seeded: dict[str, int],
) -> None:
    published = Mitigation.objects.filter(status=MitigationStatus.PUBLISHED)
    assert published.count() >= 12
    for mitigation in published.prefetch_related("obstacles"):
        statuses = {o.status for o in mitigation.obstacles.all()}
        assert statuses == {S.PUBLISHED}, mitigation.title
    assert published.exclude(region=None).values("region").distinct().count() == 4
    assert published.filter(partnership__isnull=False).count() >= 3
    assert Mitigation.objects.filter(status=MitigationStatus.SUBMITTED).count() == 2


def test_knowledge_base_has_an_article_per_cloud_topic_and_a_draft(
    seeded: dict[str, int],
) -> None:
    published = KnowledgeArticle.objects.filter(status=ArticleStatus.PUBLISHED)
    assert published.count() >= 6
    topics = set(published.values_list("topic", flat=True))
    assert topics == set(KnowledgeTopic.values) - {KnowledgeTopic.OTHER}
    for article in published.prefetch_related("obstacles"):
        assert 300 <= _words(article.body) <= 600, (article.title, _words(article.body))
        assert article.body.startswith("<p>") and "<script" not in article.body
        assert article.references and article.summary and article.last_reviewed
        linked = article.obstacles.all()
        assert linked and {o.status for o in linked} == {S.PUBLISHED}, article.title
    assert KnowledgeArticle.objects.filter(status=ArticleStatus.DRAFT).count() == 1


def test_we_met_this_too_counts_differ_so_most_met_sorts(seeded: dict[str, int]) -> None:
    published = Obstacle.objects.filter(status=S.PUBLISHED)
    for obstacle in published:
        assert obstacle.endorsement_count == obstacle.endorsements.count(), obstacle.title
        # Nobody endorses their own organisation's entry.
        assert not obstacle.endorsements.filter(user_id=obstacle.author_id).exists()
    counts = set(published.values_list("endorsement_count", flat=True))
    assert len(counts) >= 5
    assert published.filter(endorsement_count__gte=5).count() >= 5
    # Both kinds: organisations and people without one (the coordinators).
    assert Endorsement.objects.filter(organisation__isnull=False).exists()
    assert Endorsement.objects.filter(organisation__isnull=True).exists()


def test_partnership_notes_link_to_published_entries(seeded: dict[str, int]) -> None:
    linked = ObstacleNote.objects.filter(obstacle__isnull=False)
    assert linked.count() >= 6
    assert set(linked.values_list("obstacle__status", flat=True)) == {S.PUBLISHED}
    assert linked.values("partnership").distinct().count() >= 5
    # Some notes are left unlinked, to try "Link to the register" and "Propose".
    assert ObstacleNote.objects.filter(obstacle__isnull=True).count() >= 1
    # The merged duplicate's links went to the surviving entry.
    merged = Obstacle.objects.get(status=S.MERGED)
    assert not merged.partnership_notes.exists()


def test_the_demo_renders_on_the_public_list_and_the_partnership_page(
    seeded: dict[str, int], client: Any
) -> None:
    response = client.get(reverse("obstacles:list"), {"sort": "met"})
    assert response.status_code == 200
    most_met = Obstacle.objects.filter(status=S.PUBLISHED).order_by("-endorsement_count").first()
    assert most_met is not None
    assert most_met.title in response.content.decode()

    note = ObstacleNote.objects.select_related("obstacle", "partnership").get(
        partnership__title="Digital rehabilitering efter stroke", obstacle__isnull=False
    )
    from portal.accounts.models import User

    client.force_login(User.objects.get(email="company@demo.example"))
    response = client.get(reverse("partnerships:detail", args=[note.partnership_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert note.obstacle is not None
    assert reverse("obstacles:detail", args=[note.obstacle.pk]) in page
    assert reverse("obstacles:link_note", args=[note.pk]) in page
