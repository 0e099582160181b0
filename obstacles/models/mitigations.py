"""Mitigations: how others got past an obstacle; separate entries, reviewed before they show."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.models import TimeStampedModel, VersionedModel

from ..workflow import MitigationStatus
from .obstacles import CONTENT_LANGUAGES, Obstacle


class Mitigation(TimeStampedModel, VersionedModel):
    """How someone got past one or more obstacles, and where it worked (a region and/or a
    partnership). `description` is sanitised HTML. The partnership is shown only to people who
    may see that partnership."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what worked"), max_length=20000)
    obstacles = models.ManyToManyField(
        Obstacle, verbose_name=_("obstacles"), related_name="mitigations"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region where it worked"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstacle_mitigations",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership where it worked"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="obstacle_mitigations",
    )
    language = models.CharField(
        _("language of the entry"), max_length=2, choices=CONTENT_LANGUAGES, default="sv"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MitigationStatus.choices,
        default=MitigationStatus.SUBMITTED,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="obstacle_mitigations",
    )
    decision_reason = models.TextField(_("reason given"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("mitigation")
        verbose_name_plural = _("mitigations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MitigationStatus.values), name="mitigation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("obstacles:mitigation_detail", args=[self.pk])
