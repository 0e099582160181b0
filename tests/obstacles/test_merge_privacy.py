"""A merged entry's author must not learn the title or number of the entry it was merged into
while they may not see that one (someone else's entry still waiting for review): not in the
decision mail, not on "My obstacles", not through the old address's redirect. Once the other
entry is published, all three name it as before."""

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from obstacles.models import Obstacle
from obstacles.services import entries as services
from obstacles.workflow import ObstacleMove, ObstacleStatus
from tests.factories import UserFactory
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import make_company_member
from tests.utils import count_queries

from .test_entry_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

S, M = ObstacleStatus, ObstacleMove
HIDDEN_TITLE = "Ett annat företags hinder under granskning"
STILL_REVIEWED = "the same obstacle as another entry, which is still being reviewed"


@pytest.fixture
def other_author(db: Any) -> Any:
    return make_company_member(email="eva@annat.example", name="Eva Annan")


@pytest.fixture
def waiting_target(entry_in: Any, other_author: Any) -> Obstacle:
    """Someone else's entry, submitted and not yet published."""
    return entry_in(S.SUBMITTED, by=other_author, title=HIDDEN_TITLE)


def _merge(entry: Obstacle, target: Obstacle, reviewer: Any) -> Obstacle:
    merged = services.obstacle_move(
        obstacle=entry, actor=reviewer, move=M.MERGE, merge_target=target, reason="Dubblett."
    )
    merged.refresh_from_db()
    return merged


def _publish(target: Obstacle, reviewer: Any) -> Obstacle:
    services.obstacle_claim(obstacle=target, reviewer=reviewer)
    target.refresh_from_db()
    return services.obstacle_move(obstacle=target, actor=reviewer, move=M.PUBLISH)


def _detail(entry: Obstacle) -> str:
    return reverse("obstacles:detail", args=[entry.pk])


@pytest.fixture
def merged_away(entry_in: Any, waiting_target: Obstacle, reviewer: Any) -> Obstacle:
    """The author's submitted entry, merged into someone else's entry still waiting."""
    return _merge(entry_in(S.SUBMITTED, title="Min dubblett"), waiting_target, reviewer)


# --- The decision mail --------------------------------------------------------------------------


