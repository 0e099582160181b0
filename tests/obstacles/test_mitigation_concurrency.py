"""Two requests at the same moment, on real PostgreSQL connections: the same "new" form posted
twice makes one solution (and one article); two reviewers deciding at once make one decision."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from obstacles.models import KnowledgeArticle, Mitigation
from obstacles.services.knowledge import article_create
from obstacles.services.mitigations import mitigation_create, mitigation_move
from obstacles.workflow import MitigationStatus
from portal.core.models import AuditEvent

from .test_knowledge_scene import *  # noqa: F403  (fixtures)
from .test_knowledge_scene import article_data, mitigation_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_the_same_form_posted_twice_at_once_makes_one_solution(
    reference_data: None, author: Any, obstacle: Any
) -> None:
    data = mitigation_data(client_token="9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e01")

    def create() -> Mitigation:
        return mitigation_create(author=author, obstacles=[obstacle], data=data)

    first, second = _at_once(create, create)

    assert isinstance(first, Mitigation), first
    assert isinstance(second, Mitigation), second
    assert first.pk == second.pk
    assert Mitigation.objects.count() == 1


def test_the_same_article_form_posted_twice_at_once_makes_one_article(
    reference_data: None, coordinator: Any
) -> None:
    data = article_data(client_token="9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e02")

    def create() -> KnowledgeArticle:
        return article_create(author=coordinator, data=data)

    first, second = _at_once(create, create)

    assert isinstance(first, KnowledgeArticle), first
    assert first.pk == getattr(second, "pk", None)
    assert KnowledgeArticle.objects.count() == 1


def test_two_reviewers_deciding_at_once_make_one_decision(
    reference_data: None,
    mitigation_in: Callable[..., Mitigation],
    reviewer: Any,
    portal_admin: Any,
) -> None:
    mitigation = mitigation_in()
    seen = mitigation.version

    def decide(person: Any, move: str) -> Any:
        return lambda: mitigation_move(
            mitigation=mitigation, actor=person, move=move, expected_version=seen, reason="Nej."
        )

    results = _at_once(decide(reviewer, "publish"), decide(portal_admin, "reject"))

    decided = [r for r in results if isinstance(r, Mitigation)]
    assert len(decided) == 1
    mitigation.refresh_from_db()
    assert mitigation.status == decided[0].status
    assert mitigation.status in (MitigationStatus.PUBLISHED, MitigationStatus.REJECTED)
    assert (
        AuditEvent.objects.filter(action__in=["mitigation.publish", "mitigation.reject"]).count()
        == 1
    )
