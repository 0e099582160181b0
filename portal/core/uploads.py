"""Uploaded files: checked by what they contain, not by what they are called.

Every app that takes files (proposal attachments, partnership documents, publications, later
obstacle evidence) validates through `inspect_upload`, stores the file under a random name in
private storage and serves it only through a view that checks the right (`file_response`).
"""

import hashlib
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = FileKind(
    "docx",
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "xlsx",
    "XLSX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PNG = FileKind("png", "PNG", "image/png", (".png",))
JPEG = FileKind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))
# Podcast episodes. Not a document kind: only the callers that take audio name it.
MP3 = FileKind("mp3", "MP3", "audio/mpeg", (".mp3",))

DOCUMENT_KINDS = (PDF, DOCX, XLSX, PNG, JPEG)


@dataclass(frozen=True)
class InspectedUpload:
    kind: FileKind
    name: str  # safe display name, with the extension that matches the content
    size: int
    sha256: str


# MPEG audio Layer III (MP3): bit rates in kbit/s by bit-rate index (0 "free" and 15 "bad" are
# refused), for MPEG-1 and for MPEG-2 / 2.5; sample rates in Hz by version bits.
_MP3_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0),
}
_MP3_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
# The longest Layer III frame (MPEG-1, 320 kbit/s at 32 kHz, padded) is 1,441 bytes: two frame
# headers fit in what is read, with room for some zero padding before the first.
_MP3_SNIFF_BYTES = 4096
_ID3_HEADER = 10  # "ID3", version (2 bytes), flags, synchsafe size (4 bytes); a footer is as long
_ID3_FOOTER_FLAG = 0x10


def _mp3_frame(data: bytes, offset: int) -> tuple[int, int, int] | None:
    """(version bits, sample-rate index, frame length) of a valid MPEG audio Layer III frame
    header at `offset`, or None."""
    if len(data) < offset + 4:
        return None
    b1, b2, b3 = data[offset + 1], data[offset + 2], data[offset + 3]
    # 11 sync bits, then the version (01 is reserved) and the layer (01 is Layer III).
    if data[offset] != 0xFF or b1 & 0xE0 != 0xE0:
        return None
    version = (b1 >> 3) & 0x03
    if version == 1 or (b1 >> 1) & 0x03 != 1:
        return None
    bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 0x03, (b2 >> 1) & 0x01
    bitrate = _MP3_BITRATES[3 if version == 3 else 2][bitrate_index] * 1000
    if bitrate == 0 or rate_index == 3 or b3 & 0x03 == 2:  # 10 is a reserved emphasis
        return None
    sample_rate = _MP3_SAMPLE_RATES[version][rate_index]
    # Bytes per frame: 1,152 samples (MPEG-1) or 576 (MPEG-2 / 2.5) at `bitrate`, divided by 8.
    per_frame = 144 if version == 3 else 72
    return version, rate_index, per_frame * bitrate // sample_rate + padding


def _id3_end(head: bytes) -> int | None:
    """Where the audio starts after the ID3v2 tag at the start of `head`: the header, the tag
    (its "synchsafe" size: 7 bits a byte) and the footer when the footer flag is set. None when
    `head` does not start with a valid ID3v2.2–2.4 tag header."""
    if not head.startswith(b"ID3") or len(head) < _ID3_HEADER:
        return None
    major, revision, flags, size = head[3], head[4], head[5], head[6:10]
    if major not in (2, 3, 4) or revision == 0xFF or flags & 0x0F:
        return None
    if any(byte >= 0x80 for byte in size):
        return None
    tag_size = (size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3]
    footer = _ID3_HEADER if flags & _ID3_FOOTER_FLAG else 0
    return _ID3_HEADER + tag_size + footer


