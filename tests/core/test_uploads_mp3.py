"""MP3 files (podcast episodes) are recognised by their content: an ID3v2 tag or two MPEG audio
Layer III frames in a row. Callers that do not name MP3 refuse it as before."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

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
ID3_TAG = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10


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
        ID3_TAG,  # a tag alone is how every tagged MP3 starts
        b"ID3\x03\x00\x40\x00\x00\x07\x76" + b"\x00" * 64,  # ID3v2.3 with a flag set
        MPEG1_FRAME * 3,
        MPEG2_FRAME * 2,
    ],
    ids=["id3v24-and-frames", "id3-tag", "id3v23", "mpeg1-frames", "mpeg2-frames"],
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
