"""Personal data in reports: the PDF reports the person asked for (see `portal.accounts.privacy`
for the registry).

A report request says what someone wanted to read and when: it is deleted with the account, and
so is each file that only this person's requests led to (files others asked for too stay for
them; every file goes anyway after REPORTS_RETENTION_DAYS).
"""

from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.privacy import rows

from .models import RenderedReport, ReportRequest
from .services.cleanup import _delete_files

SECTION = "reports"
TITLE = _("Reports you asked for")
HOLDS = _(
    "The PDF reports you asked for: which kind, about what, in which language, when, and how far "
    "the making got."
)
KEPT = _("Your report requests are deleted, and with them the files made only for you.")
COVERS = frozenset({"reports.ReportRequest.requested_by"})


def export(user: User) -> dict[str, Any]:
    """The reports section (one query)."""
    return {
        "report_requests": rows(
            ReportRequest.objects.filter(requested_by=user),
            "id",
            "kind",
            "params",
            "language",
            "subject",
            "state",
            "created_at",
            "finished_at",
            "mailed_at",
            title="report__title",
        ),
    }


def anonymise(user: User) -> dict[str, int]:
    """Delete the person's report requests and the files no one else asked for (the files leave
    the storage after the commit)."""
    theirs = set(
        ReportRequest.objects.filter(requested_by=user, report__isnull=False).values_list(
            "report_id", flat=True
        )
    )
    # exclude() keeps anonymous visitors' requests (no requester) as "someone else's".
    shared = set(
        ReportRequest.objects.filter(report_id__in=theirs)
        .exclude(requested_by=user)
        .values_list("report_id", flat=True)
    )
    only_theirs = list(RenderedReport.objects.filter(pk__in=theirs - shared).only("pk", "file"))
    requests = ReportRequest.objects.filter(requested_by=user).delete()[0]
    names = [report.file.name for report in only_theirs if report.file]
    RenderedReport.objects.filter(pk__in=[report.pk for report in only_theirs]).delete()
    if names:
        transaction.on_commit(partial(_delete_files, only_theirs[0].file.storage, names))
    return {"report_requests": requests, "report_files": len(only_theirs)}
