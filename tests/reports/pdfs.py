"""Reading PDFs back in tests: the text (poppler's pdftotext) and the structure (pypdf)."""

import io
import subprocess
from dataclasses import dataclass

from pypdf import PdfReader


def pdf_text(content: bytes, *, layout: bool = False) -> str:
    """The PDF's text as poppler extracts it (Swedish letters included)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(  # noqa: S603 - fixed arguments, our own bytes on stdin
        args, input=content, capture_output=True, check=True
    ).stdout.decode("utf-8")


def page_texts(content: bytes) -> list[str]:
    """Each page's text (pypdf), in order."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    title: str
    language: str
    tagged: bool
    has_structure: bool
    attachments: int
    uris: list[str]


def pdf_facts(content: bytes) -> PdfFacts:
    """Metadata and accessibility facts: title, /Lang, MarkInfo/StructTreeRoot, attachments,
    link targets."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo")
    uris: list[str] = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get_object().get("/URI"):
                uris.append(str(action.get_object()["/URI"]))
    return PdfFacts(
        pages=len(reader.pages),
        title=str((reader.metadata or {}).get("/Title", "")),
        language=str(root.get("/Lang", "")),
        tagged=bool(mark_info and mark_info.get_object().get("/Marked")),
        has_structure="/StructTreeRoot" in root,
        attachments=len(reader.attachments),
        uris=uris,
    )
