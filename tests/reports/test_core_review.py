"""The security review's findings, each proved: a cap on waiting requests (per person, per
anonymous address), the retry under the same limits, stale files not served, retention from
when a file was made, one file per key, the sweeper's race with a claim, and hardening
(no caching of downloads, no session key in the admin, broker redelivery before the sweeper,
no embedded files in PDFs, no private titles in "My reports")."""

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from partnerships.models import ProcessStep, ProcessTemplate
from partnerships.services.process import template_step_update
from reports.documents import RenderedDocument
from reports.models import RenderedReport, ReportKind, ReportRequest
from reports.rendering import html_to_pdf, static_roots
from reports.services import (
    report_claim,
    report_fail,
    report_render,
    report_request,
    reports_remove_expired,
)
from reports.services.work import _store
from reports.workflow import ReportError, ReportState
from tests.factories import UserFactory
from tests.factories_process import make_admin
from tests.reports.pdfs import pdf_facts

pytestmark = pytest.mark.django_db

GUIDE = ReportKind.PROCESS_GUIDE.value
HTMX = {"HX-Request": "true"}
REGIONS = ["", "uppsala", "skane", "stockholm", "halland"]


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ask(client: Client, region: str = "", language: str = "en", **extra: Any) -> Any:
    return client.post(
        reverse("reports:request", args=[GUIDE]),
        {"region": region, "language": language},
        **extra,
    )


def _fail(request: ReportRequest) -> None:
    token = report_claim(request_id=request.pk)
    assert report_fail(request_id=request.pk, claim_token=token, error_code=ReportError.TEMPORARY)


def _english_user() -> Any:
    return UserFactory(preferred_language="en")


# --- 1. at most REPORTS_MAX_PENDING waiting requests ------------------------------------------


def test_a_person_may_have_at_most_the_cap_of_reports_waiting(settings: Any) -> None:
    assert django_settings.REPORTS_MAX_PENDING == 3  # the documented default
    settings.REPORTS_MAX_PENDING = 3
    user = _english_user()
    client = _signed_in(user)
    for region in REGIONS[:3]:
        assert _ask(client, region).status_code == 302

    refused = _ask(client, REGIONS[3])
    assert refused.status_code == 429
    page = refused.content.decode()
    assert 'role="alert"' in page
    assert "You already have 3 reports being made; wait until one is ready." in page
    assert 'value="stockholm"' in page  # the typed values are kept
    assert ReportRequest.objects.filter(requested_by=user).count() == 3

    # htmx: the panel with the alert, swapped in.
    panel = _ask(client, REGIONS[3], headers=HTMX)
    assert panel.status_code == 200
    assert "You already have 3 reports being made" in panel.content.decode()
    assert 'id="report-panel-process_guide"' in panel.content.decode()

    # A double submit of a waiting one still answers with it; someone else is not affected.
    assert _ask(client, REGIONS[0]).status_code == 302
    assert _ask(_signed_in(_english_user()), REGIONS[3]).status_code == 302
    # Once one is finished, there is room again.
    _fail(ReportRequest.objects.filter(requested_by=user).first())  # type: ignore[arg-type]
    assert _ask(client, REGIONS[3]).status_code == 302


def test_anonymous_visitors_are_capped_per_address_whatever_the_session(settings: Any) -> None:
    settings.REPORTS_MAX_PENDING = 2
    here = {"REMOTE_ADDR": "10.1.2.3"}
    assert _ask(Client(), REGIONS[0], **here).status_code == 302
    assert _ask(Client(), REGIONS[1], **here).status_code == 302
    assert set(ReportRequest.objects.values_list("client_address", flat=True)) == {"10.1.2.3"}

    # A fresh session (cookies dropped) from the same address gets no new allowance.
    refused = _ask(Client(), REGIONS[2], **here)
    assert refused.status_code == 429
    assert b"You already have 2 reports being made" in refused.content
    # Another address may.
    assert _ask(Client(), REGIONS[2], REMOTE_ADDR="10.9.9.9").status_code == 302
    assert ReportRequest.objects.count() == 3


def test_the_anonymous_rate_limit_counts_the_address_not_the_session(settings: Any) -> None:
    settings.REPORTS_REQUESTS_PER_MINUTE = 2
    settings.REPORTS_MAX_PENDING = 10
    here = {"REMOTE_ADDR": "10.4.4.4"}
    assert _ask(Client(), REGIONS[0], **here).status_code == 302
    assert _ask(Client(), REGIONS[1], **here).status_code == 302
    assert _ask(Client(), REGIONS[2], **here).status_code == 429


