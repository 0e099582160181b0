"""Publications: podcast episodes, reports, articles, websites and recordings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.models import StoredFile, TimeStampedModel, VersionedModel

from ..workflow import PublicationStatus
from .events import CONTENT_LANGUAGES


class PublicationKind(models.TextChoices):
    PODCAST = "podcast", _("Podcast episode")
    REPORT = "report", _("Report")
    ARTICLE = "article", _("Article")
    WEBSITE = "website", _("Website")
    RECORDING = "recording", _("Recording")


class Publication(TimeStampedModel, VersionedModel):
    """Something the programme published: a link elsewhere or a file we keep.

    `summary` is sanitised HTML. The file (`PublicationFile`) is private until the publication is
    published, and always served through a view that counts the download.
    """

    kind = models.CharField(
        _("kind"), max_length=16, choices=PublicationKind.choices, db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=20000, blank=True)
    published_on = models.DateField(_("date"), db_index=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
        help_text=_("Leave empty for a national publication."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=CONTENT_LANGUAGES, default="sv", db_index=True
    )
    partnerships = models.ManyToManyField(
        "partnerships.Partnership",
        verbose_name=_("partnerships it reports on"),
        blank=True,
        related_name="publications",
    )
    obstacles = models.ManyToManyField(
        "obstacles.Obstacle",
        verbose_name=_("obstacles it reports on"),
        blank=True,
        related_name="publications",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    status_reason = models.TextField(_("reason given"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values),
                name="publication_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PublicationKind.values), name="publication_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_on"]),
            models.Index(fields=["region", "status", "published_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dissemination:publication_detail", args=[self.pk])


class PublicationFile(StoredFile):
    """The file of a publication (at most one), checked by content on upload."""

    publication = models.OneToOneField(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="file"
    )
    file = models.FileField(_("file"), upload_to="private/publications/%Y/%m/", max_length=255)

    class Meta:
        verbose_name = _("publication file")
        verbose_name_plural = _("publication files")


class DownloadCount(models.Model):
    """Downloads of a publication's file through the portal, one counter per day (so reach can
    be summed per quarter without a row per download)."""

    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="download_counts",
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("download count")
        verbose_name_plural = _("download counts")
        constraints = [
            models.UniqueConstraint(fields=["publication", "day"], name="download_count_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.publication} {self.day}: {self.count}"
