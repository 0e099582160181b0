"""The region pages as people use them: public list and detail, editing, conflicts, bad input."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regions.models import InnovationUnit, Region, RegionAssignment, RegionRole
from regions.services import region_assign_role, unit_create
from tests.factories import UserFactory

from .conftest import UNIT_DATA

pytestmark = pytest.mark.django_db

PARTICIPATING = {"ostergotland", "vasterbotten", "uppsala", "vastra-gotaland"}


def _add_units(actor: Any, region: Region, count: int) -> None:
    kinds = ["office", "node", "clinic", "testbed"]
    for n in range(count):
        unit_create(
            actor=actor,
            region=region,
            data={**UNIT_DATA, "name": f"Unit {region.code}-{n}", "kind": kinds[n % 4]},
        )


def _count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _html(response: Any) -> str:
    return response.content.decode()


# --- Public list ----------------------------------------------------------------------------------


def test_list_shows_all_21_regions_with_the_participating_ones_first(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("regions:list"))

    assert response.status_code == 200
    regions = list(response.context["regions"])
    assert len(regions) == 21
    assert {r.slug for r in regions[:4]} == PARTICIPATING
    assert not any(r.participating for r in regions[4:])
    html = _html(response)
    positions = [html.index(f'href="{r.get_absolute_url()}"') for r in regions]
    assert positions == sorted(positions)
    assert html.count("badge-brand") == 4


def test_list_shows_unit_counts(client, portal_admin, region) -> None:  # type: ignore[no-untyped-def]
    _add_units(portal_admin, region, 3)
    response = client.get(reverse("regions:list"))
    counts = {r.slug: r.unit_count for r in response.context["regions"]}
    assert counts["uppsala"] == 3
    assert counts["stockholm"] == 0


def test_list_runs_the_same_queries_with_1_or_30_units(
    client, portal_admin, region, other_region
) -> None:  # type: ignore[no-untyped-def]
    _add_units(portal_admin, region, 1)
    with_one = _count_queries(client, reverse("regions:list"))
    _add_units(portal_admin, other_region, 29)
    with_thirty = _count_queries(client, reverse("regions:list"))
    assert with_one == with_thirty
    assert with_one <= 3


# --- Public detail --------------------------------------------------------------------------------


def test_detail_shows_units_by_kind_coordinator_contact_and_sponsor_names(  # type: ignore[no-untyped-def]
    client, portal_admin, coordinator, region
) -> None:
    unit_create(actor=portal_admin, region=region, data=dict(UNIT_DATA))
    unit_create(
        actor=portal_admin,
        region=region,
        data={**UNIT_DATA, "name": "Uppsala test bed", "kind": "testbed", "offers": "Lab space"},
    )
    sponsor = UserFactory(email="director@uppsala.example.se", name="Dana Director")
    region_assign_role(actor=portal_admin, region=region, user=sponsor, role=RegionRole.SPONSOR)

    response = client.get(reverse("regions:detail", args=[region.slug]))

    html = _html(response)
    assert response.status_code == 200
    assert [g.label for g in response.context["unit_groups"]] == ["Innovation clinic", "Test bed"]
    assert "Innovation Clinic Norr" in html and "Lab space" in html
    assert UNIT_DATA["offers"] in html
    assert "mailto:coordinator@uppsala.example.se" in html
    assert "Uppsala Coord" in html
    assert "Dana Director" in html
    assert "director@uppsala.example.se" not in html  # sponsors are named, not contacted
    assert "The region has no upcoming events published right now." in html
    assert "The region has not published anything yet." in html


def test_detail_of_an_unknown_region_is_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("regions:detail", args=["atlantis"])).status_code == 404


def test_detail_shows_the_swedish_name_in_swedish(client) -> None:  # type: ignore[no-untyped-def]
    client.cookies["portal_language"] = "sv"
    html = _html(client.get(reverse("regions:detail", args=["jonkoping"])))
    assert "<h1>Region Jönköpings län</h1>" in html
    client.cookies["portal_language"] = "en"
    html = _html(client.get(reverse("regions:detail", args=["jonkoping"])))
    assert "<h1>Region Jönköping County</h1>" in html


@pytest.mark.parametrize("viewer", ["anonymous", "coordinator"])
def test_detail_runs_the_same_queries_however_many_units_and_people(  # type: ignore[no-untyped-def]
    request, client, portal_admin, region, viewer
) -> None:
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))
    url = reverse("regions:detail", args=[region.slug])
    _add_units(portal_admin, region, 1)
    client.get(url)  # the first request of a session records it (allauth usersessions)
    small = _count_queries(client, url)

    for n in range(29):
        unit_create(actor=portal_admin, region=region, data={**UNIT_DATA, "name": f"More {n}"})
    for _n in range(5):
        region_assign_role(
            actor=portal_admin, region=region, user=UserFactory(), role=RegionRole.SPONSOR
        )
    large = _count_queries(client, url)

    assert small == large


@pytest.mark.parametrize(
    ("viewer", "links"),
    [
        ("anonymous", set()),
        ("company_user", set()),
        ("other_coordinator", set()),
        ("coordinator", {"Edit page", "Manage units"}),
        ("portal_admin", {"Edit page", "Manage units", "Manage people"}),
    ],
)
def test_edit_links_are_shown_only_to_those_allowed(request, client, region, viewer, links) -> None:  # type: ignore[no-untyped-def]
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))
    html = _html(client.get(reverse("regions:detail", args=[region.slug])))
    shown = {label for label in ("Edit page", "Manage units", "Manage people") if label in html}
    assert shown == links


# --- Editing the region page ------------------------------------------------------------------


def _region_post(region: Region, **changes: Any) -> dict:
    data = {
        "description": region.description,
        "contact_email": region.contact_email,
        "contact_phone": region.contact_phone,
        "website": region.website,
        "version": region.version,
    }
    data.update(changes)
    return data


def test_second_of_two_concurrent_edits_gets_409_and_the_first_is_kept(  # type: ignore[no-untyped-def]
    client, coordinator, region
) -> None:
    client.force_login(coordinator)
    url = reverse("regions:edit", args=[region.slug])
    form_a = _region_post(region, description="Written by Anna", contact_phone="018-611 00 00")
    form_b = _region_post(region, description="Written by Bo")

    first = client.post(url, form_a)
    second = client.post(url, form_b)

    assert first.status_code == 302
    assert second.status_code == 409
    html = _html(second)
    assert "Someone else saved this while you were editing" in html
    assert "Written by Anna" in html  # the stored version is shown
    assert "Written by Bo" in html  # what Bo typed is kept in the form
    region.refresh_from_db()
    assert region.description == "Written by Anna"
    assert region.contact_phone == "018-611 00 00"
    assert region.version == 2
    # Saving again from the conflict page starts from the stored version and goes through.
    assert 'name="version" value="2"' in html
    third = client.post(url, {**form_b, "version": 2})
    assert third.status_code == 302
    region.refresh_from_db()
    assert region.description == "Written by Bo"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_email", "not-an-email", "valid email"),
        ("website", "not a url", "valid URL"),
        ("website", "javascript:alert(1)", "valid URL"),
        ("contact_phone", "0" * 41, "at most 40"),
    ],
)
def test_bad_region_input_is_answered_beside_the_field_and_nothing_is_stored(  # type: ignore[no-untyped-def]
    client, coordinator, region, field, value, message
) -> None:
    client.force_login(coordinator)
    data = _region_post(region, description="A new description I typed", **{field: value})

    response = client.post(reverse("regions:edit", args=[region.slug]), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    html = _html(response)
    assert f'id="id_{field}_error"' in html
    assert 'role="alert"' in html
    assert "A new description I typed" in html
    assert value.replace("&", "&amp;") in html
    stored = Region.objects.get(pk=region.pk)
    assert (stored.description, stored.version, getattr(stored, field)) == ("", 1, "")


def test_successful_edit_redirects_to_the_page_with_a_message(client, coordinator, region) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    response = client.post(
        reverse("regions:edit", args=[region.slug]),
        _region_post(region, website="https://www.regionuppsala.se"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == region.get_absolute_url()
    assert "The region page was saved." in _html(response)
    assert "https://www.regionuppsala.se" in _html(response)


# --- Units ------------------------------------------------------------------------------------


def test_the_same_form_posted_twice_is_saved_once_without_a_conflict(  # type: ignore[no-untyped-def]
    client, coordinator, region
) -> None:
    client.force_login(coordinator)
    url = reverse("regions:edit", args=[region.slug])
    form = _region_post(region, description="Written once, sent twice")
    assert client.post(url, form).status_code == 302
    again = client.post(url, form)  # the same version: a double click, not someone else
    assert again.status_code == 302
    region.refresh_from_db()
    assert region.version == 2 and region.description == "Written once, sent twice"


def test_concurrent_unit_edits_conflict(client, coordinator, unit) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    url = reverse("regions:unit_edit", args=[unit.region.slug, unit.pk])
    assert client.post(url, {**UNIT_DATA, "offers": "First", "version": 1}).status_code == 302
    response = client.post(url, {**UNIT_DATA, "offers": "Second", "version": 1})
    assert response.status_code == 409
    assert "Someone else saved this" in _html(response)
    assert InnovationUnit.objects.get(pk=unit.pk).offers == "First"


@pytest.mark.parametrize(
    ("field", "value"),
    [("contact_email", "nope@"), ("website", "ftp//broken"), ("name", ""), ("kind", "castle")],
)
def test_bad_unit_input_keeps_typed_text_and_creates_nothing(  # type: ignore[no-untyped-def]
    client, coordinator, region, field, value
) -> None:
    client.force_login(coordinator)
    data = {**UNIT_DATA, "offers": "Typed offer text", field: value}
    response = client.post(reverse("regions:unit_create", args=[region.slug]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in _html(response)
    assert "Typed offer text" in _html(response)
    assert not InnovationUnit.objects.exists()


def test_duplicate_unit_name_is_a_field_error(client, coordinator, unit) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    response = client.post(
        reverse("regions:unit_create", args=[unit.region.slug]),
        {**UNIT_DATA, "name": UNIT_DATA["name"].lower()},
    )
    assert response.status_code == 200
    assert "already has a unit with this name" in " ".join(response.context["form"].errors["name"])
    assert InnovationUnit.objects.count() == 1


def test_bad_unit_edit_leaves_the_stored_unit_alone(client, coordinator, unit) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    url = reverse("regions:unit_edit", args=[unit.region.slug, unit.pk])
    response = client.post(url, {**UNIT_DATA, "name": "Renamed", "website": "bad", "version": 1})
    assert response.status_code == 200
    assert "website" in response.context["form"].errors
    stored = InnovationUnit.objects.get(pk=unit.pk)
    assert (stored.name, stored.version) == (UNIT_DATA["name"], 1)


def test_unit_delete_asks_first_then_removes(client, coordinator, unit) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    url = reverse("regions:unit_delete", args=[unit.region.slug, unit.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert InnovationUnit.objects.filter(pk=unit.pk).exists()
    assert '<button type="submit"' in _html(confirm)
    response = client.post(url, follow=True)
    assert "was removed" in _html(response)
    assert not InnovationUnit.objects.filter(pk=unit.pk).exists()


# --- People -----------------------------------------------------------------------------------


def test_assigning_by_email_grants_the_region_permission(client, portal_admin, region) -> None:  # type: ignore[no-untyped-def]
    person = UserFactory(email="new.coordinator@uppsala.example.se")
    client.force_login(portal_admin)
    response = client.post(
        reverse("regions:people", args=[region.slug]),
        {"email": "New.Coordinator@uppsala.example.se", "role": "coordinator", "title": ""},
        follow=True,
    )
    assert "now has the role" in _html(response)
    person = type(person).objects.get(pk=person.pk)
    assert person.has_perm("regions.coordinate_region", region)
    assert RegionAssignment.objects.filter(user=person, region=region).count() == 1


def test_removing_through_the_people_page_revokes_the_permission(  # type: ignore[no-untyped-def]
    client, portal_admin, coordinator, region
) -> None:
    assignment = RegionAssignment.objects.get(user=coordinator, region=region)
    client.force_login(portal_admin)
    page = _html(client.get(reverse("regions:people", args=[region.slug])))
    remove_url = reverse("regions:people_remove", args=[region.slug, assignment.pk])
    assert f'action="{remove_url}"' in page
    client.post(remove_url)
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)
    assert not coordinator.has_perm("regions.coordinate_region", region)
    assert not coordinator.groups.filter(name="region_coordinator").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "nobody@example.se", "role": "coordinator"}, "email", "No user with this email"),
        ({"email": "not an email", "role": "coordinator"}, "email", "valid email"),
        ({"email": "admin@portal.example.se", "role": "king"}, "role", "valid choice"),
    ],
)
def test_bad_assignment_input_is_a_field_error(
    client, portal_admin, region, data, field, message
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(portal_admin)
    response = client.post(
        reverse("regions:people", args=[region.slug]), {**data, "title": "Typed title"}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Typed title" in _html(response)
    assert not RegionAssignment.objects.exists()


# --- Markup rules every page keeps -------------------------------------------------------------


def test_pages_have_one_h1_and_no_inline_script_or_style(  # type: ignore[no-untyped-def]
    client, portal_admin, region, unit, coordinator
) -> None:
    client.force_login(portal_admin)
    urls = [
        reverse("regions:list"),
        reverse("regions:detail", args=[region.slug]),
        reverse("regions:edit", args=[region.slug]),
        reverse("regions:unit_create", args=[region.slug]),
        reverse("regions:unit_edit", args=[region.slug, unit.pk]),
        reverse("regions:unit_delete", args=[region.slug, unit.pk]),
        reverse("regions:people", args=[region.slug]),
    ]
    for url in urls:
        html = _html(client.get(url))
        assert html.count("<h1") == 1, url
        assert " style=" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"<th(?![^>]*scope=)[ >]", html), url
