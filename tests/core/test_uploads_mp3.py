"""MP3 files (podcast episodes) are recognised by their content: two MPEG audio Layer III frames
in a row, from the first byte or right after an ID3v2 tag (a tag alone proves nothing: anything
can follow it). Callers that do not name MP3 refuse it as before."""

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from portal.core.uploads import (
    DOCUMENT_KINDS,
    DOCX,
    JPEG,
    MP3,
    PDF,
    PNG,
    XLSX,
    inspect_upload,
)

MEDIA_KINDS = (*DOCUMENT_KINDS, MP3)

# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 144 * 128000 // 44100 = 417 bytes a frame.
MPEG1_HEADER = b"\xff\xfb\x90\x00"
MPEG1_FRAME = MPEG1_HEADER + b"\x00" * (417 - 4)
# MPEG-2 Layer III, 64 kbit/s, 22.05 kHz, padded: 72 * 64000 // 22050 + 1 = 209 bytes.
MPEG2_HEADER = b"\xff\xf3\x82\x00"
MPEG2_FRAME = MPEG2_HEADER + b"\x00" * (209 - 4)
# A frame whose audio data is not silence (zero padding after a tag is skipped, audio is not).
AUDIO_FRAME = MPEG1_HEADER + b"\x55" * (417 - 4)
ID3_TAG = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10


def synchsafe(size: int) -> bytes:
    """An ID3v2 tag size: 7 bits a byte, the top bit of each byte zero."""
    return bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))


def id3_tag(body: bytes, *, major: int = 4, flags: int = 0, footer: bool = False) -> bytes:
    """An ID3v2 tag around `body` (its frames and padding), with a footer when asked."""
    flags |= 0x10 if footer else 0
    header = b"ID3" + bytes((major, 0, flags)) + synchsafe(len(body))
    return header + body + (b"3DI" + header[3:] if footer else b"")


# What a malicious upload hides behind a valid tag.
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>" * 20
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 2000


def upload(content: bytes, name: str = "avsnitt.mp3") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        ID3_TAG + MPEG1_FRAME * 3,
        # ID3v2.3 with the extended-header flag set.
        id3_tag(b"TIT2" + b"\x00" * 60, major=3, flags=0x40) + MPEG1_FRAME * 2,
        id3_tag(b"TIT2" + b"\x00" * 20, footer=True) + MPEG2_FRAME * 2,  # footer: 10 more bytes
        # Cover art: a tag far larger than the first read, the frames right after it.
        id3_tag(b"APIC" + bytes(range(256)) * 400) + MPEG1_FRAME * 2,
        ID3_TAG + b"\x00" * 300 + MPEG1_FRAME * 2,  # zero padding beyond the tag's size
        MPEG1_FRAME * 3,
        MPEG2_FRAME * 2,
    ],
    ids=[
        "id3v24-and-frames",
        "id3v23",
        "id3v24-footer",
        "large-tag",
        "padding",
        "mpeg1-frames",
        "mpeg2-frames",
    ],
)
def test_mp3_content_is_accepted_as_mp3(content: bytes) -> None:
    inspected = inspect_upload(upload(content), kinds=MEDIA_KINDS)
    assert inspected.kind == MP3
    assert inspected.kind.content_type == "audio/mpeg"
    assert inspected.name == "avsnitt.mp3"


def test_an_mp3_without_an_extension_gets_one() -> None:
    inspected = inspect_upload(upload(ID3_TAG + MPEG1_FRAME * 2, "avsnitt"), kinds=MEDIA_KINDS)
    assert inspected.name == "avsnitt.mp3"


