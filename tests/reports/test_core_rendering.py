"""The rendering is a pure function (context → HTML → PDF) and fetches nothing but our own
static files: no local file elsewhere, no network, no data: URLs, whatever the text says."""

import http.server
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template import engines

from reports.rendering import RefusedURL, StaticOnlyFetcher, html_to_pdf, render_pdf, static_roots
from tests.reports.pdfs import pdf_facts, pdf_text

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# A print template as a kind writes it, with the hostile text placed where user text goes.
# User text is not hyphenated automatically (as the kinds' stylesheets say): WeasyPrint's
# automatic hyphenation of a 5,000-letter word takes minutes (2,000 letters: 35 s), which a
# hostile author could use to tie up a worker until the time limit.
PRINT_TEMPLATE = """{% extends "reports/pdf/base.html" %}{% block content %}
<style>main { hyphens: manual; }</style>
<h2>{{ heading }}</h2>
{% for text in texts %}<p class="item">{{ text }}</p>{% endfor %}
<p lang="ar" dir="rtl">{{ arabic }}</p>
<p lang="he" dir="rtl">{{ hebrew }}</p>
{% endblock %}"""


def _report(title: str, language: str = "sv") -> dict[str, Any]:
    return {
        "title": title,
        "subtitle": "Region Uppsala",
        "kind_label": "Rapport",
        "language": language,
        "generated_at": datetime(2026, 11, 26, 9, 30, tzinfo=STOCKHOLM),
        "subject_url": "http://127.0.0.1:8000/partnerships/1/",
    }


@pytest.fixture
def roots(tmp_path: Path) -> Path:
    """A static root with a stylesheet, and outside it a secret and a symlink pointing at it."""
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "ok.css").write_text("p { color: black; }")
    (tmp_path / "secret.css").write_text("/* secret */")
    (static / "css" / "link.css").symlink_to(tmp_path / "secret.css")
    return static


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that records every request it receives."""
    _Recorder.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()


def test_our_stylesheet_is_served(roots: Path) -> None:
    fetcher = StaticOnlyFetcher([roots])
    response = fetcher.fetch((roots / "css" / "ok.css").as_uri())
    assert fetcher.served == [str((roots / "css" / "ok.css").resolve())]
    assert fetcher.refused == []
    assert response is not None


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://evil.example.com/etc/passwd",
        "https://example.com/font.ttf",
        "http://example.com/style.css",
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
        "ftp://example.com/style.css",
        "javascript:alert(1)",
    ],
)
def test_every_other_scheme_host_and_path_is_refused(roots: Path, url: str) -> None:
    fetcher = StaticOnlyFetcher([roots])
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert fetcher.served == []


def test_traversal_out_of_the_static_root_is_refused(roots: Path) -> None:
    fetcher = StaticOnlyFetcher([roots])
    url = roots.as_uri() + "/css/../../secret.css"
    assert (roots / "css" / ".." / ".." / "secret.css").exists()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_traversal_to_the_settings_is_refused() -> None:
    fetcher = StaticOnlyFetcher()
    url = static_roots()[0].as_uri() + "/../portal/settings/base.py"
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.served == []


def test_a_symlink_inside_static_pointing_out_is_refused(roots: Path) -> None:
    fetcher = StaticOnlyFetcher([roots])
    with pytest.raises(RefusedURL):
        fetcher.fetch((roots / "css" / "link.css").as_uri())
    assert fetcher.served == []


def test_a_local_http_server_receives_nothing(local_server: tuple[str, list[str]]) -> None:
    base, hits = local_server
    html = (
        '<html lang="en"><head><title>t</title>'
        f'<link rel="stylesheet" href="{base}/style.css"></head><body>'
        f'<img src="{base}/image.png" alt=""><p style="background: url({base}/bg.png)">x</p>'
        "</body></html>"
    )
    pdf = html_to_pdf(html)
    assert pdf.content.startswith(b"%PDF")
    assert f"{base}/image.png" in pdf.refused
    assert f"{base}/style.css" in pdf.refused
    assert hits == []


def test_hostile_text_renders_as_text_and_fetches_nothing(
    local_server: tuple[str, list[str]],
) -> None:
    base, hits = local_server
    long_word = "Å" * 5000
    texts = [
        "<script>alert('x')</script>",
        '<img src="file:///etc/passwd">',
        f'<img src="{base}/track.png">',
        '<a rel="attachment" href="file:///etc/passwd">bilaga</a>',
        "<link rel=stylesheet href=https://example.com/x.css>",
        "Kontroll\x00tecken\x01här\x1b[31m och\u202eomvänd",
        long_word,
    ]
    html = (
        engines["django"]
        .from_string(PRINT_TEMPLATE)
        .render(
            {
                "report": _report("Räksmörgås <b>ÅÄÖ</b> åäö"),
                "heading": "Hinder & åtgärder",
                "texts": texts,
                "arabic": "تقرير عن العوائق",
                "hebrew": "דוח על מכשולים",
            }
        )
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    pdf = html_to_pdf(html)
    text = pdf_text(pdf.content)
    facts = pdf_facts(pdf.content)

    assert pdf.refused == ()  # the markup stayed text: nothing was even tried
    assert hits == []
    assert "<script>alert('x')</script>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text
    assert "Räksmörgås <b>ÅÄÖ</b> åäö" in text
    assert "Hinder & åtgärder" in text
    assert "ÅÅÅÅÅÅÅÅÅÅ" in text  # the 5,000-letter word is broken over lines, not lost
    assert "تقرير" in text or "ريرقت" in text
    assert facts.attachments == 0
    assert facts.uris == [] or all(not u.startswith("file:") for u in facts.uris)
    assert facts.tagged and facts.has_structure
    assert facts.language == "sv"
    assert facts.title == "Räksmörgås <b>ÅÄÖ</b> åäö"


def test_render_pdf_is_a_pure_function_of_its_context() -> None:
    context = {"report": _report("Samverkansprocessen – vägledning", "en")}
    first = render_pdf("reports/pdf/base.html", context, language="en")
    second = render_pdf("reports/pdf/base.html", context, language="en")
    assert first.pages == second.pages >= 1
    assert pdf_text(first.content) == pdf_text(second.content)
    facts = pdf_facts(first.content)
    assert facts.language == "en"
    assert facts.title == "Samverkansprocessen – vägledning"
    assert "26 November 2026 09:30" in pdf_text(first.content)
    swedish = render_pdf("reports/pdf/base.html", context, language="sv")
    assert "26 november 2026" in pdf_text(swedish.content)
