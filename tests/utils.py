"""Helpers the tests share."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """Queries one GET of `url` makes, after a warm-up request (session rows settle first)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)
