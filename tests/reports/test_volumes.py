"""Volumes: a compilation above settings.REPORTS_OBSTACLES_PER_VOLUME entries is made as several
complete tagged PDFs (each with its own cover, running header and contents) packed into one ZIP;
up to that many entries it stays one plain PDF."""

import datetime as dt
import io
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from obstacles.selectors.public import PublicFilters
from reports.documents import document_context, make_report_pdf, volume_contexts
from reports.kinds import get_kind
from reports.kinds.obstacles import params_for
from tests.factories_obstacles import ObstacleFactory, category
from tests.reports.pdfs import page_texts, pdf_facts, pdf_text

pytestmark = pytest.mark.django_db

SPEC = get_kind("obstacles")
ALL = params_for(PublicFilters())
CLOUD, LOU = "data-protection-cloud", "procurement-lou"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def five(db: Any) -> list[str]:
    """Three cloud entries and two procurement entries; returns their titles in the
    compilation's order (categories in their order, newest first inside one)."""
    rows = [
        (CLOUD, "Molnet ett", 1),
        (CLOUD, "Molnet två", 2),
        (CLOUD, "Molnet tre", 3),
        (LOU, "Upphandling ett", 4),
        (LOU, "Upphandling två", 5),
    ]
    for slug, title, days in rows:
        ObstacleFactory(
            title=title,
            category=category(slug),
            published_at=timezone.now() - dt.timedelta(days=days),
        )
    return [title for _slug, title, _days in rows]


def members(content: bytes) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.infolist()


def member_bytes(content: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name)


def test_a_compilation_up_to_the_volume_size_stays_one_pdf(five: list[str], settings: Any) -> None:
    settings.REPORTS_OBSTACLES_PER_VOLUME = 5
    rendered = make_report_pdf(SPEC, ALL, "en")

    assert rendered.content.startswith(b"%PDF-")
    assert (rendered.content_type, rendered.extension, rendered.volumes) == (
        "application/pdf",
        ".pdf",
        1,
    )
    facts = pdf_facts(rendered.content)
    assert facts.title == "The obstacle compilation"
    assert facts.pages == rendered.pages
    text = flat(pdf_text(rendered.content))
    assert "Volume" not in text and "(continued)" not in text
    assert all(title in text for title in five)


def test_a_larger_compilation_is_a_zip_of_tagged_volumes_in_order(
    five: list[str], settings: Any
) -> None:
    settings.REPORTS_OBSTACLES_PER_VOLUME = 2
    rendered = make_report_pdf(SPEC, ALL, "en")

    assert (rendered.content_type, rendered.extension, rendered.volumes) == (
        "application/zip",
        ".zip",
        3,
    )
    infos = members(rendered.content)
    assert [i.filename for i in infos] == [
        "obstacle-compilation-01-of-03.pdf",
        "obstacle-compilation-02-of-03.pdf",
        "obstacle-compilation-03-of-03.pdf",
    ]
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
    pages = 0
    seen: list[str] = []
    for number, info in enumerate(infos, start=1):
        pdf = member_bytes(rendered.content, info.filename)
        facts = pdf_facts(pdf)
        assert facts.title == f"The obstacle compilation, volume {number} of 3"
        assert facts.language == "en"
        assert facts.tagged and facts.has_structure
        assert facts.attachments == 0
        pages += facts.pages
        text = flat(pdf_text(pdf))
        seen += [t for t in five if t in text]
        # Every page but the cover carries the volume's title in its running header.
        assert all(f"volume {number} of 3" in flat(page) for page in page_texts(pdf)[1:]), number
    assert seen == five  # every entry exactly once, in the compilation's order
    assert pages == rendered.pages


def test_each_volume_has_its_own_cover_and_contents(five: list[str], settings: Any) -> None:
    settings.REPORTS_OBSTACLES_PER_VOLUME = 2
    rendered = make_report_pdf(SPEC, ALL, "en")
    cloud, lou = category(CLOUD).name_en, category(LOU).name_en
    second = member_bytes(rendered.content, "obstacle-compilation-02-of-03.pdf")
    text = flat(pdf_text(second))
    cover = flat(pdf_text(second).split("\f")[0])

    assert "The obstacle compilation, volume 2 of 3" in cover
    assert "Volume 2 of 3" in cover
    assert "5 published obstacles" in cover  # the whole compilation's count
    assert "Entries in this volume 3–4 of 5" in cover
    assert (
        f"Categories in this volume {cloud} (continued); {lou} (continues in the next volume)"
        in cover
    )
    assert "Filters used None: every published obstacle" in cover
    # Contents: this volume's part of each category, with the page it starts on.
    toc = flat(pdf_text(second).split("\f")[1])
    pages = [flat(p) for p in page_texts(second)]
    for name, count, first_title in (
        (f"{cloud} (continued)", 1, "Molnet tre"),
        (lou, 1, "Upphandling ett"),
    ):
        page = next(i for i, p in enumerate(pages) if first_title in p and i > 1) + 1
        assert re.search(rf"{re.escape(name)} \({count}\)[ .]*{page}\b", toc), (name, page, toc)
    assert "1 of the category's 3 published obstacles in this volume" in text
    assert "Molnet två" not in text and "Upphandling två" not in text


