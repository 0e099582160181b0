"""An entry's public page: what it shows, who may open it in each state, the merged redirect,
partnerships counted but named only to those who may see them, and a fixed query count.

The helpers at the top build entries through the register's services (create, submit, publish),
as the other public-compilation tests do.
"""

from typing import Any

import pytest
from django.urls import reverse

from obstacles.models import Obstacle
from obstacles.services.endorsements import endorsement_add
from obstacles.services.entries import obstacle_create, obstacle_move
from obstacles.workflow import ArticleStatus, MitigationStatus, ObstacleMove, ObstacleStatus
from partnerships.models import ObstacleNote
from partnerships.services.partnerships import obstacle_note_add
from regions.models import Region
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_obstacles import (
    KnowledgeArticleFactory,
    MitigationFactory,
    ObstacleFactory,
    actor,
    category,
    make_reviewer,
)
from tests.factories_process import make_company_member, make_partnership
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


def entry_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Journalsystem saknar öppna gränssnitt för hemmätning",
        "description": (
            "Mätvärden från patienternas hem når inte journalen.\n\nVi skrev av för hand."
        ),
        "category": category("it-interoperability"),
        "step_key": "test",
        "actors": [actor("healthcare"), actor("company")],
        "region": Region.objects.get(slug="ostergotland"),
        "severity": 3,
        "evidence": 'Pilotrapport 2024, <a href="https://example.se/rapport">länk</a>',
        "known_mitigation": "",
        "language": "sv",
    }
    data.update(overrides)
    return data


def draft(author: Any = None, **overrides: Any) -> Obstacle:
    return obstacle_create(author=author or make_company_member(), data=entry_data(**overrides))


def submitted(author: Any = None, **overrides: Any) -> Obstacle:
    entry = draft(author, **overrides)
    return obstacle_move(obstacle=entry, actor=entry.author, move=ObstacleMove.SUBMIT)


def published(author: Any = None, reviewer: Any = None, **overrides: Any) -> Obstacle:
    entry = submitted(author, **overrides)
    return obstacle_move(
        obstacle=entry, actor=reviewer or make_reviewer(), move=ObstacleMove.PUBLISH
    )


def url(entry: Obstacle) -> str:
    return reverse("obstacles:detail", args=[entry.pk])


def test_a_published_entry_is_public_with_everything_it_holds(client: Any) -> None:
    entry = published()

    response = client.get(url(entry))

    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 id="obstacle-title" lang="sv">Journalsystem saknar öppna gränssnitt' in body
    assert (
        '<div class="rich-text" lang="sv"><p>Mätvärden från patienternas hem når inte journalen.'
        "</p><p>Vi skrev av för hand.</p></div>"
    ) in body
    assert 'href="https://example.se/rapport"' in body
    assert "IT infrastructure and interoperability" in body
    assert "Region Östergötland" in body
    assert "Healthcare, Companies" in body
    assert '<span class="severity severity-3">High</span>' in body
    # The step links to its guidance in the public process guide.
    assert f'<a href="{reverse("partnerships:guide")}#step-test">Test and co-creation</a>' in body
    assert "0 organisations have met this obstacle too." in body
    assert "Not published" not in body


def test_a_missing_entry_is_a_404(client: Any) -> None:
    assert client.get(reverse("obstacles:detail", args=[987654])).status_code == 404


@pytest.mark.parametrize(
    "status",
    [
        ObstacleStatus.DRAFT,
        ObstacleStatus.SUBMITTED,
        ObstacleStatus.IN_REVIEW,
        ObstacleStatus.CHANGES_REQUESTED,
        ObstacleStatus.REJECTED,
        ObstacleStatus.WITHDRAWN,
    ],
)
def test_unpublished_entries_are_404_for_the_public_and_other_users(
    client: Any, status: str
) -> None:
    entry = ObstacleFactory(status=status)

    assert client.get(url(entry)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url(entry)).status_code == 404
    client.force_login(make_company_member())
    assert client.get(reverse("obstacles:endorse", args=[entry.pk])).status_code == 404


def test_the_author_sees_their_draft_with_a_status_banner(client: Any) -> None:
    author = make_company_member()
    entry = draft(author)
    client.force_login(author)

    response = client.get(url(entry))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Not published: Draft." in body
    assert "You see this entry because you wrote it" in body
    assert reverse("obstacles:edit", args=[entry.pk]) in body
    # No "we met this too" form on an entry that is not published.
    assert reverse("obstacles:endorse", args=[entry.pk]) not in body


def test_the_author_sees_the_reason_of_a_rejection(client: Any) -> None:
    author = make_company_member()
    entry = submitted(author)
    obstacle_move(
        obstacle=entry,
        actor=make_reviewer(),
        move=ObstacleMove.REJECT,
        reason="Utanför registrets område <b>alls</b>.",
    )
    client.force_login(author)

    body = client.get(url(entry)).content.decode()

    assert "Not published: Rejected." in body
    assert "Utanför registrets område &lt;b&gt;alls&lt;/b&gt;." in body


def test_a_reviewer_sees_a_submitted_entry_with_a_link_to_the_review(client: Any) -> None:
    entry = submitted()
    client.force_login(make_reviewer())

    body = client.get(url(entry)).content.decode()

    assert "Not published: Submitted." in body
    assert "because you review obstacles" in body
    assert reverse("obstacles:review", args=[entry.pk]) in body