@pytest.mark.parametrize(
    "content",
    [
        MPEG1_HEADER + b"this is not the next frame" * 40,  # one sync pattern by chance
        MPEG1_FRAME,  # one frame alone: too little to tell
        MPEG1_FRAME + MPEG2_HEADER + b"\x00" * 400,  # the next frame is of another stream
        b"\xff\xfd\x90\x00" + b"\x00" * 413 + b"\xff\xfd\x90\x00" + b"\x00" * 413,  # Layer II
        b"\xff\xeb\x90\x00" + b"\x00" * 800,  # reserved MPEG version
        b"\xff\xfb\xf0\x00" + b"\x00" * 800,  # bit-rate index 15 ("bad")
        b"\xff\xfb\x00\x00" + b"\x00" * 800,  # "free" bit rate
        b"\xff\xfb\x9c\x00" + b"\x00" * 800,  # reserved sample rate
        b"ID3\x04\x00\x00\x00\x00\x80\x0a" + b"\x00" * 10,  # size not synchsafe
        b"ID3\x09\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10,  # no such ID3 version
        b"ID3\x04\x00\x0f\x00\x00\x00\x0a" + b"\x00" * 10,  # undefined flags
        b"ID3",  # too short to be a tag
        b"<html><script>alert(1)</script></html>",
        ID3_TAG,  # a tag and nothing after it
        ID3_TAG + HTML,  # a valid tag in front of a web page
        ID3_TAG + WINDOWS_EXE,  # … or a program
        ID3_TAG + MPEG1_FRAME,  # one frame after the tag: too little to tell
        id3_tag(b"\x00" * 10_000) + HTML,  # a tag larger than the first read, then garbage
        id3_tag(b"\x00" * 100, footer=True)[:-10] + AUDIO_FRAME * 2,  # footer flag, no footer
        id3_tag(b"\x00" * 20)[:10] + AUDIO_FRAME * 3,  # the tag's size points into a frame
        b"ID3\x04\x00\x00" + synchsafe(50_000_000) + MPEG1_FRAME * 2,  # ends past the file
        b"\x00" * 64 + MPEG1_FRAME * 2,  # zero padding is skipped only after a tag
    ],
    ids=[
        "lone-sync",
        "one-frame",
        "mixed-streams",
        "layer-2",
        "reserved-version",
        "bad-bitrate",
        "free-bitrate",
        "reserved-rate",
        "id3-size",
        "id3-version",
        "id3-flags",
        "id3-short",
        "html",
        "id3-alone",
        "id3-then-html",
        "id3-then-exe",
        "id3-then-one-frame",
        "large-tag-then-html",
        "missing-footer",
        "wrong-tag-size",
        "tag-past-the-end",
        "leading-zeros",
    ],
)
def test_content_that_is_not_mp3_is_refused(content: bytes) -> None:
    with pytest.raises(ValidationError) as exc:
        inspect_upload(upload(content), kinds=MEDIA_KINDS)
    assert exc.value.code == "bad_content"


def test_callers_that_do_not_take_audio_still_refuse_an_mp3() -> None:
    with pytest.raises(ValidationError) as exc:
        inspect_upload(upload(ID3_TAG + MPEG1_FRAME * 2), kinds=DOCUMENT_KINDS)
    assert exc.value.code == "bad_content"
    assert "MP3" not in exc.value.messages[0]


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (b"%PDF-1.4\n%%EOF\n", "a.pdf", PDF),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a.png", PNG),
        # A JPEG starts with FF D8 FF: the FF is no MPEG frame sync.
        (b"\xff\xd8\xff\xe0" + b"\x00" * 800, "a.jpg", JPEG),
        (_office("word/document.xml"), "a.docx", DOCX),
        (_office("xl/workbook.xml"), "a.xlsx", XLSX),
    ],
)
def test_the_other_kinds_are_recognised_as_before(content: bytes, name: str, kind: object) -> None:
    assert inspect_upload(upload(content, name), kinds=MEDIA_KINDS).kind == kind


def test_an_mp3_named_as_a_pdf_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        inspect_upload(upload(ID3_TAG + MPEG1_FRAME * 2, "rapport.pdf"), kinds=MEDIA_KINDS)
    assert exc.value.code == "name_mismatch"


def test_a_pdf_named_as_an_mp3_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        inspect_upload(upload(b"%PDF-1.4\n%%EOF\n", "avsnitt.mp3"), kinds=MEDIA_KINDS)
    assert exc.value.code == "name_mismatch"


def test_the_file_is_read_from_the_start_again_after_the_check() -> None:
    file = upload(ID3_TAG + MPEG1_FRAME * 2)
    inspect_upload(file, kinds=MEDIA_KINDS)
    assert file.read(3) == b"ID3"


def test_a_tag_that_hides_anything_else_is_refused_under_any_name() -> None:
    for name in ("avsnitt.mp3", "avsnitt.html", "avsnitt"):
        with pytest.raises(ValidationError) as exc:
            inspect_upload(upload(ID3_TAG + HTML, name), kinds=MEDIA_KINDS)
        assert exc.value.code == "bad_content"


def test_a_large_tag_is_checked_from_a_file_on_disk_too(tmp_path: Any) -> None:
    """Large uploads are spooled to a temporary file: the read after the tag seeks there."""
    content = id3_tag(b"APIC" + b"\x01" * 300_000) + MPEG1_FRAME * 2
    with TemporaryUploadedFile("avsnitt.mp3", "audio/mpeg", len(content), None) as file:
        file.write(content)
        file.seek(0)
        assert inspect_upload(file, kinds=MEDIA_KINDS).kind == MP3
        assert file.read(3) == b"ID3"
