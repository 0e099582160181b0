"""The life of a solution (mitigation) through its services: every legal and illegal move, who
may make them, reasons, versions, sanitising, partnership privacy, double submits, the audit
trail and the author's mail."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from obstacles.models import Mitigation, Obstacle
from obstacles.services.mitigations import mitigation_create, mitigation_move, mitigation_update
from obstacles.workflow import MITIGATION_MOVES, MitigationStatus, ObstacleStatus
from portal.core.concurrency import ConcurrentEditError
from portal.core.models import AuditEvent
from portal.core.notifications import MailKind
from regions.models import Region
from tests.factories_process import make_partnership

from .test_knowledge_scene import *  # noqa: F403  (fixtures)
from .test_knowledge_scene import mitigation_data

pytestmark = pytest.mark.django_db

S = MitigationStatus
STATES = [S.SUBMITTED, S.PUBLISHED, S.REJECTED, S.WITHDRAWN]
LEGAL = {
    (move, state): target
    for move, (sources, target) in MITIGATION_MOVES.items()
    for state in sources
}
REASON = {"publish": "", "reject": "Beskriv vad ni gjorde.", "withdraw": "Inte längre aktuellt."}


# --- Moves --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("move", "state", "target"),
    [pytest.param(m, s, t, id=f"{m}-from-{s}") for (m, s), t in LEGAL.items()],
)
def test_every_legal_move_reaches_its_state_and_is_recorded(
    move: str, state: str, target: str, mitigation_in: Callable[..., Mitigation], reviewer: Any
) -> None:
    mitigation = mitigation_in(state)

    moved = mitigation_move(mitigation=mitigation, actor=reviewer, move=move, reason=REASON[move])

    moved.refresh_from_db()
    assert moved.status == target
    assert moved.reviewed_by == reviewer
    assert moved.decision_reason == REASON[move]
    assert moved.version == mitigation.version + 1
    if move == "publish":
        assert moved.published_at is not None
    event = AuditEvent.objects.filter(action=f"mitigation.{move}", target_id=str(moved.pk)).first()
    assert event is not None
    assert event.data == {"from": state, "to": target}
    assert event.reason == REASON[move]


@pytest.mark.parametrize(
    ("move", "state"),
    [
        pytest.param(m, s, id=f"{m}-from-{s}")
        for m in MITIGATION_MOVES
        for s in STATES
        if (m, s) not in LEGAL
    ],
)
def test_every_illegal_move_is_refused_and_changes_nothing(
    move: str, state: str, mitigation_in: Callable[..., Mitigation], reviewer: Any
) -> None:
    mitigation = mitigation_in(state)

    with pytest.raises(ValidationError, match="cannot be moved that way"):
        mitigation_move(mitigation=mitigation, actor=reviewer, move=move, reason="Ett skäl.")

    mitigation.refresh_from_db()
    assert mitigation.status == state


def test_an_unknown_move_is_refused(
    mitigation_in: Callable[..., Mitigation], reviewer: Any
) -> None:
    mitigation = mitigation_in()
    with pytest.raises(ValidationError):
        mitigation_move(mitigation=mitigation, actor=reviewer, move="merge")


@pytest.mark.parametrize("move", ["reject", "withdraw"])
def test_reject_and_withdraw_need_a_reason_the_author_sees(
    move: str, mitigation_in: Callable[..., Mitigation], reviewer: Any
) -> None:
    mitigation = mitigation_in(S.SUBMITTED if move == "reject" else S.PUBLISHED)

    with pytest.raises(ValidationError) as caught:
        mitigation_move(mitigation=mitigation, actor=reviewer, move=move, reason="   ")

    assert "reason" in caught.value.message_dict
    before = mitigation.status
    mitigation.refresh_from_db()
    assert mitigation.status == before


@pytest.mark.parametrize("who", ["author", "stranger", "coordinator"])
def test_only_reviewers_decide_on_a_solution(
    who: str, mitigation_in: Callable[..., Mitigation], request: pytest.FixtureRequest
) -> None:
    mitigation = mitigation_in()
    with pytest.raises(PermissionDenied):
        mitigation_move(mitigation=mitigation, actor=request.getfixturevalue(who), move="publish")
    mitigation.refresh_from_db()
    assert mitigation.status == S.SUBMITTED


def test_a_portal_admin_may_decide_like_a_reviewer(
    mitigation_in: Callable[..., Mitigation], portal_admin: Any
) -> None:
    moved = mitigation_move(mitigation=mitigation_in(), actor=portal_admin, move="publish")
    assert moved.status == S.PUBLISHED


def test_a_decision_on_a_stale_version_is_refused(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, author: Any
) -> None:
    mitigation = mitigation_in()
    seen = mitigation.version
    mitigation_update(
        mitigation=mitigation, actor=author, expected_version=seen, data={"title": "Ny titel"}
    )

    with pytest.raises(ConcurrentEditError):
        mitigation_move(
            mitigation=mitigation, actor=reviewer, move="publish", expected_version=seen
        )

    mitigation.refresh_from_db()
    assert mitigation.status == S.SUBMITTED


def test_publishing_needs_an_obstacle_that_is_still_published(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, obstacle: Obstacle
) -> None:
    from obstacles.services.entries import obstacle_move

    mitigation = mitigation_in()
    obstacle_move(obstacle=obstacle, actor=reviewer, move="withdraw", reason="Inaktuellt.")

    with pytest.raises(ValidationError, match="None of the obstacles"):
        mitigation_move(mitigation=mitigation, actor=reviewer, move="publish")


# --- Creating -----------------------------------------------------------------------------------


def test_a_new_solution_waits_for_review_with_sanitised_text(
    author: Any, obstacle: Obstacle, obstacle_in: Callable[..., Obstacle]
) -> None:
    second = obstacle_in(ObstacleStatus.PUBLISHED, title="Ett annat hinder")
    data = mitigation_data(
        description='<p onclick="x()">Så här <script>alert(1)</script>'
        '<a href="javascript:alert(1)">gjorde</a> vi</p><img src="x.png">'
    )

    mitigation = mitigation_create(author=author, obstacles=[obstacle, second], data=data)

    assert mitigation.status == S.SUBMITTED
    assert mitigation.author == author
    assert set(mitigation.obstacles.all()) == {obstacle, second}
    assert "script" not in mitigation.description
    assert "onclick" not in mitigation.description
    assert "javascript" not in mitigation.description
    assert "<img" not in mitigation.description
    assert "Så här" in mitigation.description
    assert AuditEvent.objects.filter(action="mitigation.create", target_id=str(mitigation.pk))


def test_plain_text_becomes_paragraphs(author: Any, obstacle: Obstacle) -> None:
    mitigation = mitigation_create(
        author=author, obstacles=[obstacle], data=mitigation_data(description="Ett.\n\nTvå <3")
    )
    assert mitigation.description == "<p>Ett.</p><p>Två &lt;3</p>"


@pytest.mark.parametrize("status", [ObstacleStatus.DRAFT, ObstacleStatus.WITHDRAWN])
def test_a_solution_only_attaches_to_published_obstacles(
    status: str, author: Any, obstacle: Obstacle, obstacle_in: Callable[..., Obstacle]
) -> None:
    hidden = obstacle_in(status, title="Inte publicerat")

    with pytest.raises(ValidationError) as caught:
        mitigation_create(author=author, obstacles=[obstacle, hidden], data=mitigation_data())

    assert str(hidden.pk) in str(caught.value.message_dict["obstacles"])
    assert not Mitigation.objects.exists()


def test_a_solution_needs_an_obstacle_a_title_and_a_text(author: Any, obstacle: Obstacle) -> None:
    with pytest.raises(ValidationError) as no_obstacle:
        mitigation_create(author=author, obstacles=[], data=mitigation_data())
    with pytest.raises(ValidationError) as empty:
        mitigation_create(
            author=author,
            obstacles=[obstacle],
            data=mitigation_data(title="  ", description="<script>x</script>"),
        )

    assert "obstacles" in no_obstacle.value.message_dict
    assert set(empty.value.message_dict) == {"title", "description"}
    assert not Mitigation.objects.exists()


def test_anonymous_people_cannot_submit(obstacle: Obstacle) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        mitigation_create(author=AnonymousUser(), obstacles=[obstacle], data=mitigation_data())


def test_the_same_form_token_twice_makes_one_solution(author: Any, obstacle: Obstacle) -> None:
    data = mitigation_data(client_token="5b0c3a36-7c59-4b53-a4c4-3f0b36f0a001")

    first = mitigation_create(author=author, obstacles=[obstacle], data=data)
    second = mitigation_create(author=author, obstacles=[obstacle], data=data)

    assert first.pk == second.pk
    assert Mitigation.objects.count() == 1


def test_another_persons_token_does_not_return_their_solution(
    author: Any, stranger: Any, obstacle: Obstacle
) -> None:
    data = mitigation_data(client_token="5b0c3a36-7c59-4b53-a4c4-3f0b36f0a002")

    first = mitigation_create(author=author, obstacles=[obstacle], data=data)
    second = mitigation_create(author=stranger, obstacles=[obstacle], data=data)

    assert first.pk != second.pk
    assert second.author == stranger


# --- The partnership where it worked ------------------------------------------------------------


def test_a_partnership_the_author_takes_part_in_may_be_named_and_gives_the_region(
    author: Any, obstacle: Obstacle, partnership: Any
) -> None:
    mitigation = mitigation_create(
        author=author,
        obstacles=[obstacle],
        data=mitigation_data(region=None, partnership=partnership),
    )
    assert mitigation.partnership == partnership
    assert mitigation.region == partnership.region


def test_a_partnership_the_author_may_not_see_is_refused(
    stranger: Any, obstacle: Obstacle, partnership: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        mitigation_create(
            author=stranger, obstacles=[obstacle], data=mitigation_data(partnership=partnership)
        )
    assert "partnership" in caught.value.message_dict
    assert not Mitigation.objects.exists()


# --- Editing ------------------------------------------------------------------------------------


def test_the_author_edits_until_a_reviewer_decides(
    mitigation_in: Callable[..., Mitigation], author: Any, reviewer: Any
) -> None:
    mitigation = mitigation_in()

    edited = mitigation_update(
        mitigation=mitigation,
        actor=author,
        expected_version=mitigation.version,
        data={"title": "Bättre titel", "description": "Ny text"},
    )
    published = mitigation_move(mitigation=edited, actor=reviewer, move="publish")

    assert edited.title == "Bättre titel"
    assert edited.description == "<p>Ny text</p>"
    with pytest.raises(ValidationError, match="can no longer be changed"):
        mitigation_update(
            mitigation=published,
            actor=author,
            expected_version=published.version,
            data={"title": "Efteråt"},
        )
    published.refresh_from_db()
    assert published.title == "Bättre titel"


def test_a_reviewer_fixes_a_published_solution_in_place(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, partnership: Any
) -> None:
    mitigation = mitigation_in(S.PUBLISHED, partnership=partnership)

    edited = mitigation_update(
        mitigation=mitigation,
        actor=reviewer,
        expected_version=mitigation.version,
        data={"title": "Rättad titel"},
    )

    assert edited.title == "Rättad titel"
    assert edited.status == S.PUBLISHED
    # The reviewer may not open the partnership; the one the author named stays.
    assert edited.partnership == partnership


def test_someone_else_may_not_edit(mitigation_in: Callable[..., Mitigation], stranger: Any) -> None:
    mitigation = mitigation_in()
    with pytest.raises(PermissionDenied):
        mitigation_update(
            mitigation=mitigation,
            actor=stranger,
            expected_version=mitigation.version,
            data={"title": "Kapad"},
        )


def test_a_stale_edit_is_refused_and_the_first_edit_kept(
    mitigation_in: Callable[..., Mitigation], author: Any, reviewer: Any
) -> None:
    mitigation = mitigation_in()
    seen = mitigation.version
    mitigation_update(
        mitigation=mitigation, actor=reviewer, expected_version=seen, data={"title": "Först"}
    )

    with pytest.raises(ConcurrentEditError):
        mitigation_update(
            mitigation=mitigation, actor=author, expected_version=seen, data={"title": "Sen"}
        )

    mitigation.refresh_from_db()
    assert mitigation.title == "Först"


def test_editing_replaces_the_obstacles_and_keeps_a_link_to_one_withdrawn_since(
    mitigation_in: Callable[..., Mitigation],
    author: Any,
    reviewer: Any,
    obstacle: Obstacle,
    obstacle_in: Callable[..., Obstacle],
) -> None:
    from obstacles.services.entries import obstacle_move

    other = obstacle_in(ObstacleStatus.PUBLISHED, title="Ett annat hinder")
    mitigation = mitigation_in()
    obstacle_move(obstacle=obstacle, actor=reviewer, move="withdraw", reason="Inaktuellt.")
    draft = obstacle_in(ObstacleStatus.DRAFT, title="Ett utkast")

    edited = mitigation_update(
        mitigation=mitigation,
        actor=author,
        expected_version=mitigation.version,
        data={},
        obstacles=[obstacle, other],
    )
    assert set(edited.obstacles.all()) == {obstacle, other}
    with pytest.raises(ValidationError):
        mitigation_update(
            mitigation=edited,
            actor=author,
            expected_version=edited.version,
            data={},
            obstacles=[other, draft],
        )
    assert set(edited.obstacles.all()) == {obstacle, other}


# --- Mail ---------------------------------------------------------------------------------------


def test_the_author_is_told_of_publication_in_their_language(
    mitigation_in: Callable[..., Mitigation],
    reviewer: Any,
    author: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mitigation = mitigation_in()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mitigation_move(mitigation=mitigation, actor=reviewer, move="publish")

    assert [m.to for m in mail.outbox] == [[author.email]]
    assert mitigation.title in mail.outbox[0].subject
    assert f"/obstacles/mitigations/{mitigation.pk}/" in mail.outbox[0].body
    assert mail.outbox[0].body.startswith("Hej Kim,")  # the author reads Swedish


@pytest.mark.parametrize(("state", "move"), [(S.SUBMITTED, "reject"), (S.PUBLISHED, "withdraw")])
def test_the_author_reads_the_reason_of_a_rejection_or_withdrawal(
    state: str,
    move: str,
    mitigation_in: Callable[..., Mitigation],
    reviewer: Any,
    author: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    author.preferred_language = "en"
    author.save(update_fields=["preferred_language"])
    mitigation = mitigation_in(state)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mitigation_move(
            mitigation=mitigation, actor=reviewer, move=move, reason="Källan saknas helt."
        )

    assert len(mail.outbox) == 1
    assert "Källan saknas helt." in mail.outbox[0].body
    assert mail.outbox[0].body.startswith("Hello Kim,")


def test_no_mail_when_the_author_switched_decisions_off(
    mitigation_in: Callable[..., Mitigation],
    reviewer: Any,
    author: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    author.muted_mail = [MailKind.OBSTACLE_DECISION.value]
    author.save(update_fields=["muted_mail"])
    mitigation = mitigation_in()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mitigation_move(mitigation=mitigation, actor=reviewer, move="publish")

    assert mail.outbox == []


def test_a_partnership_of_another_region_is_not_offered_to_its_outsiders(
    author: Any, obstacle: Obstacle
) -> None:
    foreign = make_partnership("ostergotland")
    with pytest.raises(ValidationError):
        mitigation_create(
            author=author,
            obstacles=[obstacle],
            data=mitigation_data(partnership=foreign, region=Region.objects.get(slug="uppsala")),
        )


def test_an_unknown_language_is_refused(author: Any, obstacle: Obstacle) -> None:
    with pytest.raises(ValidationError) as caught:
        mitigation_create(author=author, obstacles=[obstacle], data=mitigation_data(language="fi"))
    assert set(caught.value.message_dict) == {"language"}
    assert not Mitigation.objects.exists()