def test_a_merged_entry_redirects_to_the_entry_it_lives_on_in(client: Any) -> None:
    reviewer = make_reviewer()
    survivor = published(reviewer=reviewer, title="Överlevande")
    duplicate = submitted(title="Dubblett")
    obstacle_move(
        obstacle=duplicate, actor=reviewer, move=ObstacleMove.MERGE, merge_target=survivor
    )

    response = client.get(url(duplicate))

    assert response.status_code == 302
    assert response["Location"] == url(survivor)
    assert client.get(url(duplicate), follow=True).status_code == 200


def test_a_merged_entry_whose_survivor_is_not_public_is_a_404_for_the_public(
    client: Any,
) -> None:
    survivor = ObstacleFactory(status=ObstacleStatus.SUBMITTED)
    duplicate = ObstacleFactory(status=ObstacleStatus.MERGED, merged_into=survivor)

    assert client.get(url(duplicate)).status_code == 404


def test_only_published_mitigations_and_articles_are_shown(client: Any) -> None:
    entry = published()
    MitigationFactory(title="Published solution", obstacles=[entry])
    MitigationFactory(
        title="Waiting solution", obstacles=[entry], status=MitigationStatus.SUBMITTED
    )
    KnowledgeArticleFactory(title="Published article", obstacles=[entry])
    KnowledgeArticleFactory(title="Draft article", obstacles=[entry], status=ArticleStatus.DRAFT)

    body = client.get(url(entry)).content.decode()

    assert "Published solution" in body and "Waiting solution" not in body
    assert "Published article" in body and "Draft article" not in body


def test_anonymous_visitors_are_asked_to_sign_in_and_members_get_the_forms(client: Any) -> None:
    entry = published()

    anonymous = client.get(url(entry)).content.decode()
    client.force_login(make_company_member())
    member = client.get(url(entry)).content.decode()

    endorse = reverse("obstacles:endorse", args=[entry.pk])
    assert f"{reverse('account_login')}?next={url(entry)}" in anonymous
    assert endorse not in anonymous
    assert reverse("obstacles:mitigation_create", args=[entry.pk]) not in anonymous
    assert f'action="{endorse}"' in member
    assert 'name="csrfmiddlewaretoken"' in member
    assert '<label for="id_note">' in member
    assert reverse("obstacles:mitigation_create", args=[entry.pk]) in member


def _note(partnership: Any, entry: Obstacle) -> None:
    """A partnership notes an obstacle on its step, linked to the register entry."""
    coordinator = partnership.region.assignments.filter(role="coordinator").first().user
    note = obstacle_note_add(
        actor=coordinator,
        partnership=partnership,
        step=partnership.current_step,
        text="Journalen tog inte emot våra mätvärden.",
    )
    # The link the register's partnership-link service makes (helper D).
    ObstacleNote.objects.filter(pk=note.pk).update(obstacle=entry)


def test_partnerships_that_met_it_are_counted_and_named_only_to_those_who_may_see_them(
    client: Any,
) -> None:
    entry = published()
    company = OrganisationFactory(name="Hemmätning AB")
    member = make_company_member(company)
    ours = make_partnership("uppsala", company=company, author=member)
    ours.title = "Vår hemmätning"
    ours.save(update_fields=["title"])
    theirs = make_partnership("skane")
    theirs.title = "Hemligt samverkansprojekt"
    theirs.save(update_fields=["title"])
    _note(ours, entry)
    _note(ours, entry)  # the same partnership twice counts once
    _note(theirs, entry)

    anonymous = client.get(url(entry)).content.decode()
    client.force_login(member)
    as_member = client.get(url(entry)).content.decode()

    for body in (anonymous, as_member):
        assert "2 partnerships have noted this obstacle." in body
        assert "Hemligt samverkansprojekt" not in body
    assert "Vår hemmätning" not in anonymous
    assert "Vår hemmätning" in as_member
    assert reverse("partnerships:detail", args=[ours.pk]) in as_member


def test_the_page_costs_the_same_queries_however_much_hangs_on_the_entry(client: Any) -> None:
    entry = published()
    member = make_company_member()
    client.force_login(member)
    page = url(entry)
    few = count_queries(client, page)

    for n in range(5):
        MitigationFactory(obstacles=[entry], region=Region.objects.get(slug="uppsala"))
        KnowledgeArticleFactory(obstacles=[entry])
        endorsement_add(obstacle=entry, user=make_company_member(), note=f"Region {n}")
    partnership = make_partnership("uppsala")
    _note(partnership, entry)
    _note(make_partnership("skane"), entry)
    endorsement_add(obstacle=entry, user=member)

    assert count_queries(client, page) == few
    client.logout()
    anonymous = count_queries(client, page)
    MitigationFactory(obstacles=[entry])
    assert count_queries(client, page) == anonymous


def test_reviewers_get_their_tools_on_a_published_entry_and_nobody_else_does(client: Any) -> None:
    entry = published()
    review = reverse("obstacles:review", args=[entry.pk])

    assert review not in client.get(url(entry)).content.decode()
    client.force_login(make_company_member())
    assert review not in client.get(url(entry)).content.decode()
    client.force_login(make_reviewer())
    body = client.get(url(entry)).content.decode()
    assert review in body
    assert reverse("obstacles:edit", args=[entry.pk]) in body
    assert "Not published" not in body
