"""Reviews of proposals to scored calls: assignment, scoring, blindness and the ranking."""

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships.selectors.proposals import call_ranking
from partnerships.services import proposals as services
from tests.factories import UserFactory
from tests.utils import count_queries

from .test_proposals_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(make_call: Any) -> Any:
    return make_call(
        criteria=[{"title": "Benefit", "weight": 3}, {"title": "Feasibility", "weight": 1}]
    )


def _sent(make_draft: Any, member: Any, call: Any, title: str) -> Any:
    return services.proposal_submit(actor=member, proposal=make_draft(call=call, title=title))


def _score(review: Any, values: list[int], submit: bool = True) -> Any:
    criteria = list(review.proposal.call.criteria.order_by("order"))
    review.refresh_from_db()
    return services.review_save(
        actor=review.reviewer,
        review=review,
        expected_version=review.version,
        scores={c.pk: (v, "") for c, v in zip(criteria, values, strict=True)},
        comment="",
        submit=submit,
    )


def test_assigning_tells_the_reviewer_after_commit(
    scored: Any,
    make_draft: Any,
    member: Any,
    coordinator: Any,
    reviewer: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    proposal = _sent(make_draft, member, scored, "P")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnerships:review_assign", args=[proposal.pk]), {"email": reviewer.email}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert proposal.reviews.get().reviewer == reviewer


def test_assigning_an_unknown_email_keeps_it_with_an_error(
    scored: Any, make_draft: Any, member: Any, coordinator: Any, client: Any
) -> None:
    proposal = _sent(make_draft, member, scored, "P")
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:review_assign", args=[proposal.pk]), {"email": "nobody@x.se"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="nobody@x.se"' in body and 'id="id_email_error"' in body


def test_submitting_needs_every_criterion_and_then_is_read_only(
    scored: Any, make_draft: Any, member: Any, coordinator: Any, reviewer: Any
) -> None:
    proposal = _sent(make_draft, member, scored, "P")
    review = services.review_assign(actor=coordinator, proposal=proposal, reviewer=reviewer)
    criteria = list(scored.criteria.order_by("order"))
    with pytest.raises(ValidationError):
        services.review_submit(
            actor=reviewer,
            review=review,
            expected_version=review.version,
            scores={criteria[0].pk: (4, "")},
            comment="",
        )
    _score(review, [4, 2])
    with pytest.raises(ValidationError):
        _score(review, [1, 1])


def test_reviewer_sees_others_only_after_submitting(
    scored: Any, make_draft: Any, member: Any, coordinator: Any, reviewer: Any, client: Any
) -> None:
    proposal = _sent(make_draft, member, scored, "P")
    other = UserFactory(email="other.reviewer@x.se", name="Otto Other")
    mine = services.review_assign(actor=coordinator, proposal=proposal, reviewer=reviewer)
    theirs = services.review_assign(actor=coordinator, proposal=proposal, reviewer=other)
    _score(theirs, [5, 5])
    client.force_login(reviewer)
    url = reverse("partnerships:review_submit", args=[mine.pk])
    assert "Otto Other" not in client.get(url).content.decode()
    _score(mine, [3, 3])
    assert "Otto Other" in client.get(url).content.decode()
    # and nobody opens another person's review
    assert client.get(reverse("partnerships:review_submit", args=[theirs.pk])).status_code == 404


def test_ranking_uses_weighted_averages_of_submitted_reviews(
    scored: Any, make_draft: Any, member: Any, coordinator: Any, reviewer: Any
) -> None:
    first = _sent(make_draft, member, scored, "First")
    second = _sent(make_draft, member, scored, "Second")
    other = UserFactory(email="other.reviewer@x.se")
    _score(services.review_assign(actor=coordinator, proposal=first, reviewer=reviewer), [2, 5])
    _score(services.review_assign(actor=coordinator, proposal=first, reviewer=other), [4, 1])
    _score(services.review_assign(actor=coordinator, proposal=second, reviewer=reviewer), [5, 1])
    # not submitted: does not count
    _score(
        services.review_assign(actor=coordinator, proposal=second, reviewer=other), [1, 1], False
    )
    _, rows = call_ranking(call=scored)
    # first: benefit avg 3, feasibility avg 3 -> (3*3 + 1*3) / 4 = 3.0
    # second: benefit 5, feasibility 1 -> (3*5 + 1*1) / 4 = 4.0
    assert [(r.proposal.title, r.score) for r in rows] == [("Second", 4.0), ("First", 3.0)]


def test_ranking_page_is_for_the_lead_coordinators_with_fixed_queries(
    scored: Any,
    make_draft: Any,
    member: Any,
    coordinator: Any,
    other_coordinator: Any,
    reviewer: Any,
    client: Any,
) -> None:
    url = reverse("partnerships:call_ranking", args=[scored.pk])
    client.force_login(other_coordinator)
    assert client.get(url).status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)

    def add(n: int) -> None:
        for i in range(n):
            p = _sent(make_draft, member, scored, f"P{i}")
            _score(services.review_assign(actor=coordinator, proposal=p, reviewer=reviewer), [3, 4])

    add(2)
    few = count_queries(client, url)
    add(5)
    assert count_queries(client, url) == few


def test_review_list_shows_the_reviewers_assignments(
    scored: Any, make_draft: Any, member: Any, coordinator: Any, reviewer: Any, client: Any
) -> None:
    proposal = _sent(make_draft, member, scored, "To be read")
    services.review_assign(actor=coordinator, proposal=proposal, reviewer=reviewer)
    client.force_login(reviewer)
    assert "To be read" in client.get(reverse("partnerships:review_list")).content.decode()
    # the assigned reviewer may open the proposal, but not edit it
    assert client.get(proposal.get_absolute_url()).status_code == 200
