"""Exports of the published compilation: CSV as Swedish Excel opens it (BOM, `;`, CRLF),
formula injection defused, JSON in its documented shape, the list's filters respected, entries
that are not published never exported, bad filters refused with a clear message."""

import csv
import io
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from obstacles.exports import html_to_text
from obstacles.services.endorsements import endorsement_add
from obstacles.workflow import MitigationStatus, ObstacleStatus
from regions.models import Region
from tests.factories_obstacles import MitigationFactory, ObstacleFactory, actor, category
from tests.factories_process import make_company_member

from .test_public_detail import published

pytestmark = pytest.mark.django_db

CSV = reverse("obstacles:export_csv")
JSON = reverse("obstacles:export_json")


def download(client: Any, url: str, params: dict[str, str] | None = None) -> tuple[Any, bytes]:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    assert response.streaming
    return response, b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_is_utf8_with_bom_semicolons_and_crlf_for_swedish_excel(client: Any) -> None:
    entry = published(title="Sårvård; uppföljning i hemmet")
    MitigationFactory(title="Avtal med vårdcentralen", obstacles=[entry])

    response, body = download(client, CSV)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="obstacles-{today}.csv"'
    assert body.startswith(b"\xef\xbb\xbf")
    # CRLF ends each record; the description's own line break stays inside its quoted cell.
    assert body.endswith(b"\r\n") and body.count(b"\r\n") == 2
    header, row = csv_rows(body)
    assert header[:3] == ["ID", "Address", "Title"]
    assert len(header) == len(row) == 15
    assert row[0] == str(entry.pk)
    assert row[1] == f"http://testserver/obstacles/{entry.pk}/"
    assert row[2] == "Sårvård; uppföljning i hemmet"  # quoted, not split at the ;
    assert row[3] == "sv"
    assert row[4] == "IT infrastructure and interoperability (EHR integration, standards)"
    assert row[5] == "Test and co-creation"
    assert row[6] == "Healthcare, Companies"
    assert row[7] == "Region Östergötland"
    assert row[8] == "High"
    assert row[9] == "Mätvärden från patienternas hem når inte journalen.\nVi skrev av för hand."
    assert row[10] == "Pilotrapport 2024, länk"
    assert row[12] == today
    assert row[13] == "0"
    assert row[14] == "Avtal med vårdcentralen"


def test_csv_headers_follow_the_language(client: Any) -> None:
    ObstacleFactory()

    _, body = download(client, CSV, {})
    client.cookies["portal_language"] = "sv"
    _, swedish = download(client, CSV, {})

    assert csv_rows(body)[0][2] == "Title"
    assert csv_rows(swedish)[0][2] != "Title"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", " =", "\t", "＝"])
def test_csv_cells_that_would_run_as_formulas_are_defused(client: Any, start: str) -> None:
    payload = f'{start}HYPERLINK("http://evil.example","klicka")'
    ObstacleFactory(
        title=payload,
        description=f"<p>{start}cmd|' /C calc'!A0</p>",
        evidence="<p>@SUM(1+1)</p>",
        known_mitigation="<p>-2+3</p>",
    )

    _, body = download(client, CSV)

    row = csv_rows(body)[1]
    assert row[2] == "'" + payload
    assert "cmd|' /C calc'!A0" in row[9]
    assert row[10] == "'@SUM(1+1)"
    assert row[11] == "'-2+3"
    for cell in row:
        assert not cell.lstrip().startswith(("=", "+", "-", "@", "＝")), cell


