"""Partnership obstacle notes and the register: link, unlink, propose as a new entry.

Who may (the permission matrix, 404 for everyone else and for missing notes), what each action
stores, bad input (nothing changes), double submits (one draft), closed partnerships, the
search to choose an entry, and what the partnership page shows.
"""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from obstacles.models import Obstacle, Severity
from obstacles.services.entries import obstacle_create, obstacle_move
from obstacles.services.links import (
    guess_category,
    note_link,
    note_propose_obstacle,
    note_unlink,
    proposed_title,
)
from obstacles.workflow import ObstacleMove, ObstacleStatus
from partnerships.models import ObstacleNote, Partnership, PartnershipParty, PartyKind
from partnerships.services.partnerships import (
    obstacle_note_add,
    partnership_close,
    party_member_add,
)
from partnerships.workflow import PartnershipAction
from portal.core.models import AuditEvent
from regions.models import RegionRole
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_obstacles import ObstacleFactory, category, make_reviewer
from tests.factories_process import (
    make_admin,
    make_company_member,
    make_partnership,
    make_region_person,
)

pytestmark = pytest.mark.django_db

NOTE_TEXT = (
    "Mätvärdena kan inte föras in i journalen automatiskt. Sjuksköterskan skriver av dem för "
    "hand varje morgon."
)


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    company = OrganisationFactory(name="Hemmätning AB")
    coordinator = make_region_person("uppsala", email="coordinator@uppsala.example.se")
    member = make_company_member(company, email="member@hemmatning.example.se")
    return {
        "company": company,
        "coordinator": coordinator,
        "member": member,
        "colleague": make_company_member(company, email="colleague@hemmatning.example.se"),
        "sponsor": make_region_person(
            "uppsala", RegionRole.SPONSOR, email="sponsor@uppsala.example.se"
        ),
        "other_coordinator": make_region_person(
            "ostergotland", email="coordinator@ostergotland.example.se"
        ),
        "other_company": make_company_member(email="someone@elsewhere.example.se"),
        "reviewer": make_reviewer(),
        "admin": make_admin(),
        "outsider": UserFactory(email="outsider@example.se"),
    }


@pytest.fixture
def partnership(people: dict[str, Any]) -> Partnership:
    return make_partnership(
        company=people["company"],
        coordinator=people["coordinator"],
        author=people["member"],
        step_key="test",
    )


@pytest.fixture
def note(partnership: Partnership, people: dict[str, Any]) -> ObstacleNote:
    return obstacle_note_add(
        actor=people["coordinator"],
        partnership=partnership,
        step=partnership.current_step,
        text=NOTE_TEXT,
    )


@pytest.fixture
def published(people: dict[str, Any]) -> Obstacle:
    return ObstacleFactory(
        title="Journalsystemet saknar öppna gränssnitt för mätvärden från hemmet",
        category=category("it-interoperability"),
    )


def _fresh(note: ObstacleNote) -> ObstacleNote:
    return ObstacleNote.objects.get(pk=note.pk)


# --- Who may -------------------------------------------------------------------------------------

MAY = ["coordinator", "member", "colleague", "admin"]
MAY_NOT = ["sponsor", "other_coordinator", "other_company", "reviewer", "outsider"]


@pytest.mark.parametrize("who", MAY)
def test_people_working_on_the_partnership_open_the_link_page(
    who: str, people: dict[str, Any], note: ObstacleNote, client: Any
) -> None:
    client.force_login(people[who])
    response = client.get(reverse("obstacles:link_note", args=[note.pk]))
    assert response.status_code == 200
    assert NOTE_TEXT.split(".")[0] in response.content.decode()


@pytest.mark.parametrize("who", MAY_NOT)
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("link_note", "get"),
        ("link_note", "post"),
        ("link_unlink", "post"),
        ("link_propose", "post"),
    ],
)
def test_everyone_else_gets_404_and_nothing_changes(
    who: str,
    name: str,
    method: str,
    people: dict[str, Any],
    note: ObstacleNote,
    published: Obstacle,
    client: Any,
) -> None:
    client.force_login(people[who])
    url = reverse(f"obstacles:{name}", args=[note.pk])
    response = getattr(client, method)(url, {"obstacle": published.pk})
    assert response.status_code == 404
    assert _fresh(note).obstacle_id is None
    assert Obstacle.objects.count() == 1


