"""Lessons learned: what a partnership's parties learned, reviewed by the region's coordinator."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.models import TimeStampedModel, VersionedModel

from ..workflow import LessonStatus
from .events import CONTENT_LANGUAGES


class Lesson(TimeStampedModel, VersionedModel):
    """A lesson learned in a partnership (optionally at one of its steps).

    `body` is sanitised HTML. Written by the partnership's parties; public only once the region's
    coordinator has published it.
    """

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="lessons",
    )
    step = models.ForeignKey(
        "partnerships.ProcessStep",
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what we learned"), max_length=20000)
    language = models.CharField(
        _("language"), max_length=2, choices=CONTENT_LANGUAGES, default="sv"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=LessonStatus.choices,
        default=LessonStatus.DRAFT,
        db_index=True,
    )
    decision_reason = models.TextField(_("reason given"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("sent for review"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LessonStatus.values), name="lesson_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dissemination:lesson_detail", args=[self.pk])
