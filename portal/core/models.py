"""The few pieces every app shares: a timestamped base model and the audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A row edited by people in forms: `version` makes concurrent edits detectable.

    Services compare the version the editor started from with the stored one (see
    `portal.core.concurrency`), so a second editor is told instead of overwriting the first.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class StoredFile(TimeStampedModel):
    """A private file checked by `portal.core.uploads.inspect_upload`: the display name it was
    given, what its content is, its size and checksum, and who uploaded it. Subclasses add the
    `file` field (with their own `upload_to`) and the row it belongs to."""

    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who did what to which row, when and why. Written by services, never edited."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    target_repr = models.CharField(_("target"), max_length=255, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class MailStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("could not be delivered")


class OutgoingMail(TimeStampedModel):
    """One message to one address, kept until the mail server took it (the outbox).

    Every message the portal sends is written here first (by `portal.core.mail.OutboxBackend`),
    so a mail server or broker that is away loses nothing: delivery is retried with backoff and a
    message is marked sent only once, by whoever holds its claim.
    """

    to = models.EmailField(_("to"), max_length=254)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_mail",
    )
    kind = models.CharField(_("kind of mail"), max_length=32, blank=True)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML text"), blank=True)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MailStatus.values), name="outgoing_mail_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject[:80]}"


class CspReport(models.Model):
    """A Content-Security-Policy violation a browser reported (`/csp-report`)."""

    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    document_uri = models.CharField(_("page"), max_length=2000, blank=True)
    blocked_uri = models.CharField(_("blocked"), max_length=2000, blank=True)
    violated_directive = models.CharField(_("violated directive"), max_length=200, blank=True)
    effective_directive = models.CharField(_("effective directive"), max_length=200, blank=True)
    disposition = models.CharField(_("disposition"), max_length=16, blank=True)
    source_file = models.CharField(_("source file"), max_length=2000, blank=True)
    line_number = models.PositiveIntegerField(_("line"), null=True, blank=True)
    column_number = models.PositiveIntegerField(_("column"), null=True, blank=True)
    sample = models.CharField(_("sample"), max_length=200, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)
    raw = models.JSONField(_("report as received"), default=dict, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("CSP violation report")
        verbose_name_plural = _("CSP violation reports")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.effective_directive} {self.blocked_uri}"
