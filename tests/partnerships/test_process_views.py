"""The partnership page, its fragments and downloads: who sees what (404 for the rest), bad input
kept beside the field, uploads checked by content, and a page cost that does not grow."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import (
    PartnershipDocument,
    PartnershipEvent,
    PartnershipMessage,
)
from partnerships.services.partnerships import (
    checklist_set,
    document_add,
    message_post,
    obstacle_note_add,
)
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import complete_step, make_partnership
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LOGIN = "login"


def _pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def named_person(partnership: Any) -> Any:
    """Someone outside every party organisation, named for the company party."""
    from partnerships.services.partnerships import party_member_add
    from tests.factories import UserFactory
    from tests.factories_process import _coordinator_of

    person = UserFactory(email="consultant@example.se")
    party = partnership.parties.get(kind="company")
    party_member_add(
        actor=_coordinator_of(partnership.region),
        partnership=partnership,
        party=party,
        user=person,
        role="Consultant",
    )
    return person


@pytest.fixture
def document(partnership: Any, company_member: Any) -> PartnershipDocument:
    return document_add(
        actor=company_member,
        partnership=partnership,
        step=partnership.current_step,
        title="Test plan",
        upload=_pdf(),
    )


VIEW_RULES = {
    "company_member": 200,
    "named_person": 200,
    "coordinator": 200,
    "portal_admin": 200,
    "sponsor": 200,
    "other_company_member": 404,
    "other_coordinator": 404,
    "anonymous": LOGIN,
}


def _urls(partnership: Any, document: Any) -> dict[str, str]:
    return {
        "detail": reverse("partnerships:detail", args=[partnership.pk]),
        "checklist": reverse("partnerships:checklist", args=[partnership.pk]),
        "download": reverse("partnerships:document_download", args=[partnership.pk, document.pk]),
    }


@pytest.mark.parametrize("view", ["detail", "checklist", "download"])
@pytest.mark.parametrize(("actor_name", "expected"), list(VIEW_RULES.items()))
def test_who_may_open_the_page_fragment_and_download(
    client: Any,
    request: pytest.FixtureRequest,
    partnership: Any,
    document: Any,
    view: str,
    actor_name: str,
    expected: Any,
) -> None:
    if actor_name != "anonymous":
        client.force_login(request.getfixturevalue(actor_name))
    url = _urls(partnership, document)[view]
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code == expected
    if expected == 200 and view == "download":
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")


def test_missing_partnership_is_404(client: Any, portal_admin: Any) -> None:
    client.force_login(portal_admin)
    assert client.get(reverse("partnerships:detail", args=[999999])).status_code == 404


def test_document_of_another_partnership_is_404(
    client: Any, partnership: Any, document: Any, coordinator: Any
) -> None:
    other = make_partnership(coordinator=coordinator)
    client.force_login(coordinator)
    url = reverse("partnerships:document_download", args=[other.pk, document.pk])
    assert client.get(url).status_code == 404


def test_detail_page_shows_the_process(client: Any, partnership: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.get(reverse("partnerships:detail", args=[partnership.pk]))
    html = response.content.decode()
    assert 'aria-current="step"' in html
    assert "Entry and triage" in html
    assert "one way in" in html  # guidance
    assert "What is missing to move on" in html
    assert "approval by a region coordinator" in html
    assert reverse("partnerships:advance", args=[partnership.pk]) in html


def test_company_member_sees_no_move_buttons(
    client: Any, partnership: Any, company_member: Any
) -> None:
    client.force_login(company_member)
    html = client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()
    assert reverse("partnerships:advance", args=[partnership.pk]) not in html
    assert reverse("partnerships:checklist_tick", args=[partnership.pk, 1])[:-2] in html


@pytest.mark.parametrize(
    "actor_name", ["other_company_member", "other_coordinator", "sponsor", "company_member"]
)
def test_outsiders_and_non_coordinators_cannot_move(
    client: Any, request: pytest.FixtureRequest, partnership: Any, actor_name: str
) -> None:
    complete_step(partnership)
    client.force_login(request.getfixturevalue(actor_name))
    response = client.post(
        reverse("partnerships:advance", args=[partnership.pk]),
        {"advance-expected_step_id": partnership.current_step_id},
    )
    assert response.status_code == 404
    partnership.refresh_from_db()
    assert partnership.current_step.key == "entry"


def test_checklist_tick_with_htmx_returns_the_fragment(
    client: Any, partnership: Any, company_member: Any
) -> None:
    client.force_login(company_member)
    item = partnership.current_step.checklist.first()
    response = client.post(
        reverse("partnerships:checklist_tick", args=[partnership.pk, item.pk]),
        {"done": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="process-checklist"')
    assert "<html" not in html
    assert partnership.checks.filter(item=item).exists()


def test_checklist_tick_without_js_redirects(
    client: Any, partnership: Any, company_member: Any
) -> None:
    client.force_login(company_member)
    item = partnership.current_step.checklist.first()
    response = client.post(
        reverse("partnerships:checklist_tick", args=[partnership.pk, item.pk]), {"done": "1"}
    )
    assert response.status_code == 302
    assert partnership.checks.filter(item=item).exists()


def test_outsider_cannot_tick(client: Any, partnership: Any, other_company_member: Any) -> None:
    client.force_login(other_company_member)
    item = partnership.current_step.checklist.first()
    response = client.post(
        reverse("partnerships:checklist_tick", args=[partnership.pk, item.pk]),
        {"done": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 404
    assert not partnership.checks.exists()


def test_advance_through_the_page_and_a_second_press(
    client: Any, partnership: Any, coordinator: Any
) -> None:
    complete_step(partnership, actor=coordinator)
    client.force_login(coordinator)
    url = reverse("partnerships:advance", args=[partnership.pk])
    data = {"advance-expected_step_id": partnership.current_step_id}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 409
    assert "already moved" in second.content.decode()
    assert PartnershipEvent.objects.filter(partnership=partnership, kind="advanced").count() == 1


def test_blocked_advance_shows_what_is_missing(
    client: Any, partnership: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:advance", args=[partnership.pk]),
        {"advance-expected_step_id": partnership.current_step_id},
    )
    assert response.status_code == 400
    assert "Request registered in the one way in" in response.content.decode()


def test_move_back_without_reason_keeps_the_form(client: Any, coordinator: Any) -> None:
    partnership = make_partnership(step_key="needs", coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:move_back", args=[partnership.pk]),
        {"back-expected_step_id": partnership.current_step_id, "back-reason": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_back-reason_error"' in html
    partnership.refresh_from_db()
    assert partnership.current_step.key == "needs"


def test_pause_without_reason_is_answered_beside_the_field(
    client: Any, partnership: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:change_status", args=[partnership.pk]),
        {"status-action": "pause", "status-reason": ""},
    )
    assert response.status_code == 400
    assert 'id="id_status-reason_error"' in response.content.decode()
    response = client.post(
        reverse("partnerships:change_status", args=[partnership.pk]),
        {"status-action": "pause", "status-reason": "Summer break"},
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == "paused"


def test_sponsor_approves_the_gate_through_the_page(
    client: Any, coordinator: Any, sponsor: Any
) -> None:
    partnership = make_partnership(step_key="needs", coordinator=coordinator)
    client.force_login(sponsor)
    html = client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()
    assert reverse("partnerships:gate_approve", args=[partnership.pk]) in html
    response = client.post(
        reverse("partnerships:gate_approve", args=[partnership.pk]), {"gate-comment": "Yes."}
    )
    assert response.status_code == 302
    assert partnership.gate_approvals.filter(step=partnership.current_step).exists()


def test_coordinator_cannot_approve_the_sponsor_gate(client: Any, coordinator: Any) -> None:
    partnership = make_partnership(step_key="needs", coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("partnerships:gate_approve", args=[partnership.pk]), {})
    assert response.status_code == 404


# --- Uploads -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"just some text", "not a file of an accepted kind"),
        ("empty.pdf", b"", "empty"),
        ("plan.docx", PDF, "named as .docx"),
    ],
)
def test_bad_uploads_are_refused_beside_the_field(
    client: Any, partnership: Any, company_member: Any, name: str, content: bytes, message: str
) -> None:
    client.force_login(company_member)
    response = client.post(
        reverse("partnerships:document_add", args=[partnership.pk]),
        {
            "doc-title": "My typed title",
            "doc-step": partnership.current_step_id,
            "doc-file": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="My typed title"' in html
    assert not PartnershipDocument.objects.exists()


def test_too_large_upload_is_refused(
    client: Any, partnership: Any, company_member: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    big = io.BytesIO(PDF + b"0" * (20 * 1024 * 1024))
    big.name = "big.pdf"
    client.force_login(company_member)
    response = client.post(
        reverse("partnerships:document_add", args=[partnership.pk]),
        {"doc-title": "Big", "doc-file": big},
    )
    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()
    assert not PartnershipDocument.objects.exists()


def test_good_upload_is_stored_privately(
    client: Any, partnership: Any, company_member: Any
) -> None:
    client.force_login(company_member)
    response = client.post(
        reverse("partnerships:document_add", args=[partnership.pk]),
        {"doc-title": "Test plan", "doc-step": partnership.current_step_id, "doc-file": _pdf()},
    )
    assert response.status_code == 302
    document = PartnershipDocument.objects.get()
    assert document.name == "plan.pdf"
    assert "plan" not in document.file.name  # a random stored name
    assert document.file.name.startswith("private/")


def test_message_too_long_keeps_the_text(
    client: Any, partnership: Any, company_member: Any
) -> None:
    client.force_login(company_member)
    body = "Hej! " * 2001
    response = client.post(
        reverse("partnerships:message_post", args=[partnership.pk]), {"msg-body": body}
    )
    assert response.status_code == 400
    assert "Hej! Hej!" in response.content.decode()
    assert not PartnershipMessage.objects.exists()


def test_member_add_with_unknown_email(client: Any, partnership: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    party = partnership.parties.get(kind="company")
    response = client.post(
        reverse("partnerships:member_add", args=[partnership.pk]),
        {"member-party": party.pk, "member-email": "nobody@nowhere.example", "member-role": "X"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nobody with this email address" in html
    assert 'value="nobody@nowhere.example"' in html


# --- Cost ----------------------------------------------------------------------------------------


def _grow(partnership: Any, actor: Any, n: int) -> None:
    items = list(partnership.current_step.checklist.all())
    for i in range(n):
        message_post(actor=actor, partnership=partnership, body=f"Message {i}")
        document_add(
            actor=actor,
            partnership=partnership,
            step=partnership.current_step,
            title=f"Doc {i}",
            upload=_pdf(f"doc{i}.pdf"),
        )
        obstacle_note_add(
            actor=actor, partnership=partnership, step=partnership.current_step, text=f"Ob {i}"
        )
        if i < len(items):
            checklist_set(actor=actor, partnership=partnership, item=items[i], done=True)


def test_detail_page_cost_does_not_grow(
    client: Any, partnership: Any, coordinator: Any, company_member: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("partnerships:detail", args=[partnership.pk])
    _grow(partnership, company_member, 2)
    few = count_queries(client, url)
    _grow(partnership, coordinator, 6)
    many = count_queries(client, url)
    assert few == many


def test_agreement_step_links_to_the_agreement(client: Any, coordinator: Any) -> None:
    partnership = make_partnership(step_key="agreement", coordinator=coordinator)
    client.force_login(coordinator)
    html = client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()
    assert reverse("partnerships:agreement", args=[partnership.pk]) in html
    assert "the agreement in force" in html