def test_a_signed_in_request_stores_no_address() -> None:
    assert _ask(_signed_in(_english_user()), REMOTE_ADDR="10.5.5.5").status_code == 302
    assert ReportRequest.objects.get().client_address == ""


# --- 2. retry under the same limits ---------------------------------------------------------------


def test_retry_shares_the_per_minute_limit(settings: Any) -> None:
    settings.REPORTS_REQUESTS_PER_MINUTE = 1
    client = _signed_in(_english_user())
    assert _ask(client).status_code == 302
    request = ReportRequest.objects.get()
    _fail(request)
    response = client.post(reverse("reports:retry", args=[request.pk]))
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert b"too many reports" in response.content
    assert ReportRequest.objects.get().state == ReportState.FAILED


def test_retry_respects_the_pending_cap(settings: Any) -> None:
    settings.REPORTS_MAX_PENDING = 2
    user = _english_user()
    client = _signed_in(user)
    assert _ask(client, REGIONS[0]).status_code == 302
    failed = ReportRequest.objects.get()
    _fail(failed)
    assert _ask(client, REGIONS[1]).status_code == 302
    assert _ask(client, REGIONS[2]).status_code == 302
    url = reverse("reports:retry", args=[failed.pk])

    plain = client.post(url)
    assert plain.status_code == 429
    assert "You already have 2 reports being made" in plain.content.decode()
    fragment = client.post(url, headers=HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'role="alert"' in html and "You already have 2 reports being made" in html
    assert ReportRequest.objects.get(pk=failed.pk).state == ReportState.FAILED

    _fail(ReportRequest.objects.filter(state=ReportState.QUEUED).first())  # type: ignore[arg-type]
    assert client.post(url).status_code == 302
    assert ReportRequest.objects.get(pk=failed.pk).state == ReportState.QUEUED


# --- 3. stale files and retention ---------------------------------------------------------------


def _change_the_guide() -> None:
    template = ProcessTemplate.objects.get(region__isnull=True, is_current=True)
    step = ProcessStep.objects.filter(template=template).order_by("order").first()
    assert step is not None
    template_step_update(
        actor=make_admin(), step=step, data={"guidance_en": "<p>New advice for step one.</p>"}
    )


def test_a_file_whose_data_changed_is_not_served_and_a_new_one_is_offered() -> None:
    client = _signed_in(_english_user())
    assert _ask(client).status_code == 302
    request = ReportRequest.objects.get()
    report_render(request_id=request.pk)
    download = reverse("reports:download", args=[request.pk])
    detail = reverse("reports:detail", args=[request.pk])
    retry = reverse("reports:retry", args=[request.pk])
    assert client.get(download).status_code == 200
    assert download in client.get(detail).content.decode()
    assert client.post(retry).status_code == 404  # fresh and ready: nothing to redo

    _change_the_guide()

    response = client.get(download)
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail).content.decode()
    assert "The data changed since this report was made." in page
    assert download not in page
    assert f'action="{retry}"' in page and "Make a new one" in page

    made = client.post(retry)
    new = ReportRequest.objects.exclude(pk=request.pk).get()
    assert made.status_code == 302 and made["Location"] == new.get_absolute_url()
    assert new.params == request.params and new.language == request.language
    assert new.state == ReportState.QUEUED and new.key != request.key


