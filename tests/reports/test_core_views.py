"""The report pages: asking (from a subject page's panel or plain POST), the request's page,
the polling fragment, the download and the retry. Only the requester sees a request, and only
while they may see its subject; everyone else gets 404."""

import re
from typing import Any, cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import MembershipRole
from portal.accounts.services import membership_remove
from reports.models import RenderedReport, ReportKind, ReportRequest
from reports.selectors import report_panel
from reports.services import report_claim, report_fail, report_render, report_request
from reports.workflow import ReportError, ReportState
from tests.factories import MembershipFactory, UserFactory
from tests.factories_process import (  # noqa: F401 (fixtures)
    company,
    company_member,
    coordinator,
    other_company_member,
    partnership,
)
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

GUIDE = ReportKind.PROCESS_GUIDE.value
PARTNERSHIP = ReportKind.PARTNERSHIP.value
HTMX = {"HX-Request": "true"}
VIEWS = ["detail", "status", "download", "retry"]


def _hit(client: Client, name: str, pk: Any) -> Any:
    url = reverse(f"reports:{name}", args=[pk])
    return client.post(url) if name == "retry" else client.get(url)


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _guide_request(client: Client, language: str = "en") -> ReportRequest:
    response = client.post(
        reverse("reports:request", args=[GUIDE]), {"region": "", "language": language}
    )
    assert response.status_code == 302, response.status_code
    return ReportRequest.objects.order_by("-created_at").first()  # type: ignore[return-value]


@pytest.fixture
def member(company: Any, company_member: Any) -> Any:  # noqa: F811
    """A plain member of the partnership's company (the admin can remove them)."""
    return MembershipFactory(
        organisation=company, role=MembershipRole.MEMBER, user=UserFactory()
    ).user


@pytest.fixture
def member_request(member: Any, partnership: Any) -> ReportRequest:  # noqa: F811
    client = _signed_in(member)
    response = client.post(
        reverse("reports:request", args=[PARTNERSHIP]),
        {"partnership": partnership.pk, "language": "en"},
    )
    assert response.status_code == 302
    request = ReportRequest.objects.get(requested_by=member)
    assert response["Location"] == request.get_absolute_url()
    return request


# --- who sees a request ---------------------------------------------------------------------


@pytest.mark.parametrize("view", ["detail", "status"])
def test_the_owner_sees_their_request(
    member: Any, member_request: ReportRequest, view: str
) -> None:
    assert _hit(_signed_in(member), view, member_request.pk).status_code == 200


@pytest.mark.parametrize("view", VIEWS)
def test_another_signed_in_person_gets_404(
    member_request: ReportRequest,
    other_company_member: Any,  # noqa: F811
    coordinator: Any,  # noqa: F811
    view: str,
) -> None:
    ReportRequest.objects.filter(pk=member_request.pk).update(state=ReportState.FAILED)
    # Neither a stranger nor the coordinator (who may see the partnership) sees someone's request.
    for person in (other_company_member, coordinator):
        assert _hit(_signed_in(person), view, member_request.pk).status_code == 404
    assert ReportRequest.objects.get(pk=member_request.pk).state == ReportState.FAILED


@pytest.mark.parametrize("view", VIEWS)
def test_an_anonymous_visitor_gets_404_for_someone_elses_request(
    member_request: ReportRequest, view: str
) -> None:
    ReportRequest.objects.filter(pk=member_request.pk).update(state=ReportState.FAILED)
    assert _hit(Client(), view, member_request.pk).status_code == 404


@pytest.mark.parametrize("view", VIEWS)
def test_the_owner_who_lost_the_subject_gets_404(
    member: Any,
    company_member: Any,  # noqa: F811
    member_request: ReportRequest,
    view: str,
) -> None:
    ReportRequest.objects.filter(pk=member_request.pk).update(state=ReportState.FAILED)
    membership = member.memberships.get()
    membership_remove(actor=company_member, membership=membership)
    assert _hit(_signed_in(member), view, member_request.pk).status_code == 404


@pytest.mark.parametrize("view", ["detail", "status"])
def test_an_anonymous_session_owns_its_public_request(view: str) -> None:
    visitor = Client()
    request = _guide_request(visitor)
    assert request.requested_by is None and request.session_key
    assert _hit(visitor, view, request.pk).status_code == 200
    assert _hit(Client(), view, request.pk).status_code == 404  # another session
    someone = UserFactory()
    assert _hit(_signed_in(someone), view, request.pk).status_code == 404


def test_an_unknown_request_is_404(member: Any) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    for view in VIEWS:
        assert _hit(_signed_in(member), view, missing).status_code == 404


# --- asking -----------------------------------------------------------------------------------


def test_a_private_report_for_a_subject_one_may_not_see_is_404_and_stores_nothing(
    partnership: Any,  # noqa: F811
    other_company_member: Any,  # noqa: F811
) -> None:
    response = _signed_in(other_company_member).post(
        reverse("reports:request", args=[PARTNERSHIP]),
        {"partnership": partnership.pk, "language": "en"},
    )
    assert response.status_code == 404
    assert ReportRequest.objects.count() == 0