def test_the_merge_mail_does_not_name_an_entry_the_author_may_not_see(
    entry_in: Any,
    author: Any,
    reviewer: Any,
    waiting_target: Obstacle,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = entry_in(S.SUBMITTED, title="Min dubblett")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _merge(entry, waiting_target, reviewer)

    (message,) = mailoutbox
    assert message.to == [author.email]
    assert STILL_REVIEWED in message.body
    assert "Min dubblett" in message.body
    assert HIDDEN_TITLE not in message.body and HIDDEN_TITLE not in message.subject
    assert _detail(waiting_target) not in message.body
    assert f"{settings.PORTAL_SITE_URL}{_detail(entry)}\n" in message.body  # their own entry
    assert "Dubblett." in message.body  # the reviewer's message still reaches them


def test_the_merge_mail_names_a_published_target_with_its_address(
    entry_in: Any,
    reviewer: Any,
    waiting_target: Obstacle,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    target = _publish(waiting_target, reviewer)
    entry = entry_in(S.SUBMITTED, title="Min dubblett")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _merge(entry, target, reviewer)

    (message,) = mailoutbox
    assert f"“{HIDDEN_TITLE}”" in message.body
    assert f"{settings.PORTAL_SITE_URL}{_detail(target)}\n" in message.body
    assert "still being reviewed" not in message.body


def test_the_merge_mail_names_the_authors_own_waiting_entry(
    entry_in: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    own_target = entry_in(S.SUBMITTED, title="Mitt första hinder")
    entry = entry_in(S.SUBMITTED, title="Min dubblett")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _merge(entry, own_target, reviewer)

    (message,) = mailoutbox
    assert "“Mitt första hinder”" in message.body
    assert f"{settings.PORTAL_SITE_URL}{_detail(own_target)}\n" in message.body


# --- My obstacles -------------------------------------------------------------------------------


def test_my_obstacles_does_not_name_a_target_still_waiting_for_review(
    merged_away: Obstacle, waiting_target: Obstacle, author: Any, client: Any
) -> None:
    client.force_login(author)

    page = client.get(reverse("obstacles:mine")).content.decode()

    assert "Min dubblett" in page
    assert "Merged into another entry that is still being reviewed." in page
    assert HIDDEN_TITLE not in page
    assert _detail(waiting_target) not in page


def test_my_obstacles_names_the_target_once_it_is_published(
    merged_away: Obstacle, waiting_target: Obstacle, author: Any, reviewer: Any, client: Any
) -> None:
    _publish(waiting_target, reviewer)
    client.force_login(author)

    page = client.get(reverse("obstacles:mine")).content.decode()

    assert HIDDEN_TITLE in page
    assert f'href="{_detail(waiting_target)}"' in page
    assert "still being reviewed" not in page


def test_my_obstacles_says_not_published_when_the_target_was_rejected(
    merged_away: Obstacle, waiting_target: Obstacle, author: Any, reviewer: Any, client: Any
) -> None:
    services.obstacle_claim(obstacle=waiting_target, reviewer=reviewer)
    waiting_target.refresh_from_db()
    services.obstacle_move(obstacle=waiting_target, actor=reviewer, move=M.REJECT, reason="Nej.")
    client.force_login(author)

    page = client.get(reverse("obstacles:mine")).content.decode()

    assert "Merged into another entry that is not published." in page
    assert HIDDEN_TITLE not in page and _detail(waiting_target) not in page


def test_my_obstacles_query_count_does_not_grow_with_hidden_and_visible_merge_targets(
    author: Any, client: Any
) -> None:
    hidden = ObstacleFactory(author=UserFactory(), status=S.SUBMITTED, title="Dolt målhinder")
    shown = ObstacleFactory(author=UserFactory(), status=S.PUBLISHED, title="Synligt målhinder")
    client.force_login(author)

    def add(n: int) -> None:
        for i in range(n):
            ObstacleFactory(
                author=author,
                status=S.MERGED,
                merged_into=hidden if i % 2 else shown,
                title=f"Dubblett {i}",
                region_id=None,
            )

    add(1)
    few = count_queries(client, reverse("obstacles:mine"))
    add(9)
    assert count_queries(client, reverse("obstacles:mine")) == few
    page = client.get(reverse("obstacles:mine")).content.decode()
    assert "Synligt målhinder" in page and "Dolt målhinder" not in page


# --- The merged entry's address -----------------------------------------------------------------


def test_the_old_address_of_an_entry_merged_into_a_waiting_one_is_a_404_for_the_public(
    merged_away: Obstacle, stranger: Any, client: Any
) -> None:
    assert client.get(_detail(merged_away)).status_code == 404
    client.force_login(stranger)
    assert client.get(_detail(merged_away)).status_code == 404


def test_the_author_sees_their_merged_entry_instead_of_a_redirect_to_a_hidden_one(
    merged_away: Obstacle, waiting_target: Obstacle, author: Any, client: Any
) -> None:
    client.force_login(author)

    response = client.get(_detail(merged_away))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Min dubblett" in page
    assert "This entry was merged into another entry that is still being reviewed." in page
    assert HIDDEN_TITLE not in page
    assert _detail(waiting_target) not in page
    assert "Location" not in response


def test_a_reviewer_is_redirected_to_the_waiting_entry(
    merged_away: Obstacle, waiting_target: Obstacle, reviewer: Any, client: Any
) -> None:
    client.force_login(reviewer)

    response = client.get(_detail(merged_away))

    assert response.status_code == 302
    assert response["Location"] == _detail(waiting_target)


def test_the_target_author_is_redirected_to_their_own_entry(
    merged_away: Obstacle, waiting_target: Obstacle, other_author: Any, client: Any
) -> None:
    client.force_login(other_author)

    response = client.get(_detail(merged_away))

    assert response.status_code == 302
    assert response["Location"] == _detail(waiting_target)


def test_once_the_target_is_published_everyone_is_redirected_to_it(
    merged_away: Obstacle, waiting_target: Obstacle, author: Any, reviewer: Any, client: Any
) -> None:
    _publish(waiting_target, reviewer)

    for user in (None, author, reviewer):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(_detail(merged_away))
        assert response.status_code == 302, user
        assert response["Location"] == _detail(waiting_target)