def test_files_expire_from_when_they_were_made_whatever_the_downloads(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _signed_in(_english_user())
    assert _ask(client).status_code == 302
    request = ReportRequest.objects.get()
    report_render(request_id=request.pk)
    rendered = RenderedReport.objects.get()
    made = timezone.now() - timedelta(days=settings.REPORTS_RETENTION_DAYS, hours=1)
    RenderedReport.objects.filter(pk=rendered.pk).update(created_at=made)
    assert client.get(reverse("reports:download", args=[request.pk])).status_code == 200
    assert RenderedReport.objects.get().last_used_at > timezone.now() - timedelta(minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert reports_remove_expired() == 1

    assert not RenderedReport.objects.exists() and not ReportRequest.objects.exists()
    assert not rendered.file.storage.exists(rendered.file.name)


# --- 4. one file per key --------------------------------------------------------------------------


def _rendered_guide() -> tuple[ReportRequest, RenderedReport]:
    request = report_request(
        user=_english_user(), session_key="", kind=GUIDE, params={"region": ""}, language="en"
    )
    report_render(request_id=request.pk)
    return request, RenderedReport.objects.get()


def test_a_second_render_of_the_same_key_keeps_the_existing_file() -> None:
    request, rendered = _rendered_guide()
    storage = rendered.file.storage
    folder = str(Path(rendered.file.name).parent)
    before = set(storage.listdir(folder)[1])
    ours = RenderedDocument(content=b"%PDF-1.7 another copy", pages=1)

    kept = _store(
        request=request,
        key=rendered.key,
        fingerprint=rendered.fingerprint,
        title="Another",
        pdf=ours,
        seconds=0.1,
    )

    assert kept.pk == rendered.pk and kept.file.name == rendered.file.name
    again = RenderedReport.objects.get()
    assert again.sha256 == rendered.sha256 and again.title == rendered.title
    assert set(storage.listdir(folder)[1]) == before
    assert storage.open(rendered.file.name).read()[:4] == b"%PDF"


def test_a_row_whose_file_vanished_gets_the_new_file() -> None:
    request, rendered = _rendered_guide()
    storage = rendered.file.storage
    storage.delete(rendered.file.name)

    replaced = _store(
        request=request,
        key=rendered.key,
        fingerprint=rendered.fingerprint,
        title="Again",
        pdf=RenderedDocument(content=b"%PDF-1.7 remade", pages=1),
        seconds=0.1,
    )

    assert replaced.pk == rendered.pk and replaced.file.name != rendered.file.name
    assert storage.open(replaced.file.name).read() == b"%PDF-1.7 remade"


# --- 5. the sweeper and a claim at once -----------------------------------------------------------


def test_failing_without_a_claim_leaves_a_row_a_worker_has_claimed() -> None:
    request = report_request(
        user=_english_user(), session_key="", kind=GUIDE, params={"region": ""}, language="en"
    )
    # The sweeper read the row unclaimed; a worker claims it before the sweeper writes.
    token = report_claim(request_id=request.pk)
    assert token is not None
    assert not report_fail(request_id=request.pk, claim_token=None, error_code="temporary")
    row = ReportRequest.objects.get()
    assert row.state == ReportState.RENDERING and row.claim_token == token
    # An unclaimed waiting row is still failed by the sweeper.
    ReportRequest.objects.update(state=ReportState.QUEUED, claim_token=None, claimed_at=None)
    assert report_fail(request_id=request.pk, claim_token=None, error_code="temporary")


# --- 6. hardening ---------------------------------------------------------------------------------


def test_downloads_are_never_cached() -> None:
    client = _signed_in(_english_user())
    assert _ask(client).status_code == 302
    request = ReportRequest.objects.get()
    report_render(request_id=request.pk)
    response = client.get(reverse("reports:download", args=[request.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    b"".join(cast(Any, response).streaming_content)


def test_the_admin_never_shows_the_session_key() -> None:
    visitor = Client()
    assert _ask(visitor, REMOTE_ADDR="10.7.7.7").status_code == 302
    request = ReportRequest.objects.get()
    assert request.session_key
    staff = make_admin()
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    page = _signed_in(staff).get(reverse("admin:reports_reportrequest_change", args=[request.pk]))
    assert page.status_code == 200
    assert request.session_key.encode() not in page.content
    assert b"10.7.7.7" not in page.content


def test_a_killed_workers_task_is_redelivered_before_the_sweeper_fails_it() -> None:
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility == django_settings.REPORTS_TIME_LIMIT + 60
    sweeper = (django_settings.REPORTS_MAX_ATTEMPTS + 1) * django_settings.REPORTS_TIME_LIMIT
    assert sweeper > visibility


def test_region_activity_headings_are_not_hyphenated_automatically() -> None:
    css = (static_roots()[0] / "css" / "print-region_activity.css").read_text()
    assert not re.search(r"hyphens:\s*auto", css)


def test_a_pdf_embeds_no_files_even_our_own() -> None:
    css = (static_roots()[0] / "css" / "print.css").as_uri()
    html = (
        "<!doctype html><html lang='en'><head><title>t</title>"
        f'<link rel="attachment" href="{css}" title="sheet"></head>'
        f'<body><p><a rel="attachment" href="{css}">the style sheet</a></p></body></html>'
    )
    pdf = html_to_pdf(html)
    assert pdf_facts(pdf.content).attachments == 0
    reader = PdfReader(io.BytesIO(pdf.content))
    subtypes = [
        str(annotation.get_object().get("/Subtype"))
        for page in reader.pages
        for annotation in page.get("/Annots") or []
    ]
    assert "/FileAttachment" not in subtypes
    assert b"/EmbeddedFile" not in pdf.content


# --- 7. "My reports" does not name private subjects -----------------------------------------------


def test_my_reports_shows_titles_of_public_kinds_only() -> None:
    user = _english_user()
    client = _signed_in(user)
    assert _ask(client).status_code == 302
    public = ReportRequest.objects.get()
    report_render(request_id=public.pk)
    public_title = RenderedReport.objects.get().title
    secret = RenderedReport.objects.create(
        key="k" * 64,
        kind=ReportKind.PARTNERSHIP,
        language="en",
        params={"partnership": 999999},
        fingerprint="f",
        title="Secret merger of Acme and Globex",
        file="private/reports/none.pdf",
        size=1000,
        sha256="0" * 64,
        pages=2,
        render_seconds=1.0,
        last_used_at=timezone.now(),
    )
    ReportRequest.objects.create(
        kind=ReportKind.PARTNERSHIP,
        params={"partnership": 999999},
        language="en",
        key=secret.key,
        subject="partnership:999999",
        requested_by=user,
        state=ReportState.READY,
        report=secret,
        finished_at=timezone.now(),
    )

    page = client.get(reverse("reports:mine")).content.decode()

    assert "Secret merger" not in page
    assert str(ReportKind.PARTNERSHIP.label) in page
    assert public_title in page
    assert f"kept for {django_settings.REPORTS_RETENTION_DAYS} days after they were made" in page


def test_asking_again_after_the_file_vanished_makes_a_new_one() -> None:
    """A ready request whose file is gone from storage (a restore, a disk swap) is not handed back
    again: the stale row goes and the person gets a request that will make the file anew."""
    client = _signed_in(_english_user())
    assert _ask(client).status_code == 302
    first = ReportRequest.objects.get()
    report_render(request_id=first.pk)
    first.refresh_from_db()
    assert first.state == ReportState.READY
    first.report.file.storage.delete(first.report.file.name)  # type: ignore[union-attr]

    assert _ask(client).status_code == 302
    again = ReportRequest.objects.get()
    assert again.pk != first.pk and again.state == ReportState.QUEUED
    report_render(request_id=again.pk)
    again.refresh_from_db()
    assert again.state == ReportState.READY
    assert again.report is not None and again.report.file.storage.exists(again.report.file.name)
    assert client.get(reverse("reports:download", args=[again.pk])).status_code == 200


def test_a_file_near_the_end_of_its_retention_is_not_handed_out_again(settings: Any) -> None:
    """Reuse stops a day before the sweep would remove the file: asking again makes it anew
    (the same row, a new file, its retention counted from now)."""
    client = _signed_in(_english_user())
    assert _ask(client).status_code == 302
    first = ReportRequest.objects.get()
    report_render(request_id=first.pk)
    first.refresh_from_db()
    rendered = first.report
    assert rendered is not None
    old_name = rendered.file.name
    made = timezone.now() - timedelta(days=settings.REPORTS_RETENTION_DAYS) + timedelta(hours=2)
    RenderedReport.objects.filter(pk=rendered.pk).update(created_at=made)

    other = _signed_in(_english_user())
    assert _ask(other).status_code == 302
    again = ReportRequest.objects.exclude(pk=first.pk).get()
    assert again.state == ReportState.QUEUED  # not the old file
    report_render(request_id=again.pk)
    again.refresh_from_db()
    assert again.state == ReportState.READY and again.report_id == rendered.pk
    renewed = RenderedReport.objects.get(pk=rendered.pk)
    assert renewed.file.name != old_name and renewed.created_at > made + timedelta(hours=1)


def test_a_region_period_before_2000_is_refused_beside_the_start() -> None:
    """Year 1 in Stockholm overflows the UTC arithmetic: it must be a form error, not a 500."""
    from reports.kinds.region_activity import RegionActivityParams

    form = RegionActivityParams(
        data={"region": "uppsala", "start": "0001-01-01", "end": "0001-12-31"}
    )
    assert not form.is_valid()
    assert "start" in form.errors and "2000" in form.errors["start"][0]
