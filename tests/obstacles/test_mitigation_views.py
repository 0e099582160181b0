"""The solution (mitigation) pages: who may open and post each one in each state (404 for missing
and forbidden alike), the partnership named only to those who may see it, bad input, double
submits, concurrent edits, the reviewers' queue, and fixed query counts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from obstacles.models import Mitigation, Obstacle
from obstacles.services.mitigations import mitigation_update
from obstacles.workflow import MitigationStatus, ObstacleStatus
from portal.core.models import AuditEvent
from tests.factories_process import make_partnership
from tests.utils import count_queries

from .test_knowledge_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

S = MitigationStatus
LOGIN, CHANGED = "login", "changed"
ROLES = ["author", "stranger", "coordinator", "reviewer", "portal_admin", "anonymous"]
STAFF = {"reviewer", "portal_admin"}
MOVE_FROM = {
    S.SUBMITTED: ("publish", ""),
    S.PUBLISHED: ("withdraw", "Föråldrad."),
    S.WITHDRAWN: ("publish", ""),
    S.REJECTED: ("publish", ""),  # a rejection is final: refused with the reason shown
}


def _expected(view: str, state: str, role: str) -> Any:
    if view == "detail":
        if state == S.PUBLISHED or role in STAFF or role == "author":
            return 200
        return 404
    if role == "anonymous":
        return LOGIN
    if view == "edit":
        if role in STAFF and state in (S.SUBMITTED, S.PUBLISHED):
            return 200
        return 200 if role == "author" and state == S.SUBMITTED else 404
    if view == "move":
        if role not in STAFF:
            return 404
        return 400 if state == S.REJECTED else CHANGED
    if view == "review_list":
        return 200 if role in STAFF else 404
    if view in ("mine", "create"):
        return 200
    raise AssertionError(view)


CASES = [
    pytest.param(view, state, role, _expected(view, state, role), id=f"{view}-{state}-{role}")
    for view in ("detail", "edit", "move", "review_list", "mine", "create")
    for state in S.values
    for role in ROLES
    if view in ("detail", "edit", "move") or state == S.SUBMITTED
]


@pytest.fixture
def people(
    author: Any,
    stranger: Any,
    coordinator: Any,
    reviewer: Any,
    portal_admin: Any,
) -> dict[str, Any]:
    return {
        "author": author,
        "stranger": stranger,
        "coordinator": coordinator,
        "reviewer": reviewer,
        "portal_admin": portal_admin,
        "anonymous": None,
    }


def _url(view: str, mitigation: Mitigation, obstacle: Obstacle) -> str:
    if view in ("review_list", "mine"):
        return reverse(f"obstacles:mitigation_{view}")
    if view == "create":
        return reverse("obstacles:mitigation_create", args=[obstacle.pk])
    return reverse(f"obstacles:mitigation_{view}", args=[mitigation.pk])


@pytest.mark.parametrize(("view", "state", "role", "expected"), CASES)
def test_who_may_open_and_post_each_solution_page(
    view: str,
    state: str,
    role: str,
    expected: Any,
    people: dict[str, Any],
    mitigation_in: Callable[..., Mitigation],
    obstacle: Obstacle,
    client: Any,
) -> None:
    mitigation = mitigation_in(state)
    if people[role] is not None:
        client.force_login(people[role])
    url = _url(view, mitigation, obstacle)
    if view == "move":
        move, reason = MOVE_FROM[state]
        response = client.post(url, {"move": move, "reason": reason, "version": mitigation.version})
    else:
        response = client.get(url)

    mitigation.refresh_from_db()
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == CHANGED:
        assert response.status_code == 302
        assert mitigation.status != state
    else:
        assert response.status_code == expected
    if expected != CHANGED:
        assert mitigation.status == state


@pytest.mark.parametrize("status", [ObstacleStatus.DRAFT, ObstacleStatus.WITHDRAWN])
def test_a_solution_cannot_be_started_for_an_unpublished_obstacle(
    status: str, obstacle_in: Callable[..., Obstacle], author: Any, client: Any
) -> None:
    hidden = obstacle_in(status)
    client.force_login(author)
    assert client.get(reverse("obstacles:mitigation_create", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("obstacles:mitigation_create", args=[999999])).status_code == 404


def test_the_move_url_answers_405_to_a_reviewers_get_and_404_to_others(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, author: Any, client: Any
) -> None:
    url = reverse("obstacles:mitigation_move", args=[mitigation_in().pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 405
    client.force_login(author)
    assert client.get(url).status_code == 404


# --- The partnership where it worked ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("author", True),  # a member of a party organisation
        ("coordinator", True),  # coordinates the partnership's region
        ("portal_admin", True),
        ("reviewer", False),
        ("stranger", False),
        ("anonymous", False),
    ],
)
def test_the_partnership_is_named_only_to_people_who_may_open_it(
    who: str,
    sees: bool,
    people: dict[str, Any],
    mitigation_in: Callable[..., Mitigation],
    partnership: Any,
    client: Any,
) -> None:
    mitigation = mitigation_in(S.PUBLISHED, partnership=partnership, region=None)
    if people[who] is not None:
        client.force_login(people[who])

    body = client.get(mitigation.get_absolute_url()).content.decode()

    assert "Region Uppsala" in body
    assert ("Hemmonitorering med CareSense" in body) is sees
    assert (f"/partnerships/{partnership.pk}/" in body) is sees


def test_the_queue_names_the_partnership_only_to_a_reviewer_who_may_open_it(
    mitigation_in: Callable[..., Mitigation], partnership: Any, reviewer: Any, client: Any
) -> None:
    mitigation_in(partnership=partnership)
    client.force_login(reviewer)
    body = client.get(reverse("obstacles:mitigation_review_list")).content.decode()
    assert "Region Uppsala" in body
    assert "Hemmonitorering med CareSense" not in body


def test_the_form_offers_only_partnerships_the_user_may_open(
    author: Any, obstacle: Obstacle, partnership: Any, client: Any
) -> None:
    foreign = make_partnership("ostergotland")
    client.force_login(author)
    url = reverse("obstacles:mitigation_create", args=[obstacle.pk])

    page = client.get(url).content.decode()
    response = client.post(url, _form(partnership=foreign.pk))

    assert "Hemmonitorering med CareSense" in page
    assert foreign.title not in page
    assert response.status_code == 200
    assert 'id="id_partnership_error"' in response.content.decode()
    assert not Mitigation.objects.exists()


# --- Writing ------------------------------------------------------------------------------------


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Lokal lagring i Sverige",
        "description": "Leverantören lagrar allt i Sverige.\n\nAvtalet granskades av juristen.",
        "region": "",
        "partnership": "",
        "language": "sv",
        "obstacle_numbers": "",
        "client_token": "2a4b6c8d-0e1f-4a3b-8c5d-7e9f0a1b2c01",
    }
    data.update(overrides)
    return data


def test_a_signed_in_person_shares_a_solution_for_the_obstacle_and_more(
    author: Any, obstacle: Obstacle, obstacle_in: Callable[..., Obstacle], client: Any
) -> None:
    other = obstacle_in(title="Ett annat hinder")
    client.force_login(author)

    response = client.post(
        reverse("obstacles:mitigation_create", args=[obstacle.pk]),
        _form(obstacle_numbers=f"{other.pk}, {obstacle.pk}"),
    )

    mitigation = Mitigation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == mitigation.get_absolute_url()
    assert mitigation.status == S.SUBMITTED
    assert set(mitigation.obstacles.all()) == {obstacle, other}
    assert mitigation.description == (
        "<p>Leverantören lagrar allt i Sverige.</p><p>Avtalet granskades av juristen.</p>"
    )


def _reads_english(user: Any) -> None:
    """The scene's author reads Swedish (for the mail tests); these pages are checked in English."""
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])