def test_json_parses_back_in_the_documented_shape(client: Any) -> None:
    entry = published(title="Överföring till tredjeland", language="sv")
    MitigationFactory(title="Leverantör inom EU", obstacles=[entry])
    MitigationFactory(title="Ej granskad", obstacles=[entry], status=MitigationStatus.SUBMITTED)
    endorsement_add(obstacle=entry, user=make_company_member())

    response, body = download(client, JSON)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(body)
    assert data["format"] == 1
    assert data["count"] == 1
    assert data["filters"] == {
        "q": "",
        "category": "",
        "step": "",
        "actor": "",
        "region": "",
        "severity": None,
        "sort": "",
    }
    (record,) = data["obstacles"]
    assert record == {
        "id": entry.pk,
        "url": f"http://testserver/obstacles/{entry.pk}/",
        "title": "Överföring till tredjeland",
        "language": "sv",
        "category": {
            "key": "it-interoperability",
            "name": "IT infrastructure and interoperability (EHR integration, standards)",
        },
        "step": {"key": "test", "name": "Test and co-creation"},
        "actors": [
            {"key": "healthcare", "name": "Healthcare"},
            {"key": "company", "name": "Companies"},
        ],
        "region": {"key": "ostergotland", "name": "Region Östergötland"},
        "severity": {"value": 3, "name": "High"},
        "description": (
            "<p>Mätvärden från patienternas hem når inte journalen.</p><p>Vi skrev av för hand.</p>"
        ),
        "description_text": (
            "Mätvärden från patienternas hem når inte journalen.\nVi skrev av för hand."
        ),
        "evidence": record["evidence"],
        "evidence_text": "Pilotrapport 2024, länk",
        "known_mitigation": "",
        "known_mitigation_text": "",
        "published": timezone.localdate().isoformat(),
        "met_count": 1,
        "mitigations": ["Leverantör inom EU"],
    }
    assert 'href="https://example.se/rapport"' in record["evidence"]


def test_json_marks_national_entries_and_entries_without_a_step_with_null(client: Any) -> None:
    ObstacleFactory(region=None, step_key="")

    _, body = download(client, JSON)

    (record,) = json.loads(body)["obstacles"]
    assert record["region"] is None and record["step"] is None


@pytest.mark.parametrize("url", [CSV, JSON])
def test_only_published_entries_are_exported(client: Any, url: str) -> None:
    ObstacleFactory(title="Publicerad")
    survivor = ObstacleFactory(title="Överlevare")
    for status in ObstacleStatus.values:
        if status != ObstacleStatus.PUBLISHED:
            extra = {"merged_into": survivor} if status == ObstacleStatus.MERGED else {}
            ObstacleFactory(title=f"Dold {status}", status=status, **extra)

    _, body = download(client, url)

    text = body.decode("utf-8-sig")
    assert "Publicerad" in text and "Överlevare" in text
    assert "Dold" not in text


@pytest.mark.parametrize("url", [CSV, JSON])
def test_exports_follow_the_lists_filters_and_search(client: Any, url: str) -> None:
    uppsala = Region.objects.get(slug="uppsala")
    ObstacleFactory(
        title="Molntjänst i Uppsala",
        region=uppsala,
        severity=4,
        category=category("data-protection-cloud"),
        actors=[actor("patients")],
    )
    ObstacleFactory(title="Molntjänst i Skåne", region=Region.objects.get(slug="skane"))
    ObstacleFactory(title="Upphandling i Uppsala", region=uppsala, severity=4)

    _, body = download(
        client,
        url,
        {"q": "molntjänst", "region": "uppsala", "severity": "4", "actor": "patients"},
    )

    text = body.decode("utf-8-sig")
    assert "Molntjänst i Uppsala" in text
    assert "Skåne" not in text and "Upphandling" not in text


@pytest.mark.parametrize("url", [CSV, JSON])
def test_bad_filters_refuse_the_export_with_a_clear_message(client: Any, url: str) -> None:
    response = client.get(url, {"region": "atlantis", "severity": "9"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "The export was not made: the filters are not valid." in text
    assert "Region: Choose a region from the list." in text
    assert "Severity: Choose a severity from the list." in text


@pytest.mark.parametrize("url", [CSV, JSON])
def test_exports_are_public_and_cost_the_same_queries_for_1_or_30_rows(
    client: Any, url: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            download(client, url)
        return len(ctx.captured_queries)

    ObstacleFactory(actors=[actor("company")])
    one = queries()
    for _ in range(29):
        MitigationFactory(obstacles=[ObstacleFactory(actors=[actor("patients")])])
    assert queries() == one


def test_html_to_text_keeps_paragraphs_and_list_items_on_their_own_lines() -> None:
    html = "<p>Första &amp; andra</p><ul><li>ett</li><li>två</li></ul><p>rad<br>ny rad</p>"

    assert html_to_text(html) == "Första & andra\nett\ntvå\nrad\nny rad"
