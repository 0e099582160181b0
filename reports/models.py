"""Report requests and the PDF files they produce.

A `ReportRequest` is one person's ask (kind, parameters, language) and its progress; a
`RenderedReport` is a PDF made from one exact state of the underlying data. Identical requests
(same kind, parameters, language and data fingerprint, hence the same `key`) share one rendered
file, so asking again for unchanged data costs nothing.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.models import TimeStampedModel

from .workflow import ReportError, ReportState


class ReportKind(models.TextChoices):
    PROCESS_GUIDE = "process_guide", _("Co-sharing process guide")
    PARTNERSHIP = "partnership", _("Partnership guidance report")
    AGREEMENT = "agreement", _("Agreement")
    OBSTACLES = "obstacles", _("Obstacle compilation")
    REGION_ACTIVITY = "region_activity", _("Region activity report")


class ReportLanguage(models.TextChoices):
    SV = "sv", _("Swedish")
    EN = "en", _("English")


class RenderedReport(TimeStampedModel):
    """One PDF, made from one state of the data. Stored privately; served only through a view
    that checks the right to see the report's subject."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ReportKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=ReportLanguage.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    fingerprint = models.CharField(_("fingerprint of the data"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="private/reports/%Y/%m/", max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pages"))
    # More than one: the file is a ZIP of that many PDF volumes (large obstacle compilations).
    volumes = models.PositiveSmallIntegerField(_("volumes"), default=1)
    render_seconds = models.FloatField(_("seconds to make"))
    last_used_at = models.DateTimeField(_("last asked for"), db_index=True)

    class Meta:
        verbose_name = _("rendered report")
        verbose_name_plural = _("rendered reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="rendered_report_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReportRequest(TimeStampedModel):
    """Someone asked for a report: what, in which language, and how far the worker has come."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=ReportKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=ReportLanguage.choices)
    # The key of the data state the request was made against (RenderedReport.key once rendered).
    key = models.CharField(_("key"), max_length=64, db_index=True)
    # What the report is about, e.g. "partnership:12": the panel on that page finds the
    # requester's latest request for it with one indexed query.
    subject = models.CharField(_("subject"), max_length=100)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_requests",
    )
    # An anonymous visitor's session (public reports only): their requests are theirs alone.
    session_key = models.CharField(_("session"), max_length=40, blank=True)
    # An anonymous visitor's client address (signed-in requests leave it empty): at most
    # REPORTS_MAX_PENDING waiting requests per address, whatever the session.
    client_address = models.CharField(_("client address"), max_length=45, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.QUEUED
    )
    report = models.ForeignKey(
        RenderedReport,
        verbose_name=_("file"),
        null=True,
        blank=True,
        # Removing an expired file removes the (equally old) requests that led to it.
        on_delete=models.CASCADE,
        related_name="requests",
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Written when a worker claims the row; finishing is conditional on it, so a worker whose
    # claim was taken over (after a crash or time-out) cannot overwrite the newer outcome.
    claim_token = models.UUIDField(_("claim"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error_code = models.CharField(
        _("why it failed"), max_length=20, choices=ReportError.choices, blank=True
    )
    error_detail = models.TextField(_("technical detail"), blank=True)
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["requested_by", "subject", "-created_at"], name="report_req_user_idx"
            ),
            models.Index(
                fields=["session_key", "subject", "-created_at"], name="report_req_sess_idx"
            ),
            models.Index(fields=["state", "claimed_at"], name="report_req_state_idx"),
            models.Index(fields=["client_address", "state"], name="report_req_addr_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_request_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_request_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=ReportState.READY) | Q(report__isnull=False),
                name="report_request_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])
