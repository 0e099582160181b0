"""The one place formatted text from users is made safe: on write, by the services.

The safe subset is paragraphs, line breaks, lists, emphasis and links with http or https only.
Everything else (scripts, styles, event handlers, images, iframes, `javascript:` / `file:` /
`data:` links, attachment markup) is removed, never executed, in pages and PDFs alike: both
render the stored, already cleaned HTML.
"""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "i", "b", "a"}
# Text that opens any HTML tag is treated as markup (and cleaned); anything else as plain text.
_LOOKS_LIKE_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")


def clean_rich_text(html: str) -> str:
    """`html` reduced to the safe subset; plain text comes back escaped."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    ).strip()


def as_rich_text(text: str) -> str:
    """Text typed in a plain textarea becomes paragraphs (blank line) and line breaks; text that
    already holds markup is only cleaned. Either way the result is the safe subset."""
    text = (text or "").strip()
    if not text:
        return ""
    if _LOOKS_LIKE_MARKUP.search(text):
        return clean_rich_text(text)
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    escaped = [html.escape(p, quote=False).replace("\n", "<br>") for p in paragraphs]
    return clean_rich_text("".join(f"<p>{p}</p>" for p in escaped))