def test_bad_input_is_explained_beside_each_field_and_what_was_typed_is_kept(
    author: Any, obstacle: Obstacle, obstacle_in: Callable[..., Obstacle], client: Any
) -> None:
    hidden = obstacle_in(ObstacleStatus.DRAFT)
    _reads_english(author)
    client.force_login(author)
    url = reverse("obstacles:mitigation_create", args=[obstacle.pk])

    response = client.post(url, _form(description="  ", obstacle_numbers="12; tretton"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in body
    assert "Describe what worked." in body
    assert "Write obstacle numbers separated by commas" in body
    assert 'value="Lokal lagring i Sverige"' in body
    assert 'value="12; tretton"' in body

    response = client.post(url, _form(obstacle_numbers=str(hidden.pk)))
    assert f"No published obstacle has the number {hidden.pk}." in response.content.decode()

    response = client.post(url, _form(description="<script>alert(1)</script>"))
    assert "Describe what worked." in response.content.decode()
    assert not Mitigation.objects.exists()


def test_a_double_submit_makes_one_solution(author: Any, obstacle: Obstacle, client: Any) -> None:
    client.force_login(author)
    url = reverse("obstacles:mitigation_create", args=[obstacle.pk])

    first = client.post(url, _form())
    second = client.post(url, _form())

    assert Mitigation.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_stale_edit_answers_409_keeping_what_was_typed(
    mitigation_in: Callable[..., Mitigation],
    author: Any,
    reviewer: Any,
    obstacle: Obstacle,
    client: Any,
) -> None:
    mitigation = mitigation_in()
    seen = mitigation.version
    mitigation_update(
        mitigation=mitigation,
        actor=reviewer,
        expected_version=seen,
        data={"title": "Granskarens rubrik"},
    )
    client.force_login(author)

    response = client.post(
        reverse("obstacles:mitigation_edit", args=[mitigation.pk]),
        _form(title="Min rubrik", description="Min text.", obstacle_numbers=str(obstacle.pk))
        | {"version": seen},
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert 'value="Min rubrik"' in body
    assert "Min text." in body
    assert "Granskarens rubrik" in body
    mitigation.refresh_from_db()
    assert mitigation.title == "Granskarens rubrik"


def test_editing_without_an_obstacle_is_refused(
    mitigation_in: Callable[..., Mitigation], author: Any, client: Any
) -> None:
    mitigation = mitigation_in()
    _reads_english(author)
    client.force_login(author)
    response = client.post(
        reverse("obstacles:mitigation_edit", args=[mitigation.pk]),
        _form(obstacle_numbers="") | {"version": mitigation.version},
    )
    assert response.status_code == 200
    assert "Name at least one obstacle." in response.content.decode()
    assert mitigation.obstacles.count() == 1


# --- Deciding -----------------------------------------------------------------------------------


def test_a_decision_from_the_queue_goes_back_to_the_queue(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, client: Any
) -> None:
    mitigation = mitigation_in()
    client.force_login(reviewer)

    response = client.post(
        reverse("obstacles:mitigation_move", args=[mitigation.pk]),
        {"move": "publish", "version": mitigation.version, "back": "queue"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("obstacles:mitigation_review_list")
    mitigation.refresh_from_db()
    assert mitigation.status == S.PUBLISHED


def test_a_rejection_without_a_reason_is_explained_and_changes_nothing(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, client: Any
) -> None:
    mitigation = mitigation_in()
    client.force_login(reviewer)

    response = client.post(
        reverse("obstacles:mitigation_move", args=[mitigation.pk]),
        {"move": "reject", "reason": " ", "version": mitigation.version, "back": "queue"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Give a reason: the author will see it." in body
    assert f'href="#mitigation-{mitigation.pk}-reason"' in body
    mitigation.refresh_from_db()
    assert mitigation.status == S.SUBMITTED


def test_a_double_publish_is_done_once(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, client: Any
) -> None:
    mitigation = mitigation_in()
    client.force_login(reviewer)
    url = reverse("obstacles:mitigation_move", args=[mitigation.pk])
    data = {"move": "publish", "version": mitigation.version}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert AuditEvent.objects.filter(action="mitigation.publish").count() == 1


def test_a_decision_on_a_solution_changed_meanwhile_answers_409(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, author: Any, client: Any
) -> None:
    mitigation = mitigation_in()
    seen = mitigation.version
    mitigation_update(
        mitigation=mitigation, actor=author, expected_version=seen, data={"title": "Ändrad"}
    )
    client.force_login(reviewer)

    response = client.post(
        reverse("obstacles:mitigation_move", args=[mitigation.pk]),
        {"move": "publish", "version": seen},
    )

    assert response.status_code == 409
    assert "changed while you were looking at it" in response.content.decode()
    mitigation.refresh_from_db()
    assert mitigation.status == S.SUBMITTED


def test_the_queue_lists_waiting_solutions_oldest_first(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, client: Any
) -> None:
    older = mitigation_in(title="Den äldre lösningen")
    newer = mitigation_in(title="Den nyare lösningen")
    mitigation_in(S.PUBLISHED, title="Redan publicerad")
    client.force_login(reviewer)

    body = client.get(reverse("obstacles:mitigation_review_list")).content.decode()

    assert body.index(older.title) < body.index(newer.title)
    assert "Redan publicerad" not in body


def test_the_author_follows_their_solutions_and_reads_the_reason(
    mitigation_in: Callable[..., Mitigation], author: Any, stranger: Any, client: Any
) -> None:
    mitigation_in(S.REJECTED, title="Min avvisade lösning")
    mitigation_in(by=stranger, title="Någon annans lösning")
    client.force_login(author)

    body = client.get(reverse("obstacles:mitigation_mine")).content.decode()

    assert "Min avvisade lösning" in body
    assert "Inte en lösning." in body
    assert "Någon annans lösning" not in body


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["review_list", "mine"])
def test_the_lists_make_a_fixed_number_of_queries(
    view: str,
    mitigation_in: Callable[..., Mitigation],
    obstacle_in: Callable[..., Obstacle],
    partnership: Any,
    author: Any,
    reviewer: Any,
    client: Any,
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            mitigation_in(
                title=f"Lösning {i}",
                partnership=partnership,
                obstacles=[obstacle_in(title=f"Hinder {i}a"), obstacle_in(title=f"Hinder {i}b")],
            )

    client.force_login(reviewer if view == "review_list" else author)
    url = reverse(f"obstacles:mitigation_{view}")
    add(1)
    few = count_queries(client, url)
    add(4)
    assert count_queries(client, url) == few


def test_the_page_makes_a_fixed_number_of_queries(
    mitigation_in: Callable[..., Mitigation],
    obstacle_in: Callable[..., Obstacle],
    partnership: Any,
    author: Any,
    client: Any,
) -> None:
    few = mitigation_in(S.PUBLISHED, partnership=partnership, obstacles=[obstacle_in()])
    many = mitigation_in(
        S.PUBLISHED, partnership=partnership, obstacles=[obstacle_in() for _ in range(5)]
    )
    client.force_login(author)
    assert count_queries(client, few.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )


def test_a_reviewer_sees_one_decision_form_after_the_text(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, client: Any
) -> None:
    mitigation = mitigation_in(S.PUBLISHED)
    client.force_login(reviewer)

    body = client.get(mitigation.get_absolute_url()).content.decode()

    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "form" not in title
    assert body.count(f'action="/obstacles/mitigations/{mitigation.pk}/move/"') == 1
    assert body.index('id="mitigation-title"') < body.index("/move/")
    assert 'value="withdraw"' in body
    assert 'value="reject"' not in body


# --- What an obstacle's page may show (offered to the public compilation) -----------------------


@pytest.mark.parametrize(
    ("who", "visible"),
    [("author", True), ("coordinator", True), ("stranger", False), ("anonymous", False)],
)
def test_an_obstacles_solutions_say_whether_the_reader_may_see_their_partnership(
    who: str,
    visible: bool,
    people: dict[str, Any],
    mitigation_in: Callable[..., Mitigation],
    obstacle: Obstacle,
    partnership: Any,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    from obstacles.selectors.knowledge import mitigations_for_obstacle

    shown = mitigation_in(S.PUBLISHED, partnership=partnership)
    mitigation_in(S.SUBMITTED, title="Väntar fortfarande")
    reader = people[who] or AnonymousUser()

    rows = list(mitigations_for_obstacle(obstacle=obstacle, user=reader))

    assert rows == [shown]
    assert rows[0].partnership_visible is visible


def test_an_obstacles_articles_are_the_published_ones(
    article_in: Callable[..., Any], obstacle: Obstacle
) -> None:
    from obstacles.selectors.knowledge import articles_for_obstacle
    from obstacles.workflow import ArticleStatus

    published = article_in(ArticleStatus.PUBLISHED, obstacles=[obstacle])
    article_in(ArticleStatus.DRAFT, obstacles=[obstacle])
    article_in(ArticleStatus.PUBLISHED, title="Utan länk")

    assert list(articles_for_obstacle(obstacle=obstacle)) == [published]


# --- Found in review: odd digits, stale decisions, double clicks --------------------------------


@pytest.mark.parametrize("typed", ["²", "12, ³"])
@pytest.mark.parametrize("view", ["create", "edit"])
def test_superscript_digits_as_obstacle_numbers_are_explained_not_a_crash(
    view: str,
    typed: str,
    mitigation_in: Callable[..., Mitigation],
    author: Any,
    obstacle: Obstacle,
    client: Any,
) -> None:
    mitigation = mitigation_in()
    stored = (mitigation.version, mitigation.title)
    _reads_english(author)
    client.force_login(author)
    if view == "create":
        url = reverse("obstacles:mitigation_create", args=[obstacle.pk])
        data = _form(obstacle_numbers=typed, client_token="2a4b6c8d-0e1f-4a3b-8c5d-7e9f0a1b2c09")
    else:
        url = reverse("obstacles:mitigation_edit", args=[mitigation.pk])
        data = _form(title="Ny rubrik", obstacle_numbers=typed) | {"version": mitigation.version}

    response = client.post(url, data)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_obstacle_numbers_error"' in body
    assert "Write obstacle numbers separated by commas" in body
    assert f'value="{typed}"' in body
    assert Mitigation.objects.count() == 1
    mitigation.refresh_from_db()
    assert (mitigation.version, mitigation.title) == stored


def test_a_stale_decision_keeps_the_reason_the_reviewer_typed(
    mitigation_in: Callable[..., Mitigation], reviewer: Any, author: Any, client: Any
) -> None:
    mitigation = mitigation_in()
    seen = mitigation.version
    mitigation_update(
        mitigation=mitigation, actor=author, expected_version=seen, data={"title": "Ändrad"}
    )
    client.force_login(reviewer)

    response = client.post(
        reverse("obstacles:mitigation_move", args=[mitigation.pk]),
        {"move": "reject", "reason": "Beskriver inte hur hindret löstes.", "version": seen},
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert "Beskriver inte hur hindret löstes.</textarea>" in body
    summary = body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "changed while you were looking at it" in summary
    assert f'name="version" value="{seen + 1}"' in body
    mitigation.refresh_from_db()
    assert mitigation.status == S.SUBMITTED


def test_a_double_click_on_save_of_an_edit_is_saved_once_not_a_conflict(
    mitigation_in: Callable[..., Mitigation],
    author: Any,
    obstacle: Obstacle,
    obstacle_in: Callable[..., Obstacle],
    client: Any,
) -> None:
    mitigation = mitigation_in()
    other = obstacle_in(title="Ett annat hinder")
    client.force_login(author)
    url = reverse("obstacles:mitigation_edit", args=[mitigation.pk])
    data = _form(
        title="Min nya rubrik",
        description="Första stycket.\n\nAndra stycket.",
        obstacle_numbers=f"{obstacle.pk}, {other.pk}",
    ) | {"version": mitigation.version}

    first = client.post(url, data)
    mitigation.refresh_from_db()
    saved = (mitigation.version, mitigation.title, mitigation.description)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == mitigation.get_absolute_url()
    mitigation.refresh_from_db()
    assert (mitigation.version, mitigation.title, mitigation.description) == saved
    assert set(mitigation.obstacles.all()) == {obstacle, other}
    assert AuditEvent.objects.filter(action="mitigation.update").count() == 1


def test_a_second_save_with_other_obstacles_is_still_a_conflict(
    mitigation_in: Callable[..., Mitigation],
    author: Any,
    obstacle: Obstacle,
    obstacle_in: Callable[..., Obstacle],
    client: Any,
) -> None:
    mitigation = mitigation_in()
    other = obstacle_in(title="Ett annat hinder")
    client.force_login(author)
    url = reverse("obstacles:mitigation_edit", args=[mitigation.pk])
    data = _form(obstacle_numbers=str(obstacle.pk)) | {"version": mitigation.version}

    client.post(url, data)
    response = client.post(url, data | {"obstacle_numbers": f"{obstacle.pk}, {other.pk}"})

    assert response.status_code == 409
    assert list(mitigation.obstacles.all()) == [obstacle]
