import pytest
from django.urls import reverse

from portal.accounts import services
from portal.accounts.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "kind": "company",
    "name": "CareSense AB",
    "org_number": "5591234561",
    "website": "https://caresense.example",
    "description": "Sensors",
}


def test_create_organisation_stores_normalised_number(client, user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.post(reverse("accounts:organisation_create"), VALID)
    org = Organisation.objects.get()
    assert response.status_code == 302
    assert org.org_number == "559123-4561"
    assert org.memberships.get().user == user


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("org_number", "559123-4562", "check digit"),
        ("org_number", "55912-34561", "NNNNNN-NNNN"),
        ("org_number", "ABC", "only digits"),
        ("website", "not a url", "valid URL"),
        ("name", "", "required"),
        ("kind", "pirate", "valid choice"),
    ],
)
def test_bad_input_is_answered_beside_the_field_and_kept(  # type: ignore[no-untyped-def]
    client, user, field, value, message
) -> None:
    client.force_login(user)
    data = {**VALID, field: value}
    response = client.post(reverse("accounts:organisation_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'role="alert"' in html
    assert "CareSense AB" in html or field == "name"
    assert not Organisation.objects.exists()


def test_duplicate_number_is_refused(client, user) -> None:  # type: ignore[no-untyped-def]
    OrganisationFactory(org_number="559123-4561")
    client.force_login(user)
    response = client.post(reverse("accounts:organisation_create"), VALID)
    assert response.status_code == 200
    assert "org_number" in response.context["form"].errors
    assert Organisation.objects.count() == 1


def test_concurrent_edits_do_not_overwrite(client) -> None:  # type: ignore[no-untyped-def]
    admin = UserFactory()
    org = services.organisation_create(creator=admin, data={**VALID, "org_number": "559123-4561"})
    client.force_login(admin)
    url = reverse("accounts:organisation_edit", args=[org.pk])
    first = {**VALID, "name": "First Name AB", "version": 1}
    second = {**VALID, "name": "Second Name AB", "version": 1}
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 409
    assert "Someone else saved" in response.content.decode()
    assert "Second Name AB" in response.content.decode()  # what the user typed is kept
    org.refresh_from_db()
    assert org.name == "First Name AB"
    assert org.version == 2


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_admins_edit(client, who) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    actor = MembershipFactory(organisation=org).user if who == "member" else UserFactory()
    client.force_login(actor)
    url = reverse("accounts:organisation_edit", args=[org.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {**VALID, "version": 1}).status_code == 404


def test_members_list_is_only_for_members(client) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    member = MembershipFactory(organisation=org, user__email="secret.member@example.se").user
    outsider = UserFactory()
    client.force_login(outsider)
    assert "secret.member@example.se" not in client.get(org.get_absolute_url()).content.decode()
    client.force_login(member)
    assert "secret.member@example.se" in client.get(org.get_absolute_url()).content.decode()


def test_unknown_organisation_is_404(client, user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user)
    assert client.get("/me/organisations/999999/").status_code == 404


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("559123-4561", True),
        ("5591234561", True),
        ("559123", True),
        ("5591239999", False),
        ("CareSense", True),
    ],
)
def test_search_by_number_with_or_without_dash(client, user, typed, found) -> None:  # type: ignore[no-untyped-def]
    OrganisationFactory(name="CareSense AB", org_number="559123-4561")
    client.force_login(user)
    response = client.get(reverse("accounts:organisation_list"), {"q": typed})
    assert ("CareSense AB" in response.content.decode()) is found
