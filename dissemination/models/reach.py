"""Reach figures logged by organisers for events and publications (for reporting to the funder).

Registrations, attendance marked in the portal and downloads of our own files are counted by the
portal itself; a `ReachEntry` adds what the portal cannot see (people in the room who never
registered, podcast listeners on another platform, downloads elsewhere) with a note.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.models import TimeStampedModel

from .events import Event
from .publications import Publication


class ReachMetric(models.TextChoices):
    REGISTRATIONS = "registrations", _("Registrations")
    ATTENDANCE = "attendance", _("Attendance")
    LISTENERS = "listeners", _("Listeners")
    DOWNLOADS = "downloads", _("Downloads")
    VIEWS = "views", _("Views")


class ReachEntry(TimeStampedModel):
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reach_entries",
    )
    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reach_entries",
    )
    metric = models.CharField(_("what was counted"), max_length=16, choices=ReachMetric.choices)
    value = models.PositiveIntegerField(_("number"))
    # The day the figure belongs to: it decides the quarter it is reported in.
    counted_on = models.DateField(_("counted on"), db_index=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reach figure")
        verbose_name_plural = _("reach figures")
        ordering = ["-counted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(event__isnull=False, publication__isnull=True)
                    | Q(event__isnull=True, publication__isnull=False)
                ),
                name="reach_for_event_or_publication",
            ),
            models.CheckConstraint(
                condition=Q(metric__in=ReachMetric.values), name="reach_metric_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.value}"
