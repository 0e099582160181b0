"""The one place formatted text from users is made safe: on write, by the services.

The safe subset is paragraphs, line breaks, lists, emphasis and links with http or https only.
Everything else (scripts, styles, event handlers, images, iframes, `javascript:` / `file:` /
`data:` links, attachment markup) is removed, never executed, in pages and PDFs alike: both
render the stored, already cleaned HTML.

One-line fields (titles, short notes) are plain text that must stay on one line: mails and
digests print them as lines of their own, so a typed line break would let the writer add lines
of their choosing there. `single_line` flattens them on write.
"""

import re
import unicodedata

import nh3
from django.utils.html import urlize

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "i", "b", "a"}
# Text that opens any HTML tag is treated as markup (and cleaned); anything else as plain text.
_LOOKS_LIKE_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")
_DEAD_LINK = re.compile(r'<a rel="[^"]*">(.*?)</a>', re.DOTALL)
_EMPTY_PARAGRAPH = re.compile(r"<p>(\s|<br>)*</p>")
_STARTS_WITH_BLOCK = re.compile(r"<(p|ul|ol)\b", re.IGNORECASE)


# Invisible format characters that are part of ordinary text: the zero-width non-joiner and
# joiner (Persian and Indic spelling, emoji sequences). Every other control or format character
# (NUL, escape, bidirectional overrides, zero-width spaces) is dropped from one-line text.
_KEPT_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})


def single_line(text: str) -> str:
    """`text` as one line of plain text: every run of whitespace (spaces, tabs, CR, LF, vertical
    tab, form feed, NEL, the Unicode line and paragraph separators, no-break spaces) becomes one
    space, other control and format characters (Unicode categories Cc and Cf) are dropped, and
    the ends are stripped. Not escaping: templates escape on output."""
    kept = (
        " " if char.isspace() else char
        for char in (text or "")
        if char.isspace()
        or char in _KEPT_FORMAT_CHARACTERS
        or unicodedata.category(char) not in {"Cc", "Cf"}
    )
    return " ".join("".join(kept).split())


def clean_rich_text(html: str) -> str:
    """`html` reduced to the safe subset; plain text comes back escaped."""
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    ).strip()
    # A link whose address was refused (javascript:, file:, data:, mailto:) keeps only its text.
    # Paragraphs left empty (their content was removed) are dropped.
    return _EMPTY_PARAGRAPH.sub("", _DEAD_LINK.sub(r"\1", cleaned)).strip()


def as_rich_text(text: str) -> str:
    """Text typed in a plain textarea, made safe and formatted.

    Blank lines separate paragraphs and a single line break stays a line break. In plain text,
    web addresses become links. Markup the author typed is kept when it is in the safe subset
    (a paragraph that already starts with a block tag is left as it is). Either way the result
    passes through `clean_rich_text`.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    parts = []
    for block in blocks:
        if _LOOKS_LIKE_MARKUP.search(block):
            if _STARTS_WITH_BLOCK.match(block):
                parts.append(block)
            else:
                parts.append(f"<p>{block.replace(chr(10), '<br>')}</p>")
        else:
            linked = urlize(block, nofollow=True, autoescape=True)
            parts.append(f"<p>{linked.replace(chr(10), '<br>')}</p>")
    return clean_rich_text("".join(parts))
