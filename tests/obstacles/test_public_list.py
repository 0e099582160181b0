"""The public list of published obstacles: who sees what, filters, sorting, bad filter values,
htmx partials, pagination, links and a fixed query count."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from obstacles.workflow import ObstacleStatus
from regions.models import Region
from tests.factories import UserFactory
from tests.factories_obstacles import ObstacleFactory, actor, category, make_reviewer
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("obstacles:list")


def titles(response: Any) -> list[str]:
    """The titles listed on the page, in order."""
    return [o.title for o in response.context["page"].object_list]


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


NOT_PUBLIC = [
    ObstacleStatus.DRAFT,
    ObstacleStatus.SUBMITTED,
    ObstacleStatus.IN_REVIEW,
    ObstacleStatus.CHANGES_REQUESTED,
    ObstacleStatus.REJECTED,
    ObstacleStatus.WITHDRAWN,
]


def test_the_list_is_public_and_shows_published_entries(client: Any) -> None:
    ObstacleFactory(title="Journalsystemet saknar öppna gränssnitt")

    response = client.get(LIST)

    assert response.status_code == 200
    assert titles(response) == ["Journalsystemet saknar öppna gränssnitt"]
    body = response.content.decode()
    assert 'lang="sv"' in body
    assert "1 published obstacle" in body


@pytest.mark.parametrize("status", [*NOT_PUBLIC, ObstacleStatus.MERGED])
def test_entries_that_are_not_published_never_appear(client: Any, status: str) -> None:
    survivor = ObstacleFactory(title="Survivor")
    extra = {"merged_into": survivor} if status == ObstacleStatus.MERGED else {}
    ObstacleFactory(title="Hidden entry", status=status, **extra)
    reviewer = make_reviewer()

    for who in (None, reviewer, UserFactory()):
        if who is not None:
            client.force_login(who)
        response = client.get(LIST)
        assert titles(response) == ["Survivor"]
        assert "Hidden entry" not in response.content.decode()


@pytest.mark.parametrize(
    ("param", "value", "wanted"),
    [
        ("category", "procurement-lou", "Upphandling"),
        ("step", "agreement", "Avtal"),
        ("actor", "patients", "Patienter"),
        ("region", "uppsala", "Uppsala"),
        ("region", "national", "Nationellt"),
        ("severity", "4", "Blockerande"),
    ],
)
def test_each_filter_narrows_the_list(client: Any, param: str, value: str, wanted: str) -> None:
    uppsala = Region.objects.get(slug="uppsala")
    skane = Region.objects.get(slug="skane")
    base = {"category": category("it-interoperability"), "step_key": "test", "region": skane}
    ObstacleFactory(title="Upphandling", **{**base, "category": category("procurement-lou")})
    ObstacleFactory(title="Avtal", **{**base, "step_key": "agreement"})
    ObstacleFactory(title="Patienter", actors=[actor("patients")], **base)
    ObstacleFactory(title="Uppsala", **{**base, "region": uppsala})
    ObstacleFactory(title="Nationellt", **{**base, "region": None})
    ObstacleFactory(title="Blockerande", severity=4, **base)
    ObstacleFactory(title="Annat", actors=[actor("company")], **base)

    response = client.get(LIST, {param: value})

    assert response.status_code == 200
    assert titles(response) == [wanted]


def test_filters_combine(client: Any) -> None:
    cloud = category("data-protection-cloud")
    ObstacleFactory(title="Both", category=cloud, severity=4)
    ObstacleFactory(title="Only category", category=cloud, severity=2)
    ObstacleFactory(title="Only severity", category=category("financing"), severity=4)

    response = client.get(LIST, {"category": cloud.slug, "severity": "4"})

    assert titles(response) == ["Both"]


def test_newest_first_by_default(client: Any) -> None:
    ObstacleFactory(title="Old", published_at=days_ago(30))
    ObstacleFactory(title="New", published_at=days_ago(1))
    ObstacleFactory(title="Middle", published_at=days_ago(10))

    assert titles(client.get(LIST)) == ["New", "Middle", "Old"]
    assert titles(client.get(LIST, {"sort": "newest"})) == ["New", "Middle", "Old"]


def test_sort_by_most_met(client: Any) -> None:
    ObstacleFactory(title="Met by five", endorsement_count=5, published_at=days_ago(30))
    ObstacleFactory(title="Met by none", endorsement_count=0, published_at=days_ago(1))
    ObstacleFactory(title="Met by two", endorsement_count=2, published_at=days_ago(2))

    response = client.get(LIST, {"sort": "met"})

    assert titles(response) == ["Met by five", "Met by two", "Met by none"]


def test_sort_by_severity_most_severe_first_then_newest(client: Any) -> None:
    ObstacleFactory(title="Low", severity=1, published_at=days_ago(1))
    ObstacleFactory(title="Blocking", severity=4, published_at=days_ago(40))
    ObstacleFactory(title="High, newer", severity=3, published_at=days_ago(2))
    ObstacleFactory(title="High, older", severity=3, published_at=days_ago(20))

    response = client.get(LIST, {"sort": "severity"})

    assert titles(response) == ["Blocking", "High, newer", "High, older", "Low"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"category": "no-such-category"}, "category", "Choose a category from the list."),
        ({"step": "<script>"}, "step", "Choose a step from the list."),
        ({"actor": "aliens"}, "actor", "Choose who it affects from the list."),
        ({"region": "atlantis"}, "region", "Choose a region from the list."),
        ({"severity": "9"}, "severity", "Choose a severity from the list."),
        ({"severity": "high"}, "severity", "Choose a severity from the list."),
        ({"sort": "random()"}, "sort", "Choose an order from the list."),
        ({"q": "x" * 201}, "q", "Use at most 200 characters"),
    ],
)
def test_bad_filter_values_get_a_clear_message_and_the_rest_still_applies(
    client: Any, params: dict[str, str], field: str, message: str
) -> None:
    ObstacleFactory(title="Blocking one", severity=4, category=category("financing"))
    ObstacleFactory(title="Low one", severity=1, category=category("financing"))
    other = "4" if field != "severity" else ""

    response = client.get(LIST, {**params, **({"severity": other} if other else {})})

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert message.split("%")[0] in body
    assert "could not be used and were left out" in body
    # The valid filter still narrows the list; the bad one is left out.
    expected = ["Blocking one"] if other else ["Low one", "Blocking one"]
    assert sorted(titles(response)) == sorted(expected)


def test_a_page_number_out_of_range_shows_the_last_page(client: Any) -> None:
    ObstacleFactory(title="Only one")

    response = client.get(LIST, {"page": "999"})

    assert response.status_code == 200
    assert titles(response) == ["Only one"]
    assert client.get(LIST, {"page": "abc"}).status_code == 200


def test_twenty_five_a_page_and_the_pages_keep_the_filters(client: Any) -> None:
    for n in range(27):
        ObstacleFactory(title=f"Entry {n:02d}", severity=3, published_at=days_ago(n))
    ObstacleFactory(title="Other severity", severity=1)

    first = client.get(LIST, {"severity": "3"})
    second = client.get(LIST, {"severity": "3", "page": "2"})

    assert len(titles(first)) == 25
    assert titles(second) == ["Entry 25", "Entry 26"]
    assert "severity=3&amp;page=2" in first.content.decode()
    assert "27 published obstacles" in first.content.decode()


def test_htmx_gets_only_the_results_and_the_count_out_of_band(client: Any) -> None:
    ObstacleFactory(title="Molntjänst utan avtal", severity=4)

    full = client.get(LIST, {"severity": "4"})
    partial = client.get(LIST, {"severity": "4"}, headers={"HX-Request": "true"})

    full_body, partial_body = full.content.decode(), partial.content.decode()
    assert "<html" in full_body and "<html" not in partial_body
    assert 'id="obstacle-results"' in full_body
    assert "Molntjänst utan avtal" in partial_body
    # The count is a live region on the full page; the partial fills it out of band.
    assert (
        'id="obstacle-count" class="obstacle-count" role="status" aria-live="polite"' in full_body
    )
    assert 'id="obstacle-count" hx-swap-oob="innerHTML"' in partial_body
    assert "1 published obstacle" in partial_body
    assert "HX-Request" in partial["Vary"] and "HX-Request" in full["Vary"]


def test_htmx_history_restore_gets_the_full_page(client: Any) -> None:
    response = client.get(
        LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


def test_the_filter_form_works_with_and_without_javascript(client: Any) -> None:
    body = client.get(LIST).content.decode()

    assert 'method="get" action="/obstacles/"' in body
    assert 'hx-get="/obstacles/" hx-target="#obstacle-results"' in body
    assert 'hx-push-url="true"' in body
    assert '<button type="submit">Show obstacles</button>' in body
    for name in ("q", "category", "step", "actor", "region", "severity", "sort"):
        assert f'<label for="id_{name}">' in body


def test_links_to_knowledge_submit_guide_and_exports_with_the_current_filters(
    client: Any,
) -> None:
    body = client.get(LIST, {"severity": "4", "q": "moln", "page": "1"}).content.decode()

    assert reverse("obstacles:article_list") in body
    assert reverse("obstacles:create") in body
    assert reverse("partnerships:guide") in body
    assert f"{reverse('obstacles:export_csv')}?q=moln&amp;severity=4" in body
    assert f"{reverse('obstacles:export_json')}?q=moln&amp;severity=4" in body
    assert reverse("obstacles:review_queue") not in body


def test_reviewers_get_a_link_to_the_review_queue(client: Any) -> None:
    client.force_login(make_reviewer())

    assert reverse("obstacles:review_queue") in client.get(LIST).content.decode()


def test_titles_and_excerpts_are_escaped_and_marked_with_their_language(client: Any) -> None:
    ObstacleFactory(
        title="<script>alert(1)</script> Data transfers",
        description="<p>Tom &amp; Jerry</p>",
        language="en",
    )

    body = client.get(LIST).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Data transfers" in body
    assert '<p class="obstacle-excerpt" lang="en">Tom &amp; Jerry</p>' in body


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "data-protection-cloud", "sort": "met"},
        {"q": "journalsystemet"},
        {"q": "journalsytemet"},
    ],
    ids=["plain", "filtered", "search", "misspelt"],
)
def test_the_list_costs_the_same_queries_for_1_or_30_rows(
    client: Any, params: dict[str, str]
) -> None:
    url = LIST + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    ObstacleFactory(actors=[actor("company"), actor("healthcare")])
    one = count_queries(client, url)
    for _ in range(29):
        ObstacleFactory(actors=[actor("company"), actor("patients")])
    assert count_queries(client, url) == one

    client.force_login(UserFactory())
    signed_in = count_queries(client, url)
    ObstacleFactory(actors=[actor("academia")])
    assert count_queries(client, url) == signed_in
