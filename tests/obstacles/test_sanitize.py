"""Formatted text from users is reduced to a safe subset (paragraphs, line breaks, lists,
emphasis, http/https links) on write; everything else is removed and never executed."""

import html
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from obstacles.models import Endorsement, Obstacle
from obstacles.sanitize import as_rich_text, clean_rich_text, single_line
from obstacles.services import entries as services
from obstacles.services.digest import obstacle_review_digest_send
from obstacles.services.endorsements import endorsement_add
from obstacles.services.knowledge import article_create, article_update
from obstacles.services.mitigations import mitigation_create, mitigation_update
from tests.factories_obstacles import actor, category
from tests.factories_process import make_region_person

from .test_entry_scene import *  # noqa: F403  (fixtures)
from .test_entry_scene import entry_data
from .test_knowledge_scene import article_data, mitigation_data

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


# --- One-line text: titles and short notes ------------------------------------------------------

# A title built to add lines of its own to the reviewers' digest mail.
INJECTED = "Hinder\r\n  https://evil.example/review/1\n- Brådskande: svara på detta"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Rad ett\r\nrad två", "Rad ett rad två"),
        ("Rad ett\rrad två\nrad tre", "Rad ett rad två rad tre"),
        ("  Flikar\t\toch\vsidbrytning\fhär  ", "Flikar och sidbrytning här"),
        ("Unicode\u2028rad\u2029stycke\x85nästa", "Unicode rad stycke nästa"),
        ("Hårt\u00a0mellanslag", "Hårt mellanslag"),
        ("Nul\x00tecken och escape\x1b[31m", "Nultecken och escape[31m"),
        ("Dold\u202eriktning och\u200bnollbredd\ufeff", "Doldriktning ochnollbredd"),
        ("Familj 👨\u200d👩\u200d👧", "Familj 👨\u200d👩\u200d👧"),
        ("Åäö <b>&amp;</b> é", "Åäö <b>&amp;</b> é"),
        ("\r\n\t ", ""),
        (None, ""),
    ],
)
def test_single_line_collapses_whitespace_and_drops_control_characters(
    typed: Any, stored: str
) -> None:
    assert single_line(typed) == stored


@pytest.mark.django_db
def test_an_entry_title_with_line_breaks_is_stored_on_one_line(author: Any) -> None:
    entry = services.obstacle_create(author=author, data=entry_data(title=INJECTED))
    assert entry.title == "Hinder https://evil.example/review/1 - Brådskande: svara på detta"

    updated = services.obstacle_update(
        obstacle=entry,
        actor=author,
        expected_version=entry.version,
        data={"title": "Ny\r\nrubrik\u2028här\x00"},
    )
    assert Obstacle.objects.get(pk=updated.pk).title == "Ny rubrik här"


@pytest.mark.django_db
def test_a_title_of_only_line_breaks_is_refused_as_empty(author: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.obstacle_create(author=author, data=entry_data(title="\r\n\t\x00"))
    assert "title" in refused.value.message_dict
    assert not Obstacle.objects.exists()


@pytest.mark.django_db
def test_an_injected_title_stays_one_line_in_the_reviewers_digest(
    author: Any,
    reviewer: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = services.obstacle_create(author=author, data=entry_data(title=INJECTED))
    services.obstacle_move(obstacle=entry, actor=author, move="submit")

    with django_capture_on_commit_callbacks(execute=True):
        obstacle_review_digest_send()

    (message,) = mailoutbox
    lines = message.body.splitlines()
    assert not any(line.lstrip().startswith("https://evil.example") for line in lines)
    assert not any(line.startswith("- Brådskande") for line in lines)
    assert "- Hinder https://evil.example/review/1 - Brådskande: svara på detta (" in message.body


@pytest.mark.django_db
def test_mitigation_titles_are_stored_on_one_line(author: Any, entry_in: Any) -> None:
    obstacle = entry_in("published")
    mitigation = mitigation_create(
        author=author, obstacles=[obstacle], data=mitigation_data(title="Avtal\r\nmed\x00 biträde")
    )
    assert mitigation.title == "Avtal med biträde"

    updated = mitigation_update(
        mitigation=mitigation,
        actor=author,
        expected_version=mitigation.version,
        data={"title": "Ny\nrubrik\u2029"},
    )
    assert updated.title == "Ny rubrik"


@pytest.mark.django_db
def test_article_titles_are_stored_on_one_line_and_summaries_keep_their_lines() -> None:
    coordinator = make_region_person("uppsala", email="cora@uppsala.example.se")
    article = article_create(
        author=coordinator,
        data=article_data(title="Moln\r\ntjänster\x1b", summary="Rad ett.\nRad två."),
    )
    assert article.title == "Moln tjänster"
    assert article.summary == "Rad ett.\nRad två."

    updated = article_update(
        article=article,
        actor=coordinator,
        expected_version=article.version,
        data={"title": "\tSekretess\u2028och moln "},
    )
    assert updated.title == "Sekretess och moln"


@pytest.mark.django_db
def test_an_endorsement_note_is_stored_on_one_line(entry_in: Any, stranger: Any) -> None:
    obstacle = entry_in("published")

    endorsement_add(obstacle=obstacle, user=stranger, note="Region\r\nUppsala\x00 2024")

    assert Endorsement.objects.get(obstacle=obstacle).note == "Region Uppsala 2024"


@pytest.mark.django_db
def test_a_nul_character_in_the_entry_form_is_a_field_error_not_a_server_error(
    author: Any, client: Any
) -> None:
    client.force_login(author)
    form = {
        "title": "Rubrik\x00med nul",
        "description": "Beskrivning",
        "category": str(category().pk),
        "actors": [str(actor("company").pk)],
        "severity": "3",
        "language": "sv",
        "action": "save",
    }

    response = client.post(reverse("obstacles:create"), form)

    assert response.status_code == 400  # the form again, with the error beside the field
    assert "Null characters are not allowed." in response.content.decode()
    assert not Obstacle.objects.exists()


@pytest.mark.django_db
def test_a_nul_character_in_the_compilation_search_is_no_server_error(client: Any) -> None:
    response = client.get(reverse("obstacles:list"), {"q": "moln\x00"})
    assert response.status_code in (200, 400)
