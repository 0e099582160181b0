"""The authors' pages: "Submit an obstacle", the editor, "Submit for review" and "My obstacles".

Who may open and post each view is a row of a parametrised table: allowed answers 200 (or the
change is made), signed in but not allowed 404 (existence does not leak), anonymous is sent to
sign in. Bad input keeps what was typed and stores nothing; double submits make one entry; a
stale edit answers 409 with the typed text kept.
"""

import uuid
from typing import Any

import pytest
from django.urls import reverse

from obstacles.forms.entries import editable_text
from obstacles.models import Obstacle
from obstacles.services import entries as services
from obstacles.workflow import ObstacleStatus
from tests.factories import UserFactory
from tests.factories_obstacles import ObstacleFactory, actor, category
from tests.utils import count_queries

from .test_entry_scene import *  # noqa: F403  (fixtures)
from .test_entry_scene import entry_data

pytestmark = pytest.mark.django_db

S = ObstacleStatus
LOGIN = "login"


def _form(**overrides: Any) -> dict[str, Any]:
    """What the entry form posts, as a browser sends it."""
    data: dict[str, Any] = {
        "title": "Ingen testmiljö för journalintegration",
        "description": "Regionen saknar en testmiljö.\n\nVi fick vänta i ett halvår.",
        "category": str(category().pk),
        "step_key": "test",
        "actors": [str(actor("company").pk), str(actor("healthcare").pk)],
        "region": "",
        "severity": "3",
        "evidence": "https://example.se/rapport",
        "known_mitigation": "",
        "language": "sv",
        "action": "save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _edit_form(obstacle: Obstacle, **overrides: Any) -> dict[str, Any]:
    data = _form(
        title=obstacle.title,
        description=editable_text(obstacle.description),
        category=str(obstacle.category_id),
        step_key=obstacle.step_key,
        actors=[str(a.pk) for a in obstacle.actors.all()],
        region=str(obstacle.region_id or ""),
        severity=str(obstacle.severity),
        evidence=editable_text(obstacle.evidence),
        known_mitigation=editable_text(obstacle.known_mitigation),
        language=obstacle.language,
        version=str(obstacle.version),
    )
    data.update(overrides)
    return data


def _login_redirect(response: Any) -> bool:
    return response.status_code == 302 and reverse("account_login") in response["Location"]


# --- Who may do what ----------------------------------------------------------------------------

ROLES = ["author", "stranger", "reviewer", "other_reviewer", "portal_admin", "anonymous"]
STATES = [S.DRAFT, S.CHANGES_REQUESTED, S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.REJECTED]


def _edit_rule(role: str, state: str) -> Any:
    if role == "anonymous":
        return LOGIN
    if role == "author":
        return 200 if state in {S.DRAFT, S.CHANGES_REQUESTED} else 404
    if role == "reviewer":  # holds the claim on the entry in review
        return 200 if state in {S.IN_REVIEW, S.PUBLISHED} else 404
    if role in {"other_reviewer", "portal_admin"}:
        return 200 if state == S.PUBLISHED else 404
    return 404


def _submit_rule(role: str, state: str) -> Any:
    if role == "anonymous":
        return LOGIN
    if role == "author":
        if state in {S.DRAFT, S.CHANGES_REQUESTED}:
            return S.SUBMITTED
        return "unchanged" if state in {S.SUBMITTED, S.IN_REVIEW} else 404
    return 404


@pytest.fixture
def people(
    author: Any, stranger: Any, reviewer: Any, other_reviewer: Any, portal_admin: Any
) -> dict[str, Any]:
    return {
        "author": author,
        "stranger": stranger,
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "portal_admin": portal_admin,
        "anonymous": None,
    }


def _sign_in(client: Any, people: dict[str, Any], role: str) -> None:
    if people[role] is not None:
        client.force_login(people[role])


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        pytest.param(role, state, _edit_rule(role, state), id=f"{role}-{state}")
        for role in ROLES
        for state in STATES
    ],
)
def test_edit_page_opens_only_for_who_may_edit_in_that_state(
    role: str, state: str, expected: Any, people: Any, entry_in: Any, client: Any
) -> None:
    entry = entry_in(state)
    _sign_in(client, people, role)

    response = client.get(reverse("obstacles:edit", args=[entry.pk]))

    if expected == LOGIN:
        assert _login_redirect(response)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        pytest.param(role, state, _submit_rule(role, state), id=f"{role}-{state}")
        for role in ROLES
        for state in STATES
    ],
)
def test_submit_is_the_authors_alone_and_only_from_draft_or_changes_requested(
    role: str, state: str, expected: Any, people: Any, entry_in: Any, client: Any
) -> None:
    entry = entry_in(state)
    _sign_in(client, people, role)

    response = client.post(reverse("obstacles:submit", args=[entry.pk]), {"version": entry.version})

    entry.refresh_from_db()
    if expected == LOGIN:
        assert _login_redirect(response)
        assert entry.status == state
    elif expected == 404:
        assert response.status_code == 404
        assert entry.status == state
    elif expected == "unchanged":
        assert response.status_code == 302
        assert entry.status == state
    else:
        assert response.status_code == 302
        assert entry.status == expected


