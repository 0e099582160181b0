"""Proposal attachments: content checks, the limit of ten, hostile names, private downloads."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import Proposal, ProposalAttachment
from partnerships.services import proposals as services
from portal.core.uploads import MB

from .test_proposals_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _pdf(name: str = "plan.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_pdf_is_stored_under_a_random_name(draft: Proposal, member: Any) -> None:
    attachment = services.attachment_add(actor=member, proposal=draft, upload=_pdf())
    assert attachment.name == "plan.pdf"
    assert attachment.content_type == "application/pdf"
    assert "plan" not in attachment.file.name
    assert attachment.file.name.startswith("private/proposals/")


def test_an_oversized_file_is_refused(draft: Proposal, member: Any) -> None:
    big = _pdf(content=PDF + b"0" * (20 * MB + 1 - len(PDF)))
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(actor=member, proposal=draft, upload=big)
    assert "larger than 20 MB" in exc.value.messages[0]
    assert not ProposalAttachment.objects.exists()


@pytest.mark.parametrize(
    "content", [PNG, b"just some text, not a PDF at all"], ids=["png-content", "garbage"]
)
def test_a_pdf_name_with_other_content_is_refused(
    draft: Proposal, member: Any, content: bytes
) -> None:
    with pytest.raises(ValidationError):
        services.attachment_add(actor=member, proposal=draft, upload=_pdf(content=content))
    assert not ProposalAttachment.objects.exists()


def test_the_eleventh_attachment_is_refused(draft: Proposal, member: Any, client: Any) -> None:
    for n in range(10):
        services.attachment_add(actor=member, proposal=draft, upload=_pdf(f"doc{n}.pdf"))
    client.force_login(member)
    response = client.post(
        reverse("partnerships:attachment_add", args=[draft.pk]), {"file": _pdf("eleven.pdf")}
    )
    assert response.status_code == 400
    assert "at most 10 attachments" in response.content.decode()
    assert draft.attachments.count() == 10


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("<script>.pdf", "script_.pdf"),
        ("<img src=x onerror=alert(1)>.pdf", "img src_x onerror_alert(1)_.pdf"),
        ("bad\x00na\x1bme\n.pdf", "badname.pdf"),
    ],
)
def test_hostile_names_are_stored_safely_and_shown_escaped(
    draft: Proposal, member: Any, client: Any, uploaded: str, stored: str
) -> None:
    attachment = services.attachment_add(actor=member, proposal=draft, upload=_pdf(uploaded))
    assert "/" not in attachment.name and "<" not in attachment.name
    assert attachment.name == stored
    client.force_login(member)
    body = client.get(draft.get_absolute_url()).content.decode()
    assert "<script>" not in body
    assert attachment.name.replace("'", "&#x27;") in body


def test_upload_through_the_page_keeps_errors_beside_the_field(
    draft: Proposal, member: Any, client: Any
) -> None:
    client.force_login(member)
    response = client.post(
        reverse("partnerships:attachment_add", args=[draft.pk]),
        {"file": _pdf(content=b"nope")},
    )
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()


def test_download_is_private(
    draft: Proposal, member: Any, stranger: Any, coordinator: Any, client: Any
) -> None:
    attachment = services.attachment_add(actor=member, proposal=draft, upload=_pdf())
    url = reverse("partnerships:attachment_download", args=[draft.pk, attachment.pk])
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    for person in (stranger, coordinator):  # a draft is not the region's to see
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_an_attachment_is_only_reached_through_its_own_proposal(
    make_draft: Any, member: Any, client: Any
) -> None:
    first, second = make_draft(), make_draft()
    attachment = services.attachment_add(actor=member, proposal=first, upload=_pdf())
    client.force_login(member)
    url = reverse("partnerships:attachment_download", args=[second.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_remove_deletes_the_row_and_the_file(
    draft: Proposal, member: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    attachment = services.attachment_add(actor=member, proposal=draft, upload=_pdf())
    storage, name = attachment.file.storage, attachment.file.name
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnerships:attachment_remove", args=[draft.pk, attachment.pk])
        )
    assert response.status_code == 302
    assert not ProposalAttachment.objects.exists()
    assert not storage.exists(name)