def _has_frame_pair(data: bytes, *, after_tag: bool = False) -> bool:
    """An MPEG audio Layer III frame at the start of `data` followed by a second frame of the
    same stream: one frame-sync pattern alone is too easy to meet by chance. After a tag, zero
    padding (some taggers write more than the tag's size says) may come first."""
    offset = len(data) - len(data.lstrip(b"\x00")) if after_tag else 0
    first = _mp3_frame(data, offset)
    if first is None:
        return False
    second = _mp3_frame(data, offset + first[2])
    return second is not None and second[:2] == first[:2]


def _is_mp3(fh: IO[bytes]) -> bool:
    """MPEG audio Layer III frames, after an ID3v2 tag (how nearly every MP3 starts) or from the
    first byte. A tag alone proves nothing (anything can follow it), so the frames after the
    tag are checked too: one bounded read where the tag says it ends, however large the tag
    (cover art). A tag that ends past the end of the file is refused."""
    fh.seek(0)
    head = fh.read(_MP3_SNIFF_BYTES)
    if not head.startswith(b"ID3"):
        return _has_frame_pair(head)
    audio = _id3_end(head)
    if audio is None:
        return False
    fh.seek(audio)
    return _has_frame_pair(fh.read(_MP3_SNIFF_BYTES), after_tag=True)


def _sniff(fh: IO[bytes]) -> FileKind | None:
    fh.seek(0)
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fh) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            fh.seek(0)
        if "[Content_Types].xml" in names:
            # Macro-enabled documents (.docm/.xlsm) carry a VBA project: refused under any name.
            if any(name.endswith("vbaProject.bin") for name in names):
                return None
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
        return None
    try:
        is_mp3 = _is_mp3(fh)
    finally:
        fh.seek(0)
    return MP3 if is_mp3 else None


def safe_filename(name: str, *, max_length: int = 120) -> str:
    """A display name without paths, control characters or shell and HTML specials.

    Letters of any language (å, ä, ö) are kept; everything else becomes an underscore.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w.\- ()]", "_", name, flags=re.UNICODE).strip(" ._")
    stem, ext = os.path.splitext(name)
    stem = stem[: max_length - len(ext)] or "file"
    return f"{stem}{ext.lower()}"


def inspect_upload(
    upload: Any, *, kinds: tuple[FileKind, ...] = DOCUMENT_KINDS, max_size: int = 20 * MB
) -> InspectedUpload:
    """Check an uploaded file's size and content; raise ValidationError with a clear message.

    The content decides the type: a file whose bytes are not one of `kinds` is refused whatever
    its name says, and a name whose extension disagrees with the content is refused too.
    """
    allowed = ", ".join(k.label for k in kinds)
    if upload.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty."), params={"name": upload.name})
    if upload.size > max_size:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(max)s MB."),
            params={"name": safe_filename(upload.name), "max": max_size // MB},
            code="too_large",
        )
    kind = _sniff(upload)
    if kind is None or kind not in kinds:
        raise ValidationError(
            _("The file “%(name)s” is not a file of an accepted kind (%(kinds)s)."),
            params={"name": safe_filename(upload.name), "kinds": allowed},
            code="bad_content",
        )
    name = safe_filename(upload.name)
    stem, ext = os.path.splitext(name)
    if ext and ext not in kind.extensions:
        raise ValidationError(
            _("The file “%(name)s” is named as %(ext)s but its content is %(kind)s."),
            params={"name": name, "ext": ext, "kind": kind.label},
            code="name_mismatch",
        )
    if not ext:
        name = f"{stem}{kind.extensions[0]}"
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return InspectedUpload(kind=kind, name=name, size=upload.size, sha256=digest.hexdigest())


def storage_name(inspected: InspectedUpload) -> str:
    """A random stored name: nothing the uploader typed reaches the file system."""
    return f"{uuid.uuid4().hex}{inspected.kind.extensions[0]}"


def file_response(
    field_file: Any, *, name: str, content_type: str, cache_control: str = ""
) -> FileResponse:
    """Serve a private file as a download (never rendered inline by the browser).
    `cache_control`, when given, e.g. "private, no-store" for files only their requester may
    fetch, so no shared cache or disk cache keeps a copy."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if cache_control:
        response["Cache-Control"] = cache_control
    return response
