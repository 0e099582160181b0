"""Formatted text from users is reduced to a safe subset (paragraphs, line breaks, lists,
emphasis, http/https links) on write; everything else is removed and never executed."""

import html
from typing import Any

import pytest

from obstacles.models import Obstacle
from obstacles.sanitize import as_rich_text, clean_rich_text
from obstacles.services import entries as services

from .test_entry_scene import *  # noqa: F403  (fixtures)
from .test_entry_scene import entry_data

# --- What is removed ----------------------------------------------------------------------------

DANGEROUS = [
    ("<script>alert('x')</script><p>Text</p>", "<p>Text</p>"),
    ("<p>Text<script src='https://evil.example/x.js'></script></p>", "<p>Text</p>"),
    ("<SCRIPT>alert(1)</SCRIPT>Text", "Text"),
    ('<p onclick="alert(1)">Text</p>', "<p>Text</p>"),
    ("<b onmouseover='steal()'>fet</b>", "<b>fet</b>"),
    ('<a href="https://example.se" onfocus="x()">länk</a>', None),
    ("<img src=x onerror=alert(1)>Text", "Text"),
    ("<p>Bild: <img src='https://example.se/a.png' alt='a'></p>", "<p>Bild: </p>"),
    ("<svg onload=alert(1)><circle/></svg>Text", "Text"),
    ("<style>body{display:none}</style><p>Text</p>", "<p>Text</p>"),
    ('<p style="position:fixed;top:0">Text</p>', "<p>Text</p>"),
    ('<iframe src="https://evil.example"></iframe><p>Text</p>', "<p>Text</p>"),
    ("<object data='x.swf'></object><embed src='x.swf'>Text", "Text"),
    ("<form action='https://evil.example'><input name=q></form>Text", "Text"),
    ("<!-- <script>alert(1)</script> -->Text", "Text"),
    ("<p>Text</p><meta http-equiv='refresh' content='0;url=https://evil.example'>", "<p>Text</p>"),
]


@pytest.mark.parametrize(("dirty", "clean"), DANGEROUS)
def test_scripts_handlers_images_styles_and_frames_are_removed(
    dirty: str, clean: str | None
) -> None:
    result = clean_rich_text(dirty)
    lowered = result.lower()
    for forbidden in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "onmouseover",
        "onfocus",
        "<img",
        "<svg",
        "<style",
        "style=",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<meta",
        "<!--",
    ):
        assert forbidden not in lowered, (forbidden, result)
    assert "alert(" not in result and "steal(" not in result
    if clean is not None:
        assert result == clean


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "file:///etc/passwd",
        "FILE://server/share/doc.pdf",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "ftp://example.se/file",
    ],
)
def test_links_other_than_http_and_https_lose_their_address(href: str) -> None:
    result = clean_rich_text(f'<a href="{href}">källa</a>')
    assert "href" not in result
    assert "källa" in result


@pytest.mark.parametrize(
    "href", ["https://www.socialstyrelsen.se/rapport", "http://example.se/a?b=1&c=2"]
)
def test_http_and_https_links_are_kept_and_marked_nofollow(href: str) -> None:
    result = clean_rich_text(f'<a href="{href}" target="_blank">källa</a>')
    assert f'href="{html.escape(href)}"' in result
    assert 'rel="noopener noreferrer nofollow"' in result
    assert "target=" not in result


# --- What is kept -------------------------------------------------------------------------------


def test_the_safe_subset_is_kept() -> None:
    markup = (
        "<p>Stycke med <strong>fet</strong>, <em>kursiv</em>, <b>b</b> och <i>i</i>.<br>Ny rad</p>"
        "<ul><li>Ett</li><li>Två</li></ul><ol><li>Först</li></ol>"
    )
    assert clean_rich_text(markup) == markup


def test_unknown_harmless_tags_are_unwrapped_keeping_their_text() -> None:
    assert clean_rich_text("<h1>Rubrik</h1><div><span>Text</span></div>") == "RubrikText"


