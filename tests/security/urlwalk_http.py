"""How the URL walk asks and judges: a client per role, an answer in words, the queries a
request made, and a fingerprint of everything stored (to prove a refused POST changed nothing)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}
REDIRECTS = {301, 302, 303, 307, 308}
# Tables a refused request may legitimately write: the session and allauth's record of the
# signed-in person's session activity (every request of a signed-in person touches both).
VOLATILE_TABLES = frozenset({"django_session", "usersessions_usersession"})
# A page may make at most this many queries (issue 7: "no page makes more than 15 queries").
MAX_QUERIES = 15


@dataclass
class Answer:
    method: str
    url: str
    status: int
    location: str
    queries: int
    hx_redirect: str

    @property
    def word(self) -> str:
        """The answer in the table's words (plus "redirect", "403", "500", ...)."""
        if self.status in REDIRECTS:
            path = urlsplit(self.location).path
            if path == reverse("account_login"):
                return "login"
            if path == reverse("mfa_activate_totp"):
                return "mfa"
            return "redirect"
        return str(self.status)

    def __str__(self) -> str:
        where = f" → {self.location}" if self.location else ""
        return f"{self.method} {self.url}: {self.status}{where}"


def sign_in(user: Any) -> str:
    """A signed-in session for `user` (its key; "" for an anonymous visitor)."""
    if user is None:
        return ""
    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def client_for(session_key: str) -> Client:
    """A fresh client on the session (errors answer 500 instead of raising)."""
    client = Client(raise_request_exception=False)
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def real_queries(captured: Iterable[dict[str, Any]]) -> list[str]:
    """The statements a request sent, without the savepoints: those exist only because each
    test runs inside a transaction (in production an outer atomic block sends no statement)."""
    return [
        q["sql"]
        for q in captured
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))
    ]


def ask(
    client: Client,
    method: str,
    url: str,
    *,
    data: Any = None,
    htmx: bool = False,
    content_type: str = "",
) -> tuple[Answer, list[str]]:
    headers: dict[str, Any] = dict(HTMX) if htmx else {}
    if content_type:
        headers["content_type"] = content_type
        data = json.dumps(data or {})
    with CaptureQueriesContext(connection) as ctx:
        if method == "GET":
            response = client.get(url, **headers)
        else:
            response = client.post(url, data=data or {}, **headers)
    sql = real_queries(ctx.captured_queries)
    answer = Answer(
        method=method + (" (htmx)" if htmx else ""),
        url=url,
        status=response.status_code,
        location=response.get("Location", ""),
        queries=len(sql),
        hx_redirect=response.get("HX-Redirect", ""),
    )
    return answer, sql


def _stored_tables() -> list[str]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return sorted(t for t in tables if t not in VOLATILE_TABLES)


def snapshot() -> dict[str, str]:
    """An md5 of the content of every table (but the session tables), by table: any insert,
    update or delete anywhere shows. One query; the demo world is small."""
    # The table names come from the database's own catalogue, not from any input.
    parts = [
        f"SELECT '{t}', md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM \"{t}\" x"  # noqa: S608
        for t in _stored_tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return {str(table): str(digest) for table, digest in cursor.fetchall()}


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