@pytest.fixture
def volumes_swedish(settings: Any, tmp_path: Path) -> None:
    """Until the lead merges locale/fragments/volumes.po into django.po, compile the fragment
    (msgfmt, as compilemessages does) into a locale directory ahead of ours; changing
    LOCALE_PATHS resets Django's catalogues. Once merged (fragment gone), django.po answers."""
    fragment = Path(settings.BASE_DIR) / "locale" / "fragments" / "volumes.po"
    if not fragment.exists():
        return
    target = tmp_path / "sv" / "LC_MESSAGES"
    target.mkdir(parents=True)
    subprocess.run(  # noqa: S603 - fixed arguments, our own file
        ["msgfmt", "-o", str(target / "django.mo"), str(fragment)],  # noqa: S607
        check=True,
    )
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


def test_swedish_volumes_say_so_in_swedish(
    five: list[str], settings: Any, volumes_swedish: None
) -> None:
    settings.REPORTS_OBSTACLES_PER_VOLUME = 2
    rendered = make_report_pdf(SPEC, ALL, "sv")
    last = member_bytes(rendered.content, "obstacle-compilation-03-of-03.pdf")
    cover = flat(pdf_text(last).split("\f")[0])

    assert pdf_facts(last).title == "Hindersammanställningen, volym 3 av 3"
    assert pdf_facts(last).language == "sv"
    assert "Volym 3 av 3" in cover
    # (pdftotext reads the Swedish cover's longer labels as a column: each part on its own)
    assert "Hinder i den här volymen" in cover and "5–5 av 5" in cover
    assert "Kategorier i den här volymen" in cover
    assert f"{category(LOU).name_sv} (fortsättning)" in cover


def test_the_split_keeps_every_entry_once_and_marks_what_runs_on(
    five: list[str], settings: Any
) -> None:
    settings.REPORTS_OBSTACLES_PER_VOLUME = 2
    volumes = volume_contexts(SPEC, document_context(SPEC, ALL, "en"), "en")

    shape = [
        [
            (c["anchor"], [o["title"] for o in c["obstacles"]], c["continued"], c["continues"])
            for c in v["categories"]
        ]
        for v in volumes
    ]
    cloud, lou = f"category-{CLOUD}", f"category-{LOU}"
    assert shape == [
        [(cloud, ["Molnet ett", "Molnet två"], False, True)],
        [(cloud, ["Molnet tre"], True, False), (lou, ["Upphandling ett"], False, True)],
        [(lou, ["Upphandling två"], True, False)],
    ]
    assert [
        (v["volume"]["number"], v["volume"]["first"], v["volume"]["last"]) for v in volumes
    ] == [
        (1, 1, 2),
        (2, 3, 4),
        (3, 5, 5),
    ]
    assert {v["volume"]["count"] for v in volumes} == {3}
    assert {v["total"] for v in volumes} == {5}
    # A category's count stays the whole category's; the part's is beside it.
    assert volumes[1]["categories"][0]["count"] == 3
    assert volumes[1]["categories"][0]["part_count"] == 1


def test_one_volume_leaves_the_context_as_it_is(five: list[str], settings: Any) -> None:
    settings.REPORTS_OBSTACLES_PER_VOLUME = 500
    context = document_context(SPEC, ALL, "en")

    assert volume_contexts(SPEC, context, "en") == [context]
    assert "volume" not in context


def test_a_compilation_in_volumes_is_stored_and_served_as_a_zip(
    five: list[str], settings: Any
) -> None:
    """Through the request, the worker's service and the download: the file is a ZIP named
    after the title, the panel says how many volumes, and each member opens as a PDF."""
    from django.test import Client
    from django.urls import reverse

    from reports.models import ReportRequest
    from reports.services import report_render
    from tests.factories import UserFactory

    settings.REPORTS_OBSTACLES_PER_VOLUME = 2
    client = Client()
    client.force_login(UserFactory(preferred_language="en"))
    asked = client.post(reverse("reports:request", args=["obstacles"]), {**ALL, "language": "en"})
    assert asked.status_code == 302
    request = ReportRequest.objects.get()
    report_render(request_id=request.pk)
    request.refresh_from_db()
    assert request.report is not None and request.report.volumes == 3
    assert request.report.file.name.endswith(".zip")

    page = client.get(reverse("reports:detail", args=[request.pk])).content.decode()
    assert "ZIP of 3 PDF volumes" in page and "Download the PDF volumes (ZIP)" in page
    response = client.get(reverse("reports:download", args=[request.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert ".zip" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    names = [info.filename for info in members(content)]
    assert len(names) == 3 and all(name.endswith(".pdf") for name in names)
    for name in names:
        assert member_bytes(content, name).startswith(b"%PDF")
