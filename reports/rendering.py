"""Turning a report's context into PDF bytes: a pure function, with nothing of the request,
the database or the worker in it (context → HTML → PDF).

WeasyPrint fetches stylesheets, fonts and images through `StaticOnlyFetcher`, which answers only
`file:` URLs that resolve (symlinks and `..` followed) to a file inside our own static
directories. Every other URL – `http:`, `https:`, `data:`, `ftp:`, a `file:` anywhere else, a host
in a `file:` URL – is refused, so text a user wrote cannot make the worker read a local file or
reach the network, even if it carried markup past the sanitiser. Refused URLs are kept on the
fetcher (and logged) so tests can see them.

PDFs are tagged (PDF/UA-1): the document language comes from `<html lang>`, the title from
`<title>`, running headers and footers become artifacts, and images without text are marked
decorative by their empty `alt`.
"""

import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pydyf
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)


def _page_references(self: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf 0.13 rebuilds the tuple of every page on each access, and WeasyPrint's PDF/UA tagging
    reads it once per tagged element: quadratic in pages (a 2,000-page compilation spent most of
    its time there). Pages are only ever appended while a PDF is written, so the tuple is cached by
    the page count – the same values, computed once per page added."""
    kids = self.pages["Kids"]
    cached = self.__dict__.get("_portal_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{n} 0 R".encode("ascii") for n in kids[::3]))
        self.__dict__["_portal_page_references"] = cached
    return cached[1]


if isinstance(getattr(pydyf.PDF, "page_references", None), property):
    pydyf.PDF.page_references = property(_page_references)  # type: ignore[method-assign,assignment]

# What our print templates load: stylesheets, fonts and images. Nothing else is served.
ALLOWED_SUFFIXES = frozenset({".css", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".png", ".jpg"})


def static_roots() -> list[Path]:
    """Our own static directories (the sources, and the collected copy in production)."""
    roots = [Path(p) for p in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


class RefusedURL(ValueError):
    """WeasyPrint skips the resource (an image, a font) and goes on rendering."""


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, roots: list[Path] | None = None) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.roots = [Path(r).resolve() for r in (roots if roots is not None else static_roots())]
        self.refused: list[str] = []
        self.served: list[str] = []

    def allowed_path(self, url: str) -> Path | None:
        """The file `url` names when it lies inside one of our static roots, else None."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        if parts.query or parts.fragment:
            return None
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if path.suffix.lower() not in ALLOWED_SUFFIXES or not path.is_file():
            return None
        if not any(path.is_relative_to(root) for root in self.roots):
            return None
        return path

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self.allowed_path(url)
        if path is None:
            self.refused.append(url[:300])
            logger.warning("PDF rendering refused to fetch %r", url[:300])
            raise RefusedURL("Only the portal's own static files may be loaded.")
        self.served.append(str(path))
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int
    refused: tuple[str, ...] = field(default=())


def render_html(template_name: str, context: dict[str, Any], *, language: str) -> str:
    """The print template filled in, in `language` (autoescaped: user text stays text)."""
    with translation.override(language):
        return render_to_string(template_name, context)


def _drop_attachments(document: Any) -> None:
    """Rule: a report embeds no files. `<link rel="attachment">` and `<a rel="attachment">`
    would copy whatever they name into the PDF (even one of our own static files is more than
    the report should carry), so both the document-level attachments and every page's
    attachment links are dropped before the PDF is written."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]


def html_to_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> RenderedPdf:
    """PDF/UA-tagged bytes and the page count for `html`; only our static files are fetched."""
    fetcher = fetcher or StaticOnlyFetcher()
    base = static_roots()[0].as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=fetcher).render(
        pdf_variant="pdf/ua-1", pdf_tags=True
    )
    _drop_attachments(document)
    content = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    assert content is not None
    return RenderedPdf(content=content, pages=len(document.pages), refused=tuple(fetcher.refused))


def render_pdf(template_name: str, context: dict[str, Any], *, language: str) -> RenderedPdf:
    """context → HTML → PDF: what a worker does for every report, with no side effects."""
    return html_to_pdf(render_html(template_name, context, language=language))
