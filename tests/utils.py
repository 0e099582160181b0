"""Helpers the tests share."""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def sign_in(client, user) -> None:  # type: ignore[no-untyped-def]
    """Sign `client` in as `user`; None leaves it anonymous."""
    if user is not None:
        client.force_login(user)


def count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """Queries one GET of `url` makes, after a warm-up request (session rows settle first)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together, each on its own database connection (the
    test needs `transaction=True`); each call's result or the exception it raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def wait_for(condition: Callable[[], Any], seconds: float = 20.0) -> bool:
    """Poll `condition` every 0.1 s until it is true (True) or `seconds` have passed (False):
    for work a real Celery worker does in another process."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
