"""Ready reports made by the worker's own code, and what their page and download cost (shared by
the freshness tests of every kind)."""

from typing import Any, cast

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ReportRequest
from reports.selectors import report_is_stale
from reports.services import report_render, report_request
from reports.workflow import ReportState


def ready_request(user: Any, kind: str, params: dict[str, Any]) -> ReportRequest:
    """A request rendered by the worker's own code (its fingerprint, its key, its file)."""
    asked = report_request(user=user, session_key="", kind=kind, params=params, language="en")
    report_render(request_id=asked.pk)
    asked.refresh_from_db()
    assert asked.state == ReportState.READY
    assert not report_is_stale(asked)  # the page sees the worker's file as fresh
    return asked


def view_costs(client: Any, asked: ReportRequest) -> dict[str, int]:
    """Queries of the request's page and of the download (after a warm-up request each); both
    must serve the file (fresh)."""
    costs = {}
    for name in ("detail", "download"):
        url = reverse(f"reports:{name}", args=[asked.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            if name == "download":
                assert b"".join(cast(Any, response).streaming_content).startswith(b"%PDF")
        assert response.status_code == 200, (name, response.status_code)
        if name == "detail":
            assert reverse("reports:download", args=[asked.pk]) in response.content.decode()
        costs[name] = len(ctx.captured_queries)
    return costs
