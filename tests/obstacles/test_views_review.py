"""The reviewers' pages: the queue, the review page, claims, every move, notes and duplicates.

Only obstacle reviewers and portal admins get these pages; anyone else signed in gets 404 (pages,
htmx fragments and actions alike) and anonymous visitors are sent to sign in.
"""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from obstacles.models import Obstacle, ReviewerNote
from obstacles.selectors.review import obstacle_possible_duplicates
from obstacles.services import entries as services
from obstacles.workflow import ObstacleStatus
from regions.models import Region, RegionRole
from tests.factories_obstacles import ObstacleFactory, category
from tests.factories_process import make_region_person
from tests.utils import count_queries

from .test_entry_scene import *  # noqa: F403  (fixtures)
from .test_entry_scene import entry_data

pytestmark = pytest.mark.django_db

S = ObstacleStatus
LOGIN = "login"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _login_redirect(response: Any) -> bool:
    return response.status_code == 302 and reverse("account_login") in response["Location"]


def _move(obstacle: Obstacle, move: str, **fields: Any) -> dict[str, Any]:
    """What one move form posts (its fields carry the move as prefix)."""
    data: dict[str, Any] = {"move": move, f"{move}-version": str(obstacle.version)}
    data.update({f"{move}-{name}": value for name, value in fields.items()})
    return data


# --- Who may do what ----------------------------------------------------------------------------

ROLES = ["reviewer", "portal_admin", "author", "stranger", "coordinator", "anonymous"]


@pytest.fixture
def people(reviewer: Any, portal_admin: Any, author: Any, stranger: Any, db: Any) -> dict[str, Any]:
    return {
        "reviewer": reviewer,
        "portal_admin": portal_admin,
        "author": author,
        "stranger": stranger,
        "coordinator": make_region_person("uppsala", RegionRole.COORDINATOR),
        "anonymous": None,
    }


def _requests(entry: Obstacle) -> dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]]:
    pk = entry.pk
    return {
        "queue": ("get", reverse("obstacles:review_queue"), {}, {}),
        "queue_fragment": ("get", reverse("obstacles:review_queue"), {}, HTMX),
        "review": ("get", reverse("obstacles:review", args=[pk]), {}, {}),
        "claim": ("post", reverse("obstacles:claim", args=[pk]), {}, {}),
        "release": ("post", reverse("obstacles:release", args=[pk]), {}, {}),
        "move": (
            "post",
            reverse("obstacles:move", args=[pk]),
            _move(entry, "reject", reason="Inget hinder."),
            {},
        ),
        "note": ("post", reverse("obstacles:note_add", args=[pk]), {"text": "Privat."}, {}),
        "note_fragment": (
            "post",
            reverse("obstacles:note_add", args=[pk]),
            {"text": "Privat."},
            HTMX,
        ),
    }


VIEWS = ["queue", "queue_fragment", "review", "claim", "release", "move", "note", "note_fragment"]


def _rule(view: str, role: str) -> Any:
    if role == "anonymous":
        return LOGIN
    if role in {"reviewer", "portal_admin"}:
        return {"claim": 302, "release": 302, "move": 302, "note": 302}.get(view, 200)
    return 404


