""" "We met this too": once per organisation (or per person without one), idempotent, counted
under a lock, taken back, refused on entries that are not published, and sortable."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from obstacles.models import Endorsement, Obstacle
from obstacles.services.endorsements import endorsement_add, endorsement_remove
from obstacles.services.entries import obstacle_move
from obstacles.workflow import ObstacleMove
from portal.core.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_obstacles import make_reviewer
from tests.factories_process import make_company_member

from .test_public_detail import published, submitted

pytestmark = pytest.mark.django_db


def endorse_url(entry: Obstacle) -> str:
    return reverse("obstacles:endorse", args=[entry.pk])


def count(entry: Obstacle) -> int:
    entry.refresh_from_db()
    assert entry.endorsement_count == Endorsement.objects.filter(obstacle=entry).count()
    return entry.endorsement_count


def test_a_member_says_their_organisation_met_it_with_a_note(client: Any) -> None:
    entry = published()
    company = OrganisationFactory(name="Vårdkedjan AB")
    member = make_company_member(company)
    client.force_login(member)

    response = client.post(endorse_url(entry), {"note": "Region Uppsala, 2025"})

    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url() + "#met"
    row = Endorsement.objects.get(obstacle=entry)
    assert (row.organisation, row.user, row.note) == (company, member, "Region Uppsala, 2025")
    assert count(entry) == 1
    assert AuditEvent.objects.filter(action="obstacle.endorse", target_id=str(entry.pk)).exists()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "1 organisation has met this obstacle too." in page
    assert "Your organisation has said it met this obstacle." in page
    assert "Region Uppsala, 2025" in page


def test_saying_it_twice_creates_nothing_twice(client: Any) -> None:
    entry = published()
    client.force_login(make_company_member())

    client.post(endorse_url(entry), {"note": "Första"})
    second = client.post(endorse_url(entry), {"note": "Andra"}, follow=True)

    assert Endorsement.objects.filter(obstacle=entry).count() == 1
    assert Endorsement.objects.get(obstacle=entry).note == "Första"
    assert count(entry) == 1
    assert "already said it met this obstacle" in second.content.decode()


def test_two_people_of_one_organisation_count_once(client: Any) -> None:
    entry = published()
    company = OrganisationFactory()
    first, second = make_company_member(company), make_company_member(company)

    a = endorsement_add(obstacle=entry, user=first, note="Hos oss")
    b = endorsement_add(obstacle=entry, user=second, note="Hos oss också")

    assert a.pk == b.pk
    assert count(entry) == 1


def test_different_organisations_and_people_without_one_each_count(client: Any) -> None:
    entry = published()
    loner = UserFactory()

    endorsement_add(obstacle=entry, user=make_company_member())
    endorsement_add(obstacle=entry, user=make_company_member())
    endorsement_add(obstacle=entry, user=loner)
    endorsement_add(obstacle=entry, user=loner)

    assert count(entry) == 3
    assert Endorsement.objects.get(obstacle=entry, user=loner).organisation is None


def test_a_colleague_may_take_it_back_and_the_count_follows(client: Any) -> None:
    entry = published()
    company = OrganisationFactory()
    first, colleague = make_company_member(company), make_company_member(company)
    endorsement_add(obstacle=entry, user=first)
    endorsement_add(obstacle=entry, user=make_company_member())
    client.force_login(colleague)

    response = client.post(endorse_url(entry), {"remove": "1"}, follow=True)

    assert response.status_code == 200
    assert "was taken back" in response.content.decode()
    assert not Endorsement.objects.filter(obstacle=entry, organisation=company).exists()
    assert count(entry) == 1
    # Taking back what is not there changes nothing.
    endorsement_remove(obstacle=entry, user=colleague)
    assert count(entry) == 1


def test_the_version_editors_hold_does_not_change(client: Any) -> None:
    entry = published()
    version = Obstacle.objects.get(pk=entry.pk).version

    endorsement_add(obstacle=entry, user=make_company_member())

    assert Obstacle.objects.get(pk=entry.pk).version == version


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_stored(client: Any) -> None:
    entry = published()

    response = client.post(endorse_url(entry), {"note": "x"})

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert count(entry) == 0
    with pytest.raises(PermissionDenied):
        endorsement_add(obstacle=entry, user=AnonymousUser())


def test_a_get_is_refused(client: Any) -> None:
    entry = published()
    client.force_login(make_company_member())

    assert client.get(endorse_url(entry)).status_code == 405


def test_entries_not_published_cannot_be_endorsed(client: Any) -> None:
    author = make_company_member()
    entry = submitted(author)
    client.force_login(author)  # the author may see it, but it is not public yet

    assert client.post(endorse_url(entry), {"note": "x"}).status_code == 404
    with pytest.raises(ValidationError):
        endorsement_add(obstacle=entry, user=author)
    assert count(entry) == 0


def test_a_withdrawn_entry_takes_no_new_endorsements(client: Any) -> None:
    reviewer = make_reviewer()
    entry = published(reviewer=reviewer)
    obstacle_move(obstacle=entry, actor=reviewer, move=ObstacleMove.WITHDRAW, reason="Inaktuell")
    client.force_login(make_company_member())

    assert client.post(endorse_url(entry)).status_code == 404
    assert count(entry) == 0


def test_a_note_too_long_is_refused_beside_the_field_with_the_text_kept(client: Any) -> None:
    entry = published()
    client.force_login(make_company_member())
    note = "Å" * 301

    response = client.post(endorse_url(entry), {"note": note})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Keep the note to 300 characters (it has 301)." in body
    assert 'class="error-summary"' in body
    assert f'value="{note}"' in body
    assert count(entry) == 0


def test_the_note_is_escaped_on_the_page(client: Any) -> None:
    entry = published()
    endorsement_add(obstacle=entry, user=make_company_member(), note="<script>x()</script>")

    body = client.get(entry.get_absolute_url()).content.decode()

    assert "<script>x()</script>" not in body
    assert "&lt;script&gt;x()&lt;/script&gt;" in body


def test_the_form_needs_a_csrf_token() -> None:
    from django.test import Client

    entry = published()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_company_member())

    assert client.post(endorse_url(entry), {"note": "x"}).status_code == 403
    assert count(entry) == 0


def test_the_list_sorts_by_how_many_met_it(client: Any) -> None:
    reviewer = make_reviewer()
    once = published(reviewer=reviewer, title="Mött en gång")
    thrice = published(reviewer=reviewer, title="Mött tre gånger")
    published(reviewer=reviewer, title="Aldrig mött")
    endorsement_add(obstacle=once, user=make_company_member())
    for _ in range(3):
        endorsement_add(obstacle=thrice, user=make_company_member())

    response = client.get(reverse("obstacles:list"), {"sort": "met"})

    assert [o.title for o in response.context["page"].object_list] == [
        "Mött tre gånger",
        "Mött en gång",
        "Aldrig mött",
    ]
    assert "3 organisations" in response.content.decode()