def test_an_anonymous_visitor_asking_for_a_private_report_is_sent_to_sign_in(
    partnership: Any,  # noqa: F811
) -> None:
    response = Client().post(
        reverse("reports:request", args=[PARTNERSHIP]),
        {"partnership": partnership.pk, "language": "en"},
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert ReportRequest.objects.count() == 0


def test_an_unknown_kind_is_404() -> None:
    response = Client().post(reverse("reports:request", args=["nonsense"]), {"language": "en"})
    assert response.status_code == 404


def test_get_is_not_allowed_for_asking() -> None:
    assert Client().get(reverse("reports:request", args=[GUIDE])).status_code == 405


def test_bad_parameters_are_shown_beside_the_field_and_nothing_is_stored(member: Any) -> None:
    client = _signed_in(member)
    response = client.post(
        reverse("reports:request", args=[PARTNERSHIP]), {"partnership": "abc", "language": "en"}
    )
    assert response.status_code == 422
    assert b"error-summary" in response.content and b"Partnership" in response.content
    response = client.post(
        reverse("reports:request", args=[GUIDE]),
        {"region": "", "language": "klingon"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only successful answers
    assert 'id="report-panel-process_guide"' in html
    assert 'id="id_report_process_guide_language_error"' in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert ReportRequest.objects.count() == 0


def test_a_valid_htmx_request_answers_with_the_panel_and_its_progress(member: Any) -> None:
    response = _signed_in(member).post(
        reverse("reports:request", args=[GUIDE]), {"region": "", "language": "sv"}, headers=HTMX
    )
    html = response.content.decode()
    request = ReportRequest.objects.get()
    assert response.status_code == 200
    assert request.language == "sv" and request.requested_by == member
    assert f'hx-get="{reverse("reports:status", args=[request.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html and 'aria-live="polite"' in html


def test_too_many_requests_are_refused(settings: Any, member: Any) -> None:
    settings.REPORTS_REQUESTS_PER_MINUTE = 2
    client = _signed_in(member)
    url = reverse("reports:request", args=[GUIDE])
    assert client.post(url, {"region": "", "language": "en"}).status_code == 302
    assert client.post(url, {"region": "", "language": "sv"}).status_code == 302
    response = client.post(url, {"region": "uppsala", "language": "en"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert b"too many reports" in response.content
    assert ReportRequest.objects.count() == 2
    # Another person is not affected.
    assert _signed_in(UserFactory()).post(url, {"region": "", "language": "en"}).status_code == 302


# --- progress, download, retry ------------------------------------------------------------------


def test_the_fragment_polls_while_in_progress_and_stops_when_ready(member: Any) -> None:
    client = _signed_in(member)
    request = _guide_request(client)
    url = reverse("reports:status", args=[request.pk])

    waiting = client.get(url, headers=HTMX).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and 'aria-live="polite"' in waiting
    assert "Waiting for a worker" in waiting
    report_claim(request_id=request.pk)
    assert "Being made" in client.get(url, headers=HTMX).content.decode()

    ReportRequest.objects.filter(pk=request.pk).update(
        state=ReportState.QUEUED, claim_token=None, claimed_at=None
    )
    report_render(request_id=request.pk)
    done = client.get(url, headers=HTMX).content.decode()
    assert "hx-trigger" not in done
    assert reverse("reports:download", args=[request.pk]) in done
    assert "PDF, " in done and " kB" in done


def test_the_download_is_a_pdf_attachment(member: Any) -> None:
    client = _signed_in(member)
    request = _guide_request(client)
    assert _hit(client, "download", request.pk).status_code == 404  # not ready yet
    report_render(request_id=request.pk)
    RenderedReport.objects.update(last_used_at="2026-01-01T00:00:00Z")

    response = client.get(reverse("reports:download", args=[request.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"]
    body = b"".join(cast(Any, response).streaming_content)
    assert body.startswith(b"%PDF")
    rendered = RenderedReport.objects.get()
    assert len(body) == rendered.size
    assert rendered.last_used_at.year == 2026 and rendered.last_used_at.month != 1


def test_a_failure_shows_what_to_do_and_can_be_retried(member: Any) -> None:
    client = _signed_in(member)
    request = _guide_request(client)
    token = report_claim(request_id=request.pk)
    report_fail(
        request_id=request.pk,
        claim_token=token,
        error_code=ReportError.TOO_LARGE,
        detail="Traceback: secret internals",
    )
    page = client.get(reverse("reports:detail", args=[request.pk])).content.decode()
    assert str(ReportError.TOO_LARGE.label) in page
    assert "Narrow the filter and try again." in page
    assert "secret internals" not in page
    assert reverse("reports:retry", args=[request.pk]) in page

    response = client.post(reverse("reports:retry", args=[request.pk]), headers=HTMX)
    assert response.status_code == 200 and 'hx-trigger="every 2s"' in response.content.decode()
    row = ReportRequest.objects.get(pk=request.pk)
    assert row.state == ReportState.QUEUED and row.error_code == ""
    # Retrying what is not failed: 404, nothing changes.
    assert client.post(reverse("reports:retry", args=[request.pk])).status_code == 404
    assert client.get(reverse("reports:retry", args=[request.pk])).status_code == 405


def test_plain_retry_goes_back_to_the_request_page(member: Any) -> None:
    client = _signed_in(member)
    request = _guide_request(client)
    token = report_claim(request_id=request.pk)
    report_fail(request_id=request.pk, claim_token=token, error_code=ReportError.TEMPORARY)
    response = client.post(reverse("reports:retry", args=[request.pk]))
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()


# --- my reports and the panel ---------------------------------------------------------------------


def _make_requests(user: Any, n: int) -> None:
    for i in range(n):
        report_request(
            user=user,
            session_key="",
            kind=GUIDE,
            params={"region": ["", "uppsala", "skane", "stockholm", "halland", "gotland"][i]},
            language="en",
        )


def test_my_reports_lists_mine_with_a_fixed_number_of_queries(member: Any, settings: Any) -> None:
    settings.REPORTS_MAX_PENDING = 10
    client = _signed_in(member)
    _make_requests(member, 1)
    one = count_queries(client, reverse("reports:mine"))
    _make_requests(UserFactory(), 2)
    ReportRequest.objects.all().delete()
    _make_requests(member, 6)
    six = count_queries(client, reverse("reports:mine"))
    assert one == six
    html = client.get(reverse("reports:mine")).content.decode()
    assert len(set(re.findall(r'href="/reports/([0-9a-f-]{36})/"', html))) == 6


def test_my_reports_needs_signing_in() -> None:
    response = Client().get(reverse("reports:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _panel_queries(user: Any, session_key: str = "") -> tuple[int, Any]:
    request = RequestFactory().get("/")
    request.user = user
    request.session = type("S", (), {"session_key": session_key or None})()  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as ctx:
        panel = report_panel(request, kind=GUIDE, params={"region": ""})
    return len(ctx.captured_queries), panel


def test_the_panel_costs_one_query_whatever_the_number_of_requests(member: Any) -> None:
    _make_requests(member, 1)
    one, panel = _panel_queries(member)
    assert panel is not None and panel.latest is not None
    for _ in range(4):
        ReportRequest.objects.filter(requested_by=member).update(state=ReportState.FAILED)
        _make_requests(member, 1)
    five, panel = _panel_queries(member)
    assert one == five == 1
    assert panel.latest.request.state == ReportState.QUEUED
    # A visitor without a session: no query at all.
    none, panel = _panel_queries(AnonymousUser())
    assert none == 0 and panel is not None and panel.latest is None


def test_the_panel_is_none_for_who_may_not_ask(
    partnership: Any,  # noqa: F811
    other_company_member: Any,  # noqa: F811
) -> None:
    request = RequestFactory().get("/")
    request.user = other_company_member
    assert report_panel(request, kind=PARTNERSHIP, params={"partnership": partnership.pk}) is None
    request.user = AnonymousUser()
    assert report_panel(request, kind=PARTNERSHIP, params={"partnership": partnership.pk}) is None


def test_the_panel_hides_the_fixed_parameters_and_offers_the_language(
    partnership: Any,  # noqa: F811
    company_member: Any,  # noqa: F811
) -> None:
    request = RequestFactory().get("/")
    request.user = company_member
    panel = report_panel(request, kind=PARTNERSHIP, params={"partnership": partnership.pk})
    assert panel is not None
    html = str(panel.form)
    assert f'type="hidden" name="partnership" value="{partnership.pk}"' in html
    assert '<select name="language"' in html and "Language of the report" in html


# --- admin ----------------------------------------------------------------------------------------


def test_the_admin_lists_requests_and_files_read_only(member: Any) -> None:
    from tests.factories_process import make_admin

    client = _signed_in(member)
    request = _guide_request(client)
    report_render(request_id=request.pk)
    staff = make_admin()
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    admin = _signed_in(staff)
    for model in ("reportrequest", "renderedreport"):
        changelist = admin.get(reverse(f"admin:reports_{model}_changelist"))
        assert changelist.status_code == 200
        assert (
            admin.get(reverse(f"admin:reports_{model}_changelist"), {"q": "x"}).status_code == 200
        )
        assert admin.get(reverse(f"admin:reports_{model}_add")).status_code == 403
    page = admin.get(reverse("admin:reports_reportrequest_change", args=[request.pk]))
    assert page.status_code == 200 and b'name="state"' not in page.content
    rendered = RenderedReport.objects.get()
    page = admin.get(reverse("admin:reports_renderedreport_change", args=[rendered.pk]))
    assert page.status_code == 200
    assert f'href="/media/{rendered.file.name}"'.encode() not in page.content
