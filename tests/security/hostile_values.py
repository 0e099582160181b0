"""The hostile values, and what a safe answer to them looks like."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Substrings that may only reach a page escaped: if one of them is in an HTML answer as is, the
# page ran the visitor's markup.
UNESCAPED_MARKERS = ("<script>alert(1)", "<img src=x onerror=alert(1)>")
LONG = "x" * 10_000
NUL = "a\x00b"
CONTROLS = "a\x1b[31mb\x07c\x7f"
BIDI = "abc\u202edef"
HUGE = "99999999999999999999"  # > 2**63: no PostgreSQL integer column holds it
EVIL = "http://evil.example/"

# For every query parameter (the brief's list).
QUERY_VALUES: tuple[str, ...] = (
    SCRIPT,
    IMG,
    LONG,
    NUL,
    CONTROLS,
    BIDI,
    "-1",
    "0",
    HUGE,
    "abc",
    "2026-02-30",
    "31/12/2026",
    "../../etc/passwd",
    EVIL,
    "//evil.example/",
)

# Answers that are a clear "no" or a normal page; never a server error.
SAFE_GET_STATUSES = frozenset({200, 301, 302, 303, 304, 400, 404, 405, 409, 429})


@dataclass
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else f"{text[:40]}…({len(str(value))} chars)"


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one request in a savepoint that is always rolled back: each hostile request starts
    from the same stored data, and one that was (wrongly) accepted cannot affect the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def fetch(client: Any, method: str, url: str, **kwargs: Any) -> tuple[HttpResponse | None, str]:
    """(response, "") or (None, the exception's last lines) when the view raised: the test
    client re-raises what would have been a 500."""
    cache.clear()  # rate limits are not what this suite measures
    try:
        with rolled_back():
            response = getattr(client, method)(url, **kwargs)
            # Streaming answers (files) are read inside the savepoint. (The test client closes
            # the response when its content is used up; closing it again here would close the
            # test's database connection.)
            if getattr(response, "streaming", False):
                response.streamed = b"".join(response.streaming_content)
    except Exception as exc:
        return None, describe(exc)
    return response, ""


def describe(exc: BaseException) -> str:
    """The exception and the last frame of the portal's own code it passed through."""
    ours = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if "/.venv/" not in frame.filename and "/tests/" not in frame.filename
    ]
    where = ""
    if ours:
        where = f" at {os.path.relpath(ours[-1].filename, settings.BASE_DIR)}:{ours[-1].lineno}"
    return f"{type(exc).__name__}: {str(exc)[:200]}{where}"


def is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode(response.charset or "utf-8", errors="replace")


def unescaped_markup(response: HttpResponse) -> str:
    """The hostile markup found as is in an HTML answer, or ""."""
    if not is_html(response):
        return ""
    text = body(response)
    return next((marker for marker in UNESCAPED_MARKERS if marker in text), "")


def open_redirect(response: HttpResponse) -> str:
    """The Location of a redirect that leaves the portal, or ""."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return ""
    location = response.get("Location", "")
    parts = urlsplit(location.replace("\\", "/"))
    if parts.netloc and parts.netloc not in ("testserver", "localhost"):
        return location
    if location.replace("\\", "/").startswith("//"):
        return location
    return ""
