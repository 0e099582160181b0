"""Fill the English catalog: every msgstr becomes its msgid, and no entry stays fuzzy.

The portal's source strings are English, so the English catalog is an identity translation.
Having one anyway means `msgfmt --statistics` reports a complete catalog and a fuzzy or empty
entry never slips through. `make messages` runs this right after `makemessages`; running it
again changes nothing.

Only the standard library is used: a small reader and writer for the subset of the PO format
that `makemessages`/`msgmerge` produce (comments, flags, msgctxt, multi-line strings, plurals,
obsolete `#~` entries, which are kept as they are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

WRAP_WIDTH = 79  # GNU gettext's default, so `makemessages` does not re-wrap what we write

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPES.update({'"': '"', "\\": "\\"})
_ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
_KEYWORD_RE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def unescape(quoted: str) -> str:
    """`"a\\"b"` (one PO string literal, with its quotes) to `a"b`."""
    quoted = quoted.strip()
    if len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
        raise ValueError(f"not a PO string literal: {quoted!r}")
    return _ESCAPE_RE.sub(lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), quoted[1:-1])


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
    )


def _last_break(escaped: str, limit: int) -> int:
    """The last place at or before `limit` to break: after a space or a hyphen between letters."""
    for cut in range(min(limit, len(escaped) - 1), 0, -1):
        before, after = escaped[cut - 1], escaped[cut]
        if before == " " and after != " ":
            return cut
        if before == "-" and cut >= 2 and escaped[cut - 2].isalnum() and after.isalnum():
            return cut
    return 0


def format_string(keyword: str, text: str, width: int = WRAP_WIDTH) -> list[str]:
    """`keyword "text"` as gettext writes it: one line when it fits, else `keyword ""` + lines."""
    escaped = escape(text)
    one_line = f'{keyword} "{escaped}"'
    inner_newline = "\\n" in escaped[:-2] if escaped.endswith("\\n") else "\\n" in escaped
    if len(one_line) <= width and not inner_newline:
        return [one_line]
    lines = [f'{keyword} ""']
    # Break after every \n, then wrap each piece after spaces so a line fits in `width`.
    pieces = re.split(r"(?<=\\n)", escaped)
    for piece in pieces:
        if not piece:
            continue
        while len(piece) + 2 > width:
            cut = _last_break(piece, width - 2)
            if cut <= 0:
                break
            lines.append(f'"{piece[:cut]}"')
            piece = piece[cut:]
        lines.append(f'"{piece}"')
    return lines


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # raw "#", "#.", "#:", "#|" lines
    flags: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    obsolete_lines: list[str] | None = None  # a "#~" entry, written back untouched
    # keyword -> (value as read, lines as read): an unchanged string is written back verbatim.
    raw: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.obsolete_lines is None and self.msgid == "" and self.msgctxt is None

    @property
    def is_obsolete(self) -> bool:
        return self.obsolete_lines is not None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def unfuzzy(self) -> None:
        """Drop the fuzzy flag and the `#|` previous-msgid lines that came with it."""
        self.flags = [f for f in self.flags if f != "fuzzy"]
        self.comments = [c for c in self.comments if not c.startswith("#|")]

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    def _string(self, keyword: str, text: str) -> list[str]:
        read = self.raw.get(keyword)
        if read is not None and read[0] == text:
            return list(read[1])
        return format_string(keyword, text)

    def lines(self) -> list[str]:
        if self.obsolete_lines is not None:
            return list(self.obsolete_lines)
        out: list[str] = []
        # gettext order: translator, extracted, reference comments, then flags, then "#|".
        before = [c for c in self.comments if not c.startswith("#|")]
        previous = [c for c in self.comments if c.startswith("#|")]
        out.extend(before)
        if self.flags:
            out.append("#, " + ", ".join(self.flags))
        out.extend(previous)
        if self.msgctxt is not None:
            out.extend(self._string("msgctxt", self.msgctxt))
        out.extend(self._string("msgid", self.msgid))
        if self.msgid_plural is not None:
            out.extend(self._string("msgid_plural", self.msgid_plural))
            for n in sorted(self.msgstr_plural):
                out.extend(self._string(f"msgstr[{n}]", self.msgstr_plural[n]))
        else:
            out.extend(self._string("msgstr", self.msgstr))
        return out


def _parse_block(block: list[str], where: str) -> Entry:
    if all(line.startswith("#~") or line.startswith("#") for line in block) and any(
        line.startswith("#~") for line in block
    ):
        return Entry(obsolete_lines=block)
    entry = Entry()
    current: tuple[str, int | None] | None = None
    seen_msgid = False
    values: dict[tuple[str, int | None], list[str]] = {}
    raw_lines: dict[tuple[str, int | None], list[str]] = {}
    for line in block:
        if line.startswith("#,"):
            entry.flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#"):
            entry.comments.append(line)
        elif line.startswith('"'):
            if current is None:
                raise ValueError(f"{where}: string continuation without a keyword: {line!r}")
            values[current].append(unescape(line))
            raw_lines[current].append(line)
        else:
            match = _KEYWORD_RE.match(line)
            if not match:
                raise ValueError(f"{where}: cannot parse line: {line!r}")
            keyword, index, literal = match.groups()
            current = ("msgstr", int(index)) if index is not None else (keyword, None)
            if keyword == "msgid":
                seen_msgid = True
            values[current] = [unescape(literal)]
            raw_lines[current] = [line]
    if not seen_msgid:
        raise ValueError(f"{where}: entry without msgid")
    for (keyword, index), parts in values.items():
        text = "".join(parts)
        name = keyword if index is None else f"msgstr[{index}]"
        entry.raw[name] = (text, raw_lines[(keyword, index)])
        if keyword == "msgctxt":
            entry.msgctxt = text
        elif keyword == "msgid":
            entry.msgid = text
        elif keyword == "msgid_plural":
            entry.msgid_plural = text
        elif index is not None:
            entry.msgstr_plural[index] = text
        else:
            entry.msgstr = text
    return entry


def parse_po(text: str, where: str = "<po>") -> list[Entry]:
    entries: list[Entry] = []
    block: list[str] = []
    start = 1
    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        line = raw.rstrip("\r")
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            entries.append(_parse_block(block, f"{where}:{start}"))
            block = []
    return entries


def read_po(path: Path) -> list[Entry]:
    return parse_po(path.read_text(encoding="utf-8"), str(path))


def dump_po(entries: list[Entry]) -> str:
    return "\n\n".join("\n".join(entry.lines()) for entry in entries) + "\n"


def header_fields(entry: Entry) -> list[tuple[str, str]]:
    pairs = []
    for line in entry.msgstr.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            pairs.append((name.strip(), value.strip()))
    return pairs


def set_header_fields(entry: Entry, updates: dict[str, str]) -> None:
    pairs = header_fields(entry)
    names = [name for name, _ in pairs]
    merged = [(name, updates.get(name, value)) for name, value in pairs]
    merged += [(name, value) for name, value in updates.items() if name not in names]
    entry.msgstr = "".join(f"{name}: {value}\n" for name, value in merged)


HEADER_COMMENTS = [
    "# English messages of the Innovation Accelerator Portal: an identity translation,",
    "# filled in by `manage.py fill_english_catalog` (run by `make messages`).",
    "#",
]
TEMPLATE_COMMENTS = (
    "# SOME DESCRIPTIVE TITLE.",
    "# Copyright (C) YEAR",
    "# This file is distributed under the same license as the PACKAGE",
    "# FIRST AUTHOR",
)
HEADER_DEFAULTS = {"PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE"}


def fill_english(entries: list[Entry]) -> None:
    for entry in entries:
        if entry.is_obsolete:
            continue
        entry.unfuzzy()
        if entry.is_header:
            set_header_fields(
                entry,
                {
                    "Project-Id-Version": "innovation-accelerator-portal",
                    "Last-Translator": "Innovation Accelerator Portal developers",
                    "Language-Team": "English",
                    "Language": "en",
                    "Content-Type": "text/plain; charset=UTF-8",
                    "Plural-Forms": "nplurals=2; plural=(n != 1);",
                },
            )
            if any(c.startswith(TEMPLATE_COMMENTS) for c in entry.comments):
                entry.comments = list(HEADER_COMMENTS)
            continue
        if entry.msgid_plural is not None:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid


def stamp_revision_date(entries: list[Entry], when: str) -> None:
    for entry in entries:
        if entry.is_header:
            set_header_fields(entry, {"PO-Revision-Date": when})


def revision_date_is_default(entries: list[Entry]) -> bool:
    return any(
        entry.is_header and (name, value) in HEADER_DEFAULTS.items()
        for entry in entries
        for name, value in header_fields(entry)
    )


class Command(BaseCommand):
    help = "Set every msgstr of the English catalog to its msgid and clear fuzzy flags."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help="The .po file (default: <first LOCALE_PATHS entry>/en/LC_MESSAGES/django.po).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit with an error when the catalog would change.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"] or (
            Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
        )
        if not path.exists():
            raise CommandError(f"{path} does not exist; run makemessages -l en first.")
        original = path.read_text(encoding="utf-8")
        try:
            entries = parse_po(original, str(path))
        except ValueError as error:
            raise CommandError(str(error)) from error
        fill_english(entries)
        updated = dump_po(entries)
        if updated != original or revision_date_is_default(entries):
            # Only a real change moves the revision date, so a second run writes nothing.
            stamp_revision_date(entries, timezone.localtime().strftime("%Y-%m-%d %H:%M%z"))
            updated = dump_po(entries)
        count = sum(1 for e in entries if not e.is_header and not e.is_obsolete)
        if updated == original:
            self.stdout.write(f"{path}: already complete ({count} messages).")
            return
        if options["check"]:
            raise CommandError(f"{path} is not filled in; run manage.py fill_english_catalog.")
        path.write_text(updated, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"{path}: filled {count} messages."))