def test_a_missing_note_is_404_like_a_forbidden_one(
    people: dict[str, Any], note: ObstacleNote, client: Any
) -> None:
    client.force_login(people["coordinator"])
    assert client.get(reverse("obstacles:link_note", args=[note.pk + 1000])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(note: ObstacleNote, client: Any) -> None:
    response = client.get(reverse("obstacles:link_note", args=[note.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_get_to_a_post_only_action_is_refused_for_those_who_may(
    people: dict[str, Any], note: ObstacleNote, client: Any
) -> None:
    client.force_login(people["member"])
    assert client.get(reverse("obstacles:link_propose", args=[note.pk])).status_code == 405
    assert client.get(reverse("obstacles:link_unlink", args=[note.pk])).status_code == 405
    assert Obstacle.objects.count() == 0


def test_a_person_named_on_the_partnership_may_link(
    people: dict[str, Any], partnership: Partnership, note: ObstacleNote, published: Obstacle
) -> None:
    researcher = UserFactory(email="researcher@uu.example.se")
    party = PartnershipParty.objects.get(partnership=partnership, kind=PartyKind.REGION)
    party_member_add(
        actor=people["coordinator"], partnership=partnership, party=party, user=researcher
    )
    linked = note_link(note=note, obstacle=published, actor=researcher)
    assert linked.obstacle_id == published.pk


def test_the_services_refuse_people_outside_the_partnership(
    people: dict[str, Any], note: ObstacleNote, published: Obstacle
) -> None:
    for who in MAY_NOT:
        with pytest.raises(PermissionDenied):
            note_link(note=note, obstacle=published, actor=people[who])
        with pytest.raises(PermissionDenied):
            note_propose_obstacle(note=note, actor=people[who])
    assert _fresh(note).obstacle_id is None


# --- Link and unlink -----------------------------------------------------------------------------


def test_linking_to_a_published_entry_stores_it_once_with_an_audit_row(
    people: dict[str, Any], note: ObstacleNote, published: Obstacle, client: Any
) -> None:
    client.force_login(people["member"])
    url = reverse("obstacles:link_note", args=[note.pk])
    response = client.post(url, {"obstacle": published.pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#obstacle-note-{note.pk}")
    assert _fresh(note).obstacle_id == published.pk
    # A double submit changes nothing more.
    assert client.post(url, {"obstacle": published.pk}).status_code == 302
    assert AuditEvent.objects.filter(action="obstacle.note_link").count() == 1


@pytest.mark.parametrize(
    "status",
    [
        ObstacleStatus.DRAFT,
        ObstacleStatus.SUBMITTED,
        ObstacleStatus.REJECTED,
        ObstacleStatus.WITHDRAWN,
    ],
)
def test_an_entry_that_is_not_published_cannot_be_linked(
    status: str, people: dict[str, Any], note: ObstacleNote, client: Any
) -> None:
    entry = ObstacleFactory(status=status, title="Ej publicerat hinder")
    client.force_login(people["coordinator"])
    response = client.post(reverse("obstacles:link_note", args=[note.pk]), {"obstacle": entry.pk})
    assert response.status_code == 400
    assert "Choose a published entry of the register." in response.content.decode()
    with pytest.raises(ValidationError):
        note_link(note=note, obstacle=entry, actor=people["coordinator"])
    assert _fresh(note).obstacle_id is None


@pytest.mark.parametrize("value", ["", "abc", "-3", "0", "999999"])
def test_bad_entry_numbers_are_refused_beside_the_choice_and_nothing_changes(
    value: str, people: dict[str, Any], note: ObstacleNote, published: Obstacle, client: Any
) -> None:
    note_link(note=note, obstacle=published, actor=people["coordinator"])
    client.force_login(people["coordinator"])
    response = client.post(
        reverse("obstacles:link_note", args=[note.pk]) + "?q=journal", {"obstacle": value}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    # The search the person made is still there to choose from.
    assert published.title in page
    assert _fresh(note).obstacle_id == published.pk


def test_linking_another_entry_replaces_the_link_and_unlinking_removes_it(
    people: dict[str, Any], note: ObstacleNote, published: Obstacle, client: Any
) -> None:
    note_link(note=note, obstacle=published, actor=people["coordinator"])
    other = ObstacleFactory(title="Inget gemensamt format för mätvärden")
    note_link(note=note, obstacle=other, actor=people["member"])
    assert _fresh(note).obstacle_id == other.pk

    client.force_login(people["member"])
    response = client.post(reverse("obstacles:link_unlink", args=[note.pk]))
    assert response.status_code == 302
    assert _fresh(note).obstacle_id is None
    # Unlinking again is harmless.
    assert client.post(reverse("obstacles:link_unlink", args=[note.pk])).status_code == 302
    assert AuditEvent.objects.filter(action="obstacle.note_unlink").count() == 1


def test_a_closed_partnership_keeps_its_links_as_they_are(
    people: dict[str, Any],
    partnership: Partnership,
    note: ObstacleNote,
    published: Obstacle,
    client: Any,
) -> None:
    partnership_close(
        actor=people["coordinator"],
        partnership=partnership,
        action=PartnershipAction.STOP,
        reason="Företaget drog sig ur.",
    )
    with pytest.raises(ValidationError):
        note_link(note=_fresh(note), obstacle=published, actor=people["coordinator"])
    client.force_login(people["coordinator"])
    page = client.get(reverse("obstacles:link_note", args=[note.pk])).content.decode()
    assert "The partnership is closed" in page
    assert reverse("obstacles:link_propose", args=[note.pk]) not in page
    response = client.post(reverse("obstacles:link_propose", args=[note.pk]))
    assert response.status_code == 302
    assert Obstacle.objects.count() == 1
    assert _fresh(note).obstacle_id is None


# --- Propose as a new obstacle -------------------------------------------------------------------


def test_proposing_makes_one_prefilled_draft_for_the_person_and_opens_it(
    people: dict[str, Any], partnership: Partnership, note: ObstacleNote, client: Any
) -> None:
    client.force_login(people["member"])
    url = reverse("obstacles:link_propose", args=[note.pk])
    first = client.post(url)
    second = client.post(url)  # a double submit
    draft = Obstacle.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("obstacles:edit", args=[draft.pk])
    assert draft.status == ObstacleStatus.DRAFT
    assert draft.author == people["member"]
    assert draft.organisation == people["company"]
    assert draft.title == "Mätvärdena kan inte föras in i journalen automatiskt"
    assert "Sjuksköterskan skriver av dem för hand" in draft.description
    assert draft.description.startswith("<p>")
    assert draft.step_key == "test"
    assert draft.region == partnership.region
    assert draft.category.slug == "it-interoperability"
    assert draft.severity == Severity.MEDIUM
    assert set(draft.actors.values_list("slug", flat=True)) == {"healthcare", "company"}
    # Nothing about the (possibly private) partnership is written into the entry.
    assert partnership.title not in draft.description + draft.evidence
    assert _fresh(note).obstacle_id == draft.pk
    assert AuditEvent.objects.filter(action="obstacle.note_propose").count() == 1


def test_proposing_a_note_already_linked_to_a_published_entry_is_refused(
    people: dict[str, Any], note: ObstacleNote, published: Obstacle, client: Any
) -> None:
    note_link(note=note, obstacle=published, actor=people["coordinator"])
    with pytest.raises(ValidationError):
        note_propose_obstacle(note=note, actor=people["member"])
    client.force_login(people["member"])
    response = client.post(reverse("obstacles:link_propose", args=[note.pk]), follow=True)
    assert "already linked" in response.content.decode()
    assert Obstacle.objects.count() == 1
    assert _fresh(note).obstacle_id == published.pk


def test_someone_elses_proposal_is_not_taken_over(
    people: dict[str, Any], note: ObstacleNote
) -> None:
    draft = note_propose_obstacle(note=note, actor=people["member"])
    with pytest.raises(ValidationError):
        note_propose_obstacle(note=note, actor=people["coordinator"])
    assert Obstacle.objects.get() == draft


def test_a_proposal_already_submitted_opens_its_page_instead_of_the_editor(
    people: dict[str, Any], note: ObstacleNote, client: Any
) -> None:
    draft = note_propose_obstacle(note=note, actor=people["member"])
    obstacle_move(obstacle=draft, actor=people["member"], move=ObstacleMove.SUBMIT)
    client.force_login(people["member"])
    response = client.post(reverse("obstacles:link_propose", args=[note.pk]))
    assert response["Location"] == reverse("obstacles:detail", args=[draft.pk])
    assert Obstacle.objects.count() == 1


def test_proposed_titles_are_the_first_sentence_cut_at_a_word() -> None:
    assert proposed_title("Första meningen. Andra meningen.") == "Första meningen"
    assert proposed_title("Ingen punkt alls") == "Ingen punkt alls"
    long = "ord " * 60
    title = proposed_title(long)
    assert title.endswith("…") and len(title) <= 121
    assert " ".join(title.rstrip("…").split()) == title.rstrip("…")


def test_the_category_is_guessed_from_the_words_then_the_step(db: Any) -> None:
    assert guess_category("Molntjänsten godkändes inte av sekretesskäl", "").slug == (
        "data-protection-cloud"
    )
    assert guess_category("Upphandlingen tar två år", "test").slug == "procurement-lou"
    assert guess_category("Det gick inte", "evaluation").slug == "evidence-evaluation"
    assert guess_category("Det gick inte", "").slug == "regulation-mdr"  # the first in order


# --- Choosing an entry ---------------------------------------------------------------------------


def test_the_search_lists_published_entries_by_word_or_number_only(
    people: dict[str, Any], note: ObstacleNote, published: Obstacle, client: Any
) -> None:
    hidden = obstacle_create(
        author=people["member"],
        data={
            "title": "Journalsystemet i utkast",
            "description": "Ett utkast om journalsystemet.",
            "category": category("it-interoperability"),
        },
    )
    client.force_login(people["member"])
    url = reverse("obstacles:link_note", args=[note.pk])
    page = client.get(url, {"q": "journalsystemet"}).content.decode()
    assert published.title in page
    assert hidden.title not in page
    by_number = client.get(url, {"q": f"#{published.pk}"}).content.decode()
    assert published.title in by_number
    assert client.get(url, {"q": str(hidden.pk)}).content.decode().count(hidden.title) == 0


def test_the_search_box_gets_the_results_alone_over_htmx(
    people: dict[str, Any], note: ObstacleNote, published: Obstacle, client: Any
) -> None:
    client.force_login(people["member"])
    response = client.get(
        reverse("obstacles:link_note", args=[note.pk]),
        {"q": "journalsystemet"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and published.title in page
    assert 'name="obstacle"' in page and "csrfmiddlewaretoken" in page


def test_the_search_costs_the_same_queries_however_many_entries_match(
    people: dict[str, Any], note: ObstacleNote, client: Any
) -> None:
    client.force_login(people["member"])
    url = reverse("obstacles:link_note", args=[note.pk]) + "?q=journalsystemet"

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    ObstacleFactory(title="Journalsystemet 1")
    few = queries()
    for n in range(5):
        ObstacleFactory(title=f"Journalsystemet {n + 2}")
    assert queries() == few


# --- The partnership page and the register -------------------------------------------------------


def test_the_partnership_page_shows_the_linked_entry_and_the_actions(
    people: dict[str, Any],
    partnership: Partnership,
    note: ObstacleNote,
    published: Obstacle,
    client: Any,
) -> None:
    client.force_login(people["member"])
    url = reverse("partnerships:detail", args=[partnership.pk])
    page = client.get(url).content.decode()
    assert reverse("obstacles:link_note", args=[note.pk]) in page
    assert reverse("obstacles:link_propose", args=[note.pk]) in page

    note_link(note=note, obstacle=published, actor=people["coordinator"])
    page = client.get(url).content.decode()
    assert published.title in page
    assert f'lang="{published.language}"' in page
    assert reverse("obstacles:link_unlink", args=[note.pk]) in page

    # The sponsor sees the link but no actions.
    client.force_login(people["sponsor"])
    page = client.get(url).content.decode()
    assert published.title in page
    assert reverse("obstacles:link_note", args=[note.pk]) not in page


def test_another_persons_draft_is_not_named_on_the_partnership_page(
    people: dict[str, Any], partnership: Partnership, note: ObstacleNote, client: Any
) -> None:
    draft = note_propose_obstacle(note=note, actor=people["member"])
    client.force_login(people["coordinator"])
    page = client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()
    assert "Proposed as a new obstacle; not published yet." in page
    assert reverse("obstacles:detail", args=[draft.pk]) not in page


def test_the_register_counts_the_partnerships_that_met_an_entry(
    people: dict[str, Any], partnership: Partnership, note: ObstacleNote, published: Obstacle
) -> None:
    second = make_partnership(
        region_slug="ostergotland", coordinator=people["other_coordinator"], step_key="needs"
    )
    other_note = obstacle_note_add(
        actor=people["other_coordinator"],
        partnership=second,
        step=second.current_step,
        text="Inget gränssnitt mot journalen.",
    )
    note_link(note=note, obstacle=published, actor=people["coordinator"])
    note_link(note=other_note, obstacle=published, actor=people["other_coordinator"])
    assert published.partnership_notes.count() == 2
    assert published.partnership_notes.values("partnership").distinct().count() == 2
    note_unlink(note=other_note, actor=people["other_coordinator"])
    assert published.partnership_notes.count() == 1


def test_the_partnership_page_costs_the_same_queries_however_many_notes_are_linked(
    people: dict[str, Any], partnership: Partnership, client: Any
) -> None:
    client.force_login(people["member"])
    url = reverse("partnerships:detail", args=[partnership.pk])

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def linked_note(n: int) -> None:
        note = obstacle_note_add(
            actor=people["coordinator"],
            partnership=partnership,
            step=partnership.current_step,
            text=f"Hinder nummer {n}.",
        )
        note_link(note=note, obstacle=ObstacleFactory(), actor=people["coordinator"])

    linked_note(1)
    few = queries()
    for n in range(2, 5):
        linked_note(n)
    assert queries() == few


def test_htmx_history_restore_of_the_search_gets_the_full_page(
    people: dict[str, Any], note: ObstacleNote, published: Obstacle, client: Any
) -> None:
    client.force_login(people["member"])

    response = client.get(
        reverse("obstacles:link_note", args=[note.pk]),
        {"q": "journalsystemet"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page and "<h1" in page and "<nav" in page
    assert published.title in page
    assert "HX-Request" in response["Vary"]