def test_anonymous_visitors_are_sent_to_sign_in_for_every_author_page(client: Any) -> None:
    for url in (reverse("obstacles:create"), reverse("obstacles:mine")):
        assert _login_redirect(client.get(url))
    assert _login_redirect(client.post(reverse("obstacles:create"), _form()))
    assert not Obstacle.objects.exists()


def test_a_get_to_submit_is_refused_and_changes_nothing(
    entry_in: Any, author: Any, stranger: Any, client: Any
) -> None:
    draft = entry_in(S.DRAFT)
    client.force_login(stranger)
    assert client.get(reverse("obstacles:submit", args=[draft.pk])).status_code == 404
    client.force_login(author)
    assert client.get(reverse("obstacles:submit", args=[draft.pk])).status_code == 405
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


# --- Create -------------------------------------------------------------------------------------


def test_new_entry_form_offers_steps_by_name_active_categories_and_the_ui_language(
    author: Any, client: Any
) -> None:
    retired = category()
    retired.is_active = False
    retired.save()
    client.force_login(author)

    page = client.get(reverse("obstacles:create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Several steps / not specific" in page
    assert '<option value="agreement">' in page  # steps are offered by key, shown by name
    assert "Test and co-creation" in page
    assert retired.name_en not in page
    assert category("regulation-mdr").name_en in page
    assert 'name="client_token"' in page
    assert 'value="en" checked' in page or '<option value="en" selected>' in page


def test_saving_a_draft_stores_it_privately_and_opens_the_editor(
    author: Any, company: Any, client: Any
) -> None:
    client.force_login(author)

    response = client.post(reverse("obstacles:create"), _form(client_token=str(uuid.uuid4())))

    entry = Obstacle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("obstacles:edit", args=[entry.pk])
    assert entry.status == S.DRAFT
    assert entry.author == author
    assert entry.organisation == company
    assert entry.description == (
        "<p>Regionen saknar en testmiljö.</p><p>Vi fick vänta i ett halvår.</p>"
    )
    assert {a.slug for a in entry.actors.all()} == {"company", "healthcare"}
    assert entry.region is None  # national


def test_submit_for_review_from_the_new_form_sends_the_entry(author: Any, client: Any) -> None:
    client.force_login(author)

    response = client.post(reverse("obstacles:create"), _form(action="submit"))

    entry = Obstacle.objects.get()
    assert response["Location"] == reverse("obstacles:mine")
    assert entry.status == S.SUBMITTED
    assert entry.submitted_at is not None


@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_double_submit_of_the_new_form_makes_one_entry(
    action: str, author: Any, client: Any
) -> None:
    client.force_login(author)
    data = _form(action=action, client_token=str(uuid.uuid4()))

    first = client.post(reverse("obstacles:create"), data)
    second = client.post(reverse("obstacles:create"), data, follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert Obstacle.objects.count() == 1
    if action == "submit":
        assert Obstacle.objects.get().transitions.count() == 1
        assert "already been submitted" in second.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Give the obstacle a title."),
        ("title", "x" * 201, "Keep the title to 200 characters"),
        ("description", "   ", "Describe the obstacle."),
        ("category", "", "Choose the category the obstacle belongs to."),
        ("category", "999999", "Select a valid choice"),
        ("step_key", "no-such-step", "Select a valid choice"),
        ("severity", "9", "Select a valid choice"),
        ("region", "999999", "Select a valid choice"),
        ("language", "de", "Select a valid choice"),
        ("evidence", "e" * 10001, "Keep the evidence to 10000 characters"),
    ],
)
def test_bad_input_is_shown_beside_the_field_keeps_the_text_and_stores_nothing(
    field: str, value: str, message: str, author: Any, client: Any
) -> None:
    client.force_login(author)
    typed = "Vi mötte detta i vår pilot med hemmonitorering."

    response = client.post(
        reverse("obstacles:create"), _form(**{field: value, "known_mitigation": typed})
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'id="id_{field}_error"' in page  # tied to its field
    assert "error-summary" in page
    assert typed in page
    assert not Obstacle.objects.exists()


def test_markup_typed_into_the_description_is_stored_sanitised(author: Any, client: Any) -> None:
    client.force_login(author)

    client.post(
        reverse("obstacles:create"),
        _form(
            description='<p onclick="x()">Se <a href="javascript:alert(1)">här</a></p>'
            "<script>x</script>"
        ),
    )

    stored = Obstacle.objects.get().description
    assert "script" not in stored
    assert "onclick" not in stored
    assert "javascript" not in stored


# --- Edit ---------------------------------------------------------------------------------------


def test_the_author_sees_the_reviewers_requested_changes_on_the_editor(
    entry_in: Any, author: Any, client: Any
) -> None:
    entry = entry_in(S.CHANGES_REQUESTED)
    client.force_login(author)

    page = client.get(reverse("obstacles:edit", args=[entry.pk])).content.decode()

    assert "Changes the reviewer asks for" in page
    assert "Lägg till källor." in page
    assert "Save and submit again" in page


def test_the_editor_shows_plain_paragraphs_as_the_text_that_was_typed(
    entry_in: Any, author: Any, client: Any
) -> None:
    entry = entry_in(S.DRAFT)
    client.force_login(author)

    page = client.get(reverse("obstacles:edit", args=[entry.pk])).content.decode()

    assert "Vi kunde inte hämta mätvärden från hemmet.\n\nIntegrationen tog ett år." in page
    assert "&lt;p&gt;Vi kunde" not in page
    assert 'lang="sv"' in page.split('id="id_description"')[0].rsplit("<textarea", 1)[1]


def test_saving_unchanged_text_stores_the_same_html_again(
    entry_in: Any, author: Any, client: Any
) -> None:
    entry = entry_in(S.DRAFT, description="Första stycket.\nNy rad.\n\nAndra <em>stycket</em>.")
    before = entry.description
    client.force_login(author)

    client.post(reverse("obstacles:edit", args=[entry.pk]), _edit_form(entry))

    entry.refresh_from_db()
    assert entry.description == before
    assert entry.version == 2


def test_an_edit_is_saved_and_the_author_stays_in_the_editor(
    entry_in: Any, author: Any, client: Any
) -> None:
    entry = entry_in(S.DRAFT)
    client.force_login(author)

    response = client.post(
        reverse("obstacles:edit", args=[entry.pk]), _edit_form(entry, title="En bättre titel")
    )

    entry.refresh_from_db()
    assert response["Location"] == reverse("obstacles:edit", args=[entry.pk])
    assert entry.title == "En bättre titel"
    assert entry.status == S.DRAFT


def test_save_and_submit_again_after_requested_changes_sends_it_back_to_the_reviewers(
    entry_in: Any, author: Any, client: Any
) -> None:
    entry = entry_in(S.CHANGES_REQUESTED)
    client.force_login(author)

    response = client.post(
        reverse("obstacles:edit", args=[entry.pk]),
        _edit_form(entry, evidence="Rapport från 2024.", action="submit"),
    )

    entry.refresh_from_db()
    assert response["Location"] == reverse("obstacles:mine")
    assert entry.status == S.SUBMITTED
    assert entry.evidence == "<p>Rapport från 2024.</p>"
    assert entry.decision_reason == ""


def test_a_double_submit_of_save_and_submit_is_told_it_was_already_sent(
    entry_in: Any, author: Any, client: Any
) -> None:
    entry = entry_in(S.DRAFT)
    client.force_login(author)
    data = _edit_form(entry, action="submit")

    client.post(reverse("obstacles:edit", args=[entry.pk]), data)
    second = client.post(reverse("obstacles:edit", args=[entry.pk]), data, follow=True)

    entry.refresh_from_db()
    assert second.status_code == 200
    assert "already been submitted" in second.content.decode()
    assert entry.status == S.SUBMITTED
    assert entry.transitions.count() == 1


def test_a_stale_edit_answers_409_keeps_the_typed_text_and_shows_the_stored_values(
    entry_in: Any, author: Any, client: Any
) -> None:
    entry = entry_in(S.DRAFT)
    opened = _edit_form(entry)
    services.obstacle_update(
        obstacle=entry,
        actor=author,
        expected_version=entry.version,
        data={"title": "Sparad i ett annat fönster"},
    )
    client.force_login(author)

    response = client.post(
        reverse("obstacles:edit", args=[entry.pk]),
        {**opened, "title": "Min nya titel", "description": "Min nya text."},
    )

    page = response.content.decode()
    entry.refresh_from_db()
    assert response.status_code == 409
    assert "Min nya titel" in page and "Min nya text." in page  # what was typed is kept
    assert "Sparad i ett annat fönster" in page  # the stored value beside it
    assert 'name="version" value="2"' in page  # saving again is a choice made after seeing it
    assert entry.title == "Sparad i ett annat fönster"


def test_a_repeated_edit_with_the_same_text_is_not_a_conflict(
    entry_in: Any, author: Any, client: Any
) -> None:
    entry = entry_in(S.DRAFT)
    client.force_login(author)
    data = _edit_form(entry, title="Samma text två gånger")

    client.post(reverse("obstacles:edit", args=[entry.pk]), data)
    second = client.post(reverse("obstacles:edit", args=[entry.pk]), data)

    entry.refresh_from_db()
    assert second.status_code == 302
    assert entry.version == 2


def test_bad_input_on_the_editor_keeps_the_text_and_changes_nothing(
    entry_in: Any, author: Any, client: Any
) -> None:
    entry = entry_in(S.DRAFT)
    client.force_login(author)

    response = client.post(
        reverse("obstacles:edit", args=[entry.pk]),
        _edit_form(entry, title="", description="Min omskrivna beskrivning."),
    )

    entry.refresh_from_db()
    assert response.status_code == 400
    assert "Min omskrivna beskrivning." in response.content.decode()
    assert entry.title == "Journalsystemet saknar öppna gränssnitt"
    assert entry.version == 1


def test_a_reviewer_correcting_a_published_entry_returns_to_its_review_page(
    entry_in: Any, other_reviewer: Any, client: Any
) -> None:
    entry = entry_in(S.PUBLISHED)
    client.force_login(other_reviewer)

    page = client.get(reverse("obstacles:edit", args=[entry.pk])).content.decode()
    response = client.post(
        reverse("obstacles:edit", args=[entry.pk]), _edit_form(entry, title="Rättad titel")
    )

    entry.refresh_from_db()
    assert "Save the changes" in page and "Submit for review" not in page
    assert response["Location"] == reverse("obstacles:review", args=[entry.pk])
    assert entry.title == "Rättad titel"
    assert entry.status == S.PUBLISHED


# --- My obstacles -------------------------------------------------------------------------------


def test_my_obstacles_lists_my_entries_with_status_reason_and_what_to_do(
    entry_in: Any, author: Any, stranger: Any, client: Any
) -> None:
    draft = entry_in(S.DRAFT, title="Mitt utkast")
    asked = entry_in(S.CHANGES_REQUESTED, title="Behöver ändras")
    rejected = entry_in(S.REJECTED, title="Avvisat hinder")
    merged = entry_in(S.MERGED, title="En dubblett")
    services.obstacle_create(author=stranger, data=entry_data(title="Någon annans hinder"))
    client.force_login(author)

    page = client.get(reverse("obstacles:mine")).content.decode()

    assert "Någon annans hinder" not in page
    for entry in (draft, asked, rejected, merged):
        assert entry.title in page
    assert "Lägg till källor." in page and "Inte ett hinder." in page  # the reasons
    assert reverse("obstacles:edit", args=[draft.pk]) in page
    assert reverse("obstacles:submit", args=[draft.pk]) in page
    assert reverse("obstacles:submit", args=[asked.pk]) in page
    assert reverse("obstacles:submit", args=[rejected.pk]) not in page
    assert reverse("obstacles:detail", args=[merged.merged_into_id]) in page
    assert 'lang="sv"' in page
    assert reverse("obstacles:review_queue") not in page  # the author is no reviewer


def test_my_obstacles_makes_the_same_number_of_queries_for_1_and_30_entries(
    author: Any, client: Any
) -> None:
    client.force_login(author)
    target = ObstacleFactory(author=UserFactory())
    states = [S.DRAFT, S.PUBLISHED, S.CHANGES_REQUESTED, S.SUBMITTED, S.MERGED]

    def add(n: int) -> None:
        for i in range(n):
            status = states[i % len(states)]
            ObstacleFactory(
                author=author,
                status=status,
                decision_reason="Skäl" if status == S.CHANGES_REQUESTED else "",
                merged_into=target if status == S.MERGED else None,
                region_id=None,
            )

    add(1)
    few = count_queries(client, reverse("obstacles:mine"))
    add(29)
    assert count_queries(client, reverse("obstacles:mine")) == few


def test_the_author_pages_link_reviewers_to_the_review_queue(reviewer: Any, client: Any) -> None:
    client.force_login(reviewer)
    for name in ("mine", "create"):
        assert (
            reverse("obstacles:review_queue")
            in client.get(reverse(f"obstacles:{name}")).content.decode()
        )


@pytest.mark.parametrize("version", [None, "", "ok\x00bad", "²", "1.0"])
def test_submit_without_a_readable_version_is_refused_and_sends_nothing(
    version: str | None, entry_in: Any, author: Any, client: Any
) -> None:
    draft = entry_in(S.DRAFT)
    client.force_login(author)

    response = client.post(
        reverse("obstacles:submit", args=[draft.pk]),
        {} if version is None else {"version": version},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "The entry was not submitted" in body
    assert f'value="{draft.title}"' in body  # the editor, with the entry as it is stored
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.submitted_at is None
