"""The pipeline CSV as Swedish Excel opens it: BOM, `;`, CRLF, åäö intact, formulas defused."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Agreement
from partnerships.workflow import AgreementStatus, PartnershipStatus
from portal.core.exports import safe_cell
from regions.models import InnovationUnit, RegionRole

from .test_dashboards import (
    _partnership_page_url,  # noqa: F401  (autouse fixture: stand-in partnership page URL)
    company,
    partnership,
    region,
    region_person,
    tick_required,
)

pytestmark = pytest.mark.django_db


def download(client: Any, slug: str = "uppsala") -> tuple[Any, bytes]:
    response = client.get(reverse("partnerships:pipeline_export", args=[slug]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.fixture
def coordinator(db: Any) -> Any:
    return region_person("uppsala", preferred_language="en")


def test_csv_is_utf8_with_bom_semicolons_and_crlf(client, coordinator) -> None:  # type: ignore[no-untyped-def]
    _, org = company("Åkesson & Öberg Medicinteknik AB")
    partnership(organisation=org, title="Sårvård i hemmet; uppföljning")
    client.force_login(coordinator)

    response, body = download(client)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="pipeline-uppsala-{today}.csv"'
    )
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\r\n") == 2 and b"\n" not in body.replace(b"\r\n", b"")
    header, row = rows(body)
    assert header[:3] == ["ID", "Title", "Companies"]
    assert len(header) == len(row) == 13
    assert row[1] == "Sårvård i hemmet; uppföljning"  # quoted, not split at the ;
    assert row[2] == "Åkesson & Öberg Medicinteknik AB"
    assert row[3] == "Region Uppsala"


def test_cells_hold_dates_times_in_stockholm_and_the_facts(client, coordinator) -> None:  # type: ignore[no-untyped-def]
    _, org = company()
    # 23:30 UTC on 24 November is already 25 November in Stockholm.
    last = dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC)
    row = partnership(organisation=org, step_key="needs", last_activity_at=last)
    unit = InnovationUnit.objects.create(
        region=region(), kind="office", name="Innovationskontoret Uppsala"
    )
    row.parties.filter(kind="region").update(unit=unit)
    tick_required(row)
    Agreement.objects.create(partnership=row, status=AgreementStatus.DRAFT)
    partnership(title="Closed one", status=PartnershipStatus.STOPPED)
    client.force_login(coordinator)

    _, body = download(client)
    header, *data = rows(body)
    cells = dict(zip(header, next(r for r in data if r[0] == str(row.pk)), strict=True))

    assert cells["Last activity"] == "2026-11-25 00:30"
    assert cells["Started"] == timezone.localdate().isoformat()
    assert cells["Unit"] == "Innovationskontoret Uppsala"
    assert cells["Current step"] == row.current_step.name_en
    assert cells["Status"] == "Active"
    assert cells["Gate waiting"] == "yes"
    assert cells["Agreement status"] == "Being drafted"
    assert int(cells["Days since activity"]) == (timezone.now() - last).days
    assert any(r[1] == "Closed one" for r in data)  # the export holds closed ones too


def test_headers_and_values_are_swedish_for_a_swedish_user(client) -> None:  # type: ignore[no-untyped-def]
    coordinator = region_person("uppsala", preferred_language="sv")
    row = partnership(title="Pilot")
    client.force_login(coordinator)

    _, body = download(client)
    header, data = rows(body)

    assert header[0] == "ID"
    assert "Titel" in header
    assert "Aktuellt steg" in header
    assert data[header.index("Aktuellt steg")] == row.current_step.name_sv


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1",
        "-1",
        "@SUM(A1:A2)",
        "\tTabbed",
        "\rReturn",
        "   =1+1",
    ],
)
def test_formula_injection_is_neutralised(client, coordinator, title) -> None:  # type: ignore[no-untyped-def]
    _, org = company(name=title.strip() + " AB" if title.strip()[0] in "=+-@" else "Safe AB")
    partnership(organisation=org, title=title)
    client.force_login(coordinator)

    _, body = download(client)
    _, data = rows(body)

    assert data[1] == "'" + title
    if data[2] != "Safe AB":
        assert data[2].startswith("'")


def test_safe_cell_leaves_ordinary_text_and_numbers_alone() -> None:
    assert safe_cell("Sårvård") == "Sårvård"
    assert safe_cell("E-hälsa") == "E-hälsa"
    assert safe_cell(-3) == -3
    assert safe_cell("") == ""


@pytest.mark.parametrize("who", ["other_coordinator", "company"])
def test_export_is_404_for_people_outside_the_region(client, who) -> None:  # type: ignore[no-untyped-def]
    person = region_person("ostergotland") if who == "other_coordinator" else company()[0]
    partnership(title="Secret")
    client.force_login(person)
    response = client.get(reverse("partnerships:pipeline_export", args=["uppsala"]))
    assert response.status_code == 404


def test_a_sponsor_may_export_their_region(client) -> None:  # type: ignore[no-untyped-def]
    sponsor = region_person("uppsala", RegionRole.SPONSOR)
    partnership(title="Sponsored pilot")
    client.force_login(sponsor)
    _, body = download(client)
    assert "Sponsored pilot" in body.decode("utf-8-sig")