@pytest.mark.parametrize(
    ("view", "role", "expected"),
    [
        pytest.param(view, role, _rule(view, role), id=f"{view}-{role}")
        for view in VIEWS
        for role in ROLES
    ],
)
def test_review_pages_fragments_and_actions_are_for_reviewers_only(
    view: str, role: str, expected: Any, people: Any, entry_in: Any, client: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    method, url, data, headers = _requests(entry)[view]
    if people[role] is not None:
        client.force_login(people[role])

    response = getattr(client, method)(url, data, **headers)

    entry.refresh_from_db()
    if expected == LOGIN:
        assert _login_redirect(response)
    else:
        assert response.status_code == expected
    if expected in (404, LOGIN):
        assert entry.status == S.SUBMITTED
        assert entry.claimed_by_id is None
        assert not ReviewerNote.objects.exists()


@pytest.mark.parametrize("view", ["review", "claim", "move", "note"])
def test_a_draft_has_no_review_page_even_for_reviewers(
    view: str, entry_in: Any, reviewer: Any, client: Any
) -> None:
    draft = entry_in(S.DRAFT)
    method, url, data, headers = _requests(draft)[view]
    client.force_login(reviewer)

    assert getattr(client, method)(url, data, **headers).status_code == 404


def test_a_get_to_an_action_is_refused_and_takes_nothing(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    client.force_login(reviewer)
    for name in ("claim", "release", "move", "note_add"):
        assert client.get(reverse(f"obstacles:{name}", args=[entry.pk])).status_code == 405
    entry.refresh_from_db()
    assert entry.claimed_by_id is None


# --- The queue ----------------------------------------------------------------------------------


def _submitted_at(entry: Obstacle, minutes_ago: int) -> Obstacle:
    Obstacle.objects.filter(pk=entry.pk).update(
        submitted_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return entry


def test_the_queue_lists_waiting_entries_the_longest_waiting_first(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    newer = _submitted_at(entry_in(S.SUBMITTED, title="Nyare hinder"), 5)
    older = _submitted_at(entry_in(S.SUBMITTED, title="Äldre hinder"), 500)
    entry_in(S.PUBLISHED, title="Redan publicerat")
    entry_in(S.DRAFT, title="Bara ett utkast")
    client.force_login(reviewer)

    page = client.get(reverse("obstacles:review_queue")).content.decode()

    assert page.index(older.title) < page.index(newer.title)
    assert "Redan publicerat" not in page and "Bara ett utkast" not in page
    assert "2 entries wait for review" in page


def test_the_queue_filters_by_category_and_region_in_the_url(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry_in(S.SUBMITTED, title="Dataskydd i Östergötland")
    entry_in(
        S.SUBMITTED,
        title="Upphandling i Uppsala",
        category=category("procurement-lou"),
        region=Region.objects.get(slug="uppsala"),
    )
    entry_in(S.SUBMITTED, title="Nationellt hinder", region=None)
    client.force_login(reviewer)
    url = reverse("obstacles:review_queue")

    by_category = client.get(url, {"category": "procurement-lou"}).content.decode()
    by_region = client.get(url, {"region": "ostergotland"}).content.decode()
    national = client.get(url, {"region": "national"}).content.decode()

    assert "Upphandling i Uppsala" in by_category and "Dataskydd" not in by_category
    assert "Dataskydd i Östergötland" in by_region and "Upphandling i Uppsala" not in by_region
    assert "Nationellt hinder" in national and "Dataskydd i" not in national


def test_the_queue_answers_htmx_with_the_results_alone(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry_in(S.SUBMITTED)
    client.force_login(reviewer)

    response = client.get(reverse("obstacles:review_queue"), **HTMX)

    page = response.content.decode()
    assert page.startswith('<div id="queue-results"')
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_an_entry_taken_by_another_reviewer_shows_as_taken_in_the_queue(
    entry_in: Any, reviewer: Any, other_reviewer: Any, client: Any
) -> None:
    taken = entry_in(S.IN_REVIEW, title="Tagen av Rut")  # the claim of `reviewer`
    lapsed = entry_in(S.IN_REVIEW, title="Glömd post")
    Obstacle.objects.filter(pk=lapsed.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=3))
    client.force_login(other_reviewer)

    page = client.get(reverse("obstacles:review_queue")).content.decode()

    since = timezone.localtime(taken.claimed_at).strftime("%H:%M")
    assert f"Taken by Rut Granskare (since {since})" in page
    assert page.count("Taken by") == 1  # the lapsed claim counts as released


def test_the_queue_opens_an_entry_by_its_number(entry_in: Any, reviewer: Any, client: Any) -> None:
    published = entry_in(S.PUBLISHED)
    client.force_login(reviewer)

    found = client.get(reverse("obstacles:review_queue"), {"entry": published.pk})
    missing = client.get(reverse("obstacles:review_queue"), {"entry": 999999})

    assert found["Location"] == reverse("obstacles:review", args=[published.pk])
    assert "There is no entry number 999999." in missing.content.decode()


def test_the_queue_makes_the_same_number_of_queries_for_1_and_30_entries(
    reviewer: Any, other_reviewer: Any, client: Any
) -> None:
    client.force_login(reviewer)

    def add(n: int) -> None:
        for i in range(n):
            ObstacleFactory(
                status=S.IN_REVIEW if i % 2 else S.SUBMITTED,
                claimed_by=other_reviewer if i % 2 else None,
                claimed_at=timezone.now() if i % 2 else None,
                region=Region.objects.get(slug="uppsala") if i % 3 else None,
            )

    add(1)
    url = reverse("obstacles:review_queue")
    few = count_queries(client, url)
    add(29)
    assert count_queries(client, url) == few
    assert count_queries(client, url + "?category=data-protection-cloud&region=uppsala") == few


# --- The review page ----------------------------------------------------------------------------


def test_the_review_page_shows_the_entry_in_full_with_its_history_and_does_not_claim_it(
    entry_in: Any, author: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.SUBMITTED, evidence="Rapport från Socialstyrelsen.")
    client.force_login(reviewer)

    page = client.get(reverse("obstacles:review", args=[entry.pk])).content.decode()

    entry.refresh_from_db()
    assert entry.claimed_by_id is None
    assert entry.status == S.SUBMITTED
    assert "Journalsystemet saknar öppna gränssnitt" in page
    assert "<p>Vi kunde inte hämta mätvärden från hemmet.</p>" in page
    assert "Rapport från Socialstyrelsen." in page
    assert 'lang="sv"' in page
    assert "Kim Berg" in page and "CareSense AB" in page
    assert "Test and co-creation" in page  # the step by its name
    assert "Submit for review" in page  # the history: the author's move
    assert "Nobody is working on this entry." in page
    assert "Take this entry" in page
    for move in ("publish", "request_changes", "reject", "merge"):
        assert f'name="move" value="{move}"' in page
    assert 'name="move" value="withdraw"' not in page  # not legal from submitted


def test_taking_an_entry_starts_its_review_and_shows_it_as_taken_to_other_reviewers(
    entry_in: Any, reviewer: Any, other_reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    client.force_login(reviewer)

    response = client.post(reverse("obstacles:claim", args=[entry.pk]), follow=True)

    entry.refresh_from_db()
    assert entry.status == S.IN_REVIEW
    assert entry.claimed_by == reviewer
    assert "You have taken this entry" in response.content.decode()

    client.force_login(other_reviewer)
    page = client.get(reverse("obstacles:review", args=[entry.pk])).content.decode()
    since = timezone.localtime(entry.claimed_at).strftime("%H:%M")
    assert f"Taken by Rut Granskare since {since}." in page
    assert "cannot decide on it now" in page
    assert page.count('class="move-fieldset" disabled') == 4
    refused = client.post(reverse("obstacles:claim", args=[entry.pk]), follow=True)
    assert "Rut Granskare is working on this entry" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.claimed_by == reviewer


def test_releasing_an_entry_lets_another_reviewer_take_it(
    entry_in: Any, reviewer: Any, other_reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    client.force_login(reviewer)

    client.post(reverse("obstacles:release", args=[entry.pk]))

    entry.refresh_from_db()
    assert entry.claimed_by_id is None
    client.force_login(other_reviewer)
    client.post(reverse("obstacles:claim", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.claimed_by == other_reviewer


# --- Moves --------------------------------------------------------------------------------------


def test_publishing_from_the_review_page(entry_in: Any, reviewer: Any, client: Any) -> None:
    entry = entry_in(S.SUBMITTED)
    client.force_login(reviewer)

    response = client.post(reverse("obstacles:move", args=[entry.pk]), _move(entry, "publish"))

    entry.refresh_from_db()
    assert response["Location"] == reverse("obstacles:review_queue")
    assert entry.status == S.PUBLISHED
    assert entry.transitions.last().actor == reviewer


def test_requesting_changes_tells_the_author_by_mail(
    entry_in: Any, author: Any, reviewer: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    client.force_login(reviewer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("obstacles:move", args=[entry.pk]),
            _move(entry, "request_changes", reason="Beskriv vilket journalsystem det gäller."),
        )

    entry.refresh_from_db()
    assert entry.status == S.CHANGES_REQUESTED
    assert entry.decision_reason == "Beskriv vilket journalsystem det gäller."
    assert [m.to for m in mail.outbox] == [[author.email]]


@pytest.mark.parametrize("move", ["request_changes", "reject"])
def test_a_move_that_needs_a_reason_is_refused_without_one_beside_the_field(
    move: str, entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    client.force_login(reviewer)

    response = client.post(
        reverse("obstacles:move", args=[entry.pk]), _move(entry, move, reason="  ")
    )

    page = response.content.decode()
    entry.refresh_from_db()
    assert response.status_code == 400
    assert f'id="id_{move}-reason_error"' in page
    assert entry.status == S.IN_REVIEW


def test_rejecting_keeps_the_reason_for_the_author(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    client.force_login(reviewer)

    client.post(
        reverse("obstacles:move", args=[entry.pk]),
        _move(entry, "reject", reason="Det här är en önskan, inte ett hinder."),
    )

    entry.refresh_from_db()
    assert entry.status == S.REJECTED
    assert entry.decision_reason == "Det här är en önskan, inte ett hinder."


def test_merging_into_a_duplicate_picked_from_the_list(
    entry_in: Any, survivor: Obstacle, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.IN_REVIEW, title="Ingen väg in för integration mot journalen")
    client.force_login(reviewer)
    page = client.get(reverse("obstacles:review", args=[entry.pk])).content.decode()
    assert f'name="merge-merge_choice" value="{survivor.pk}"' in page

    response = client.post(
        reverse("obstacles:move", args=[entry.pk]), _move(entry, "merge", merge_choice=survivor.pk)
    )

    entry.refresh_from_db()
    assert response.status_code == 302
    assert entry.status == S.MERGED
    assert entry.merged_into == survivor


def test_merging_into_an_entry_by_its_number(entry_in: Any, reviewer: Any, client: Any) -> None:
    entry = entry_in(S.IN_REVIEW)
    other = entry_in(S.PUBLISHED, title="Helt annan rubrik om debitering")
    client.force_login(reviewer)

    client.post(
        reverse("obstacles:move", args=[entry.pk]), _move(entry, "merge", merge_number=other.pk)
    )

    entry.refresh_from_db()
    assert entry.merged_into == other


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("self", "An entry cannot be merged into itself."),
        ("missing", "There is no entry number"),
        ("none", "Choose the entry this one duplicates, or type its number."),
        ("rejected", "Merge into a published entry or one waiting for review"),
    ],
)
def test_a_bad_merge_target_is_refused_beside_the_number_with_the_note_kept(
    target: str, message: str, entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    numbers = {
        "self": entry.pk,
        "missing": 999999,
        "none": "",
        "rejected": entry_in(S.REJECTED, title="Avvisad post").pk,
    }
    client.force_login(reviewer)

    response = client.post(
        reverse("obstacles:move", args=[entry.pk]),
        _move(entry, "merge", merge_number=numbers[target], reason="Samma sak som den andra."),
    )

    page = response.content.decode()
    entry.refresh_from_db()
    assert response.status_code == 400
    assert 'id="id_merge-merge_number_error"' in page
    assert message in page
    assert "Samma sak som den andra." in page
    assert entry.status == S.IN_REVIEW


def test_withdrawing_a_published_entry_returns_to_its_review_page(
    entry_in: Any, other_reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.PUBLISHED)
    client.force_login(other_reviewer)

    response = client.post(
        reverse("obstacles:move", args=[entry.pk]),
        _move(entry, "withdraw", reason="Lagen har ändrats."),
    )

    entry.refresh_from_db()
    assert response["Location"] == reverse("obstacles:review", args=[entry.pk])
    assert entry.status == S.WITHDRAWN
    assert entry.decision_reason == "Lagen har ändrats."


def test_a_stale_move_answers_409_with_the_entry_as_it_is_now_and_the_reason_kept(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    seen = _move(entry, "reject", reason="Mitt noga skrivna skäl.")
    services.obstacle_update(
        obstacle=entry, actor=reviewer, expected_version=entry.version, data={"title": "Ny titel"}
    )
    client.force_login(reviewer)

    response = client.post(reverse("obstacles:move", args=[entry.pk]), seen)

    page = response.content.decode()
    entry.refresh_from_db()
    assert response.status_code == 409
    assert "Someone else changed this entry" in page
    assert "Mitt noga skrivna skäl." in page
    assert "Ny titel" in page  # what it looks like now
    assert f'name="reject-version" value="{entry.version}"' in page
    assert entry.status == S.IN_REVIEW


def test_a_move_on_an_entry_another_reviewer_holds_is_refused_with_the_reason_kept(
    entry_in: Any, other_reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)  # held by `reviewer`
    client.force_login(other_reviewer)

    response = client.post(
        reverse("obstacles:move", args=[entry.pk]),
        _move(entry, "request_changes", reason="Lägg till en källa."),
    )

    page = response.content.decode()
    entry.refresh_from_db()
    assert response.status_code == 400
    assert "Rut Granskare is working on this entry" in page
    assert "Lägg till en källa." in page
    assert entry.status == S.IN_REVIEW


def test_a_double_submitted_move_moves_once(entry_in: Any, reviewer: Any, client: Any) -> None:
    entry = entry_in(S.IN_REVIEW)
    client.force_login(reviewer)
    data = _move(entry, "publish")

    client.post(reverse("obstacles:move", args=[entry.pk]), data)
    second = client.post(reverse("obstacles:move", args=[entry.pk]), data)

    entry.refresh_from_db()
    assert second.status_code == 302
    assert entry.status == S.PUBLISHED
    assert entry.transitions.filter(move="publish").count() == 1


def test_an_unknown_move_is_not_found(entry_in: Any, reviewer: Any, client: Any) -> None:
    entry = entry_in(S.IN_REVIEW)
    client.force_login(reviewer)

    response = client.post(reverse("obstacles:move", args=[entry.pk]), _move(entry, "submit"))

    assert response.status_code == 404


# --- Private notes ------------------------------------------------------------------------------


def test_a_note_added_without_javascript_returns_to_the_notes(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    client.force_login(reviewer)

    response = client.post(
        reverse("obstacles:note_add", args=[entry.pk]), {"text": "Kolla med Olle."}
    )

    assert response["Location"] == reverse("obstacles:review", args=[entry.pk]) + "#notes"
    assert ReviewerNote.objects.get().text == "Kolla med Olle."
    page = client.get(reverse("obstacles:review", args=[entry.pk])).content.decode()
    assert "Kolla med Olle." in page


def test_a_note_added_with_htmx_answers_the_notes_fragment(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    client.force_login(reviewer)

    response = client.post(
        reverse("obstacles:note_add", args=[entry.pk]), {"text": "Liknar nr 12."}, **HTMX
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<section id="notes"')
    assert "Liknar nr 12." in page
    assert "Your note was added." in page


def test_an_empty_note_is_refused_beside_the_field_and_stores_nothing(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.SUBMITTED)
    client.force_login(reviewer)

    fragment = client.post(reverse("obstacles:note_add", args=[entry.pk]), {"text": " "}, **HTMX)
    page = client.post(reverse("obstacles:note_add", args=[entry.pk]), {"text": "x" * 5001})

    assert fragment.status_code == 400
    assert 'id="id_text_error"' in fragment.content.decode()
    assert page.status_code == 400
    assert "Keep the note to 5000 characters" in page.content.decode()
    assert not ReviewerNote.objects.exists()


# --- Possible duplicates ------------------------------------------------------------------------


def test_possible_duplicates_rank_similar_published_and_waiting_entries_and_skip_the_rest(
    entry_in: Any, author: Any, stranger: Any
) -> None:
    entry = entry_in(S.SUBMITTED, title="Journalsystemet saknar öppna gränssnitt för mätvärden")
    close = entry_in(S.PUBLISHED, title="Journalsystemet saknar öppna gränssnitt")
    waiting = entry_in(S.SUBMITTED, title="Gränssnitt mot journalsystemet saknas")
    entry_in(S.REJECTED, title="Journalsystemet saknar öppna gränssnitt (avvisad)")
    services.obstacle_create(author=stranger, data=entry_data(title="Journalsystemet saknar API"))
    entry_in(S.PUBLISHED, title="Upphandlingen tog två år", description="LOU-processen drog ut.")

    found = obstacle_possible_duplicates(entry, limit=5)

    assert found[0] == close
    assert waiting in found
    assert entry not in found
    assert {o.status for o in found} <= {S.PUBLISHED, S.SUBMITTED, S.IN_REVIEW}
    assert all("Upphandlingen" not in o.title for o in found)


def test_possible_duplicates_are_shown_beside_the_entry(
    entry_in: Any, survivor: Obstacle, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.SUBMITTED, title="Ingen väg in för journalintegrationen")
    client.force_login(reviewer)

    page = client.get(reverse("obstacles:review", args=[entry.pk])).content.decode()

    section = page.split('id="duplicates"')[1].split("</section>")[0]
    assert "This entry" in section
    assert survivor.title in section
    assert reverse("obstacles:review", args=[survivor.pk]) in section


def test_the_review_page_makes_a_fixed_number_of_queries(
    entry_in: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.IN_REVIEW)
    client.force_login(reviewer)
    url = reverse("obstacles:review", args=[entry.pk])
    few = count_queries(client, url)

    for i in range(6):
        entry_in(S.PUBLISHED, title=f"Journalsystemet saknar öppna gränssnitt {i}")
        services.reviewer_note_add(obstacle=entry, reviewer=reviewer, text=f"Anteckning {i}")

    assert count_queries(client, url) == few


def test_without_postgresql_duplicates_are_found_by_shared_title_words(
    entry_in: Any,
) -> None:
    from obstacles.selectors.review import DUPLICATE_STATES, _duplicates_by_shared_words

    two = entry_in(S.PUBLISHED, title="Journalsystemet saknar gränssnitt")
    one = entry_in(S.SUBMITTED, title="Gränssnitt i regionen")
    entry_in(S.PUBLISHED, title="Upphandlingen tog två år")
    entry_in(S.REJECTED, title="Journalsystemet saknar gränssnitt helt")
    candidates = Obstacle.objects.filter(status__in=DUPLICATE_STATES)

    found = _duplicates_by_shared_words(candidates, ["journalsystemet", "saknar", "gränssnitt"], 5)

    assert found == [two, one]


def test_user_text_is_escaped_on_the_reviewer_and_author_pages(
    entry_in: Any, author: Any, reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.SUBMITTED, title='<img src=x onerror="alert(1)">')
    services.reviewer_note_add(obstacle=entry, reviewer=reviewer, text="<script>alert(2)</script>")

    client.force_login(reviewer)
    pages = [
        client.get(reverse("obstacles:review", args=[entry.pk])).content.decode(),
        client.get(reverse("obstacles:review_queue")).content.decode(),
    ]
    client.force_login(author)
    pages.append(client.get(reverse("obstacles:mine")).content.decode())

    for page in pages:
        assert "<img src=x" not in page
        assert "&lt;img src=x" in page
    assert "<script>alert(2)" not in pages[0]