def test_attributes_outside_the_subset_are_dropped() -> None:
    assert clean_rich_text('<p class="x" id="y" data-a="1">Text</p>') == "<p>Text</p>"


# --- Plain text from a textarea -----------------------------------------------------------------


def test_plain_text_becomes_paragraphs_and_line_breaks() -> None:
    typed = "Första raden\nandra raden\r\n\r\nNytt stycke\n\n\n\nSista"
    assert as_rich_text(typed) == (
        "<p>Första raden<br>andra raden</p><p>Nytt stycke</p><p>Sista</p>"
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("a < b & c > d", "<p>a &lt; b &amp; c &gt; d</p>"),
        ("Kostnad 5 < 10 kr", "<p>Kostnad 5 &lt; 10 kr</p>"),
        ("Citat \"så här\" och 'så'", "<p>Citat \"så här\" och 'så'</p>"),
        ("Åäö ÅÄÖ é", "<p>Åäö ÅÄÖ é</p>"),
    ],
)
def test_plain_text_is_escaped_not_interpreted(typed: str, stored: str) -> None:
    assert as_rich_text(typed) == stored


def test_text_with_markup_is_cleaned_not_escaped() -> None:
    assert as_rich_text("<p>Hej <em>du</em></p><script>x()</script>") == "<p>Hej <em>du</em></p>"


@pytest.mark.parametrize("empty", ["", "   ", "\n\n", None])
def test_empty_text_stays_empty(empty: Any) -> None:
    assert as_rich_text(empty) == ""
    assert clean_rich_text(empty) == ""


def test_cleaning_is_stable() -> None:
    once = as_rich_text("<p onclick='x'>A<img src=x></p>\n<a href='https://a.se'>l</a>")
    assert clean_rich_text(once) == once


# --- The services store only clean text ---------------------------------------------------------


@pytest.mark.django_db
def test_the_entry_services_store_every_formatted_field_cleaned(author: Any, entry_in: Any) -> None:
    entry = services.obstacle_create(
        author=author,
        data=entry_data(
            title="<script>alert(1)</script>Rubrik",
            description="<p onclick='x()'>Beskrivning</p><iframe src='https://x'></iframe>",
            evidence='<a href="file:///C:/hemligt.docx">rapport</a>',
            known_mitigation="<img src=x onerror=alert(1)>Använd <em>avtal</em>",
        ),
    )
    stored = Obstacle.objects.get(pk=entry.pk)
    assert "Beskrivning" in stored.description
    assert "onclick" not in stored.description and "iframe" not in stored.description
    assert "file:" not in stored.evidence and "href" not in stored.evidence
    assert "rapport" in stored.evidence
    assert "Använd <em>avtal</em>" in stored.known_mitigation
    assert "<img" not in stored.known_mitigation and "onerror" not in stored.known_mitigation
    # The title is plain text: stored as typed, escaped by every page that shows it.
    assert stored.title == "<script>alert(1)</script>Rubrik"

    updated = services.obstacle_update(
        obstacle=stored,
        actor=author,
        expected_version=stored.version,
        data={"evidence": '<a href="data:text/html,x">källa</a> <a href="https://a.se">a</a>'},
    )
    assert "data:" not in updated.evidence
    assert '<a href="https://a.se" rel="noopener noreferrer nofollow">a</a>' in updated.evidence


def test_web_addresses_in_plain_text_become_safe_links() -> None:
    stored = as_rich_text("Se https://www.socialstyrelsen.se/rapport för detaljer")
    assert 'href="https://www.socialstyrelsen.se/rapport"' in stored
    assert 'rel="noopener noreferrer nofollow"' in stored


def test_an_address_with_a_refused_scheme_in_plain_text_stays_text() -> None:
    stored = as_rich_text("Öppna file:///C:/hemligt.docx eller javascript:alert(1)")
    assert "href" not in stored
    assert "file:///C:/hemligt.docx" in stored
