"""The Swedish and English catalogs are complete, valid, and actually used.

`make messages` extracts the strings and fills the English catalog; these tests fail when a new
string was extracted but not translated, when makemessages left an entry fuzzy, or when a
translation lost one of its placeholders.
"""

import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext, trans_real

from portal.core.management.commands.fill_english_catalog import Entry, dump_po, read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
CATALOGS = {code: LOCALE / code / "LC_MESSAGES" / "django.po" for code in ("sv", "en")}
IN_CI = os.environ.get("CI", "").lower() == "true"
MSGFMT = shutil.which("msgfmt")

# %(name)s / %(count)d, %s, and HTML tags with their attributes must survive translation.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|<[^>]+>")


def _require_msgfmt() -> str:
    if MSGFMT is None:
        if IN_CI:
            pytest.fail("msgfmt (GNU gettext) is not installed; CI must have it.")
        pytest.skip("msgfmt (GNU gettext) is not installed")
    return MSGFMT


def _messages(code: str) -> list[Entry]:
    return [e for e in read_po(CATALOGS[code]) if not e.is_header and not e.is_obsolete]


@pytest.mark.parametrize("code", sorted(CATALOGS))
def test_catalog_is_valid_and_complete(code: str) -> None:
    msgfmt = _require_msgfmt()
    result = subprocess.run(  # noqa: S603 - GNU msgfmt on our own catalog
        [msgfmt, "--check", "--statistics", "-o", os.devnull, str(CATALOGS[code])],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LC_ALL": "C"},  # English statistics, whatever the locale
    )
    report = result.stderr + result.stdout
    assert result.returncode == 0, report
    assert "untranslated" not in report, report
    assert "fuzzy" not in report, report
    assert re.search(r"^\d+ translated messages?\.$", report.strip(), re.MULTILINE), report


@pytest.mark.parametrize("code", sorted(CATALOGS))
def test_catalog_has_no_fuzzy_entries(code: str) -> None:
    fuzzy = [e.msgid for e in read_po(CATALOGS[code]) if e.fuzzy and not e.is_obsolete]
    assert fuzzy == []


def test_every_swedish_message_is_translated() -> None:
    messages = _messages("sv")
    assert messages, "the Swedish catalog is empty; run `make messages`"
    untranslated = [e.msgid for e in messages if not e.translated]
    assert untranslated == []
    for entry in messages:
        if entry.msgid_plural is not None:
            assert set(entry.msgstr_plural) == {0, 1}, entry.msgid
            assert all(text.strip() for text in entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid


def test_swedish_translations_keep_placeholders_and_markup() -> None:
    for entry in _messages("sv"):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid_plural]
        targets = [entry.msgstr] if entry.msgid_plural is None else [entry.msgstr_plural[1]]
        for source, target in zip(sources, targets, strict=True):
            assert sorted(PLACEHOLDER.findall(target)) == sorted(PLACEHOLDER.findall(source)), (
                source,
                target,
            )
            assert source.endswith("\n") == target.endswith("\n"), source
            assert source.startswith("\n") == target.startswith("\n"), source


def test_english_catalog_is_the_identity() -> None:
    for entry in _messages("en"):
        if entry.msgid_plural is not None:
            assert entry.msgstr_plural == {0: entry.msgid, 1: entry.msgid_plural}
        else:
            assert entry.msgstr == entry.msgid


def test_fill_english_catalog_has_nothing_left_to_do() -> None:
    out = io.StringIO()
    call_command("fill_english_catalog", "--check", stdout=out)
    assert "already complete" in out.getvalue()


@pytest.mark.parametrize("code", sorted(CATALOGS))
def test_catalog_reader_round_trips_the_file(code: str) -> None:
    """fill_english_catalog rewrites only what it changes: reading and writing is lossless."""
    text = CATALOGS[code].read_text(encoding="utf-8")
    assert dump_po(read_po(CATALOGS[code])) == text


def test_catalog_headers() -> None:
    for code, path in CATALOGS.items():
        header = next(e for e in read_po(path) if e.is_header)
        assert not header.fuzzy
        assert f"Language: {code}\n" in header.msgstr
        assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr
        assert "charset=UTF-8" in header.msgstr
        assert "Project-Id-Version: innovation-accelerator-portal\n" in header.msgstr


@pytest.fixture
def compiled_catalogs() -> Iterator[None]:
    """The .mo files Django reads, compiled when missing or older than the .po files."""
    stale = [
        code
        for code, po in CATALOGS.items()
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        _require_msgfmt()
        call_command("compilemessages", locale=stale, verbosity=0)
        # Forget catalogs Django may already have loaded from the old .mo files.
        trans_real._translations = {}
        trans_real._default = None
    yield


@pytest.mark.usefixtures("compiled_catalogs")
@pytest.mark.parametrize(
    ("english", "swedish"),
    [
        ("Sign in", "Logga in"),
        ("Sign out", "Logga ut"),
        ("Create account", "Skapa konto"),
        ("Regions", "Regioner"),
        ("Skip to content", "Hoppa till innehållet"),
        ("Accessibility statement", "Tillgänglighetsredogörelse"),
        ("Two-factor authentication", "Tvåfaktorsautentisering"),
        ("Region coordinator", "Regionkoordinator"),
        ("Management sponsor", "Ledningssponsor"),
        ("Organisation number", "Organisationsnummer"),
    ],
)
def test_key_strings_come_out_in_swedish(english: str, swedish: str) -> None:
    with translation.override("sv"):
        assert gettext(english) == swedish
    with translation.override("en"):
        assert gettext(english) == english


@pytest.mark.usefixtures("compiled_catalogs")
def test_placeholders_are_filled_in_swedish() -> None:
    with translation.override("sv"):
        subject = gettext("You are now a member of %(org)s") % {"org": "Region Östergötland"}
    assert subject == "Du är nu medlem i Region Östergötland"
