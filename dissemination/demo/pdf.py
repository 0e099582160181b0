"""A small, valid PDF built in code for the demo report: one A4 page with a heading and
paragraphs, tagged (a structure tree with H1 and P, the document language and title), so the
demo's download is a real file without shipping a binary in the repository.

Text is set in the standard Helvetica font with WinAnsiEncoding, which covers Swedish letters; the
demo's own text only, never user input.
"""

import textwrap

_PAGE_WIDTH, _PAGE_HEIGHT = 595, 842  # A4 in points
_MARGIN = 72
_BODY_SIZE, _HEADING_SIZE = 11, 18
_WRAP = 88  # characters per line at 11 pt Helvetica within the margins


def _pdf_string(text: str) -> bytes:
    """A literal string in WinAnsiEncoding, with its delimiters escaped."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _utf16(text: str) -> bytes:
    """A text string for metadata (title): UTF-16BE with a byte-order mark, as hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _content(title: str, paragraphs: tuple[str, ...]) -> bytes:
    """The page's drawing operators, each block marked with its structure id (MCID)."""
    ops: list[bytes] = []
    y = _PAGE_HEIGHT - _MARGIN - _HEADING_SIZE
    ops.append(b"/H1 <</MCID 0>> BDC BT /F2 %d Tf %d %d Td " % (_HEADING_SIZE, _MARGIN, y))
    ops.append(_pdf_string(title) + b" Tj ET EMC")
    y -= 2 * _HEADING_SIZE
    for mcid, paragraph in enumerate(paragraphs, start=1):
        lines = textwrap.wrap(paragraph, _WRAP) or [""]
        # A space ends each wrapped line: text extraction and screen readers keep words apart.
        lines = [line + " " for line in lines[:-1]] + lines[-1:]
        leading = int(_BODY_SIZE * 1.4)
        ops.append(
            b"/P <</MCID %d>> BDC BT /F1 %d Tf %d TL %d %d Td "
            % (mcid, _BODY_SIZE, leading, _MARGIN, y)
        )
        ops.append(b" T* ".join(_pdf_string(line) + b" Tj" for line in lines) + b" ET EMC")
        y -= leading * len(lines) + _BODY_SIZE
    return b"\n".join(ops)


def report_pdf(title: str, paragraphs: tuple[str, ...], *, language: str = "sv-SE") -> bytes:
    """The bytes of a one-page PDF 1.7 with `title` as heading and document title."""
    content = _content(title, paragraphs)
    kids = b" ".join(b"%d 0 R" % (9 + i) for i in range(len(paragraphs) + 1))
    objects: list[bytes] = [
        # 1 catalog, 2 pages, 3 page, 4 contents, 5-6 fonts, 7 structure root, 8 document element
        b"<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 7 0 R /MarkInfo << /Marked true >> "
        b"/Lang " + _pdf_string(language) + b" /ViewerPreferences << /DisplayDocTitle true >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /StructParents 0 /Tabs /S >>"
        % (_PAGE_WIDTH, _PAGE_HEIGHT),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /StructTreeRoot /K 8 0 R /ParentTree << /Nums [0 [%s]] >> >>" % kids,
        b"<< /Type /StructElem /S /Document /P 7 0 R /K [%s] >>" % kids,
    ]
    for mcid in range(len(paragraphs) + 1):
        tag = b"/H1" if mcid == 0 else b"/P"
        objects.append(b"<< /Type /StructElem /S %s /P 8 0 R /Pg 3 0 R /K %d >>" % (tag, mcid))
    info_number = len(objects) + 1
    objects.append(
        b"<< /Title " + _utf16(title) + b" /Producer (Innovation Accelerator Portal demo) >>"
    )

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info_number,
        xref,
    )
    return bytes(out)
