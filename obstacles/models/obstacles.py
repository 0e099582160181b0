"""Obstacle entries, their history, reviewer notes and "we met this too"."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.models import TimeStampedModel, VersionedModel

from ..workflow import ObstacleMove, ObstacleStatus
from .taxonomy import Actor, Category

CONTENT_LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]


class Severity(models.IntegerChoices):
    # Integers, so "most severe first" is a plain ORDER BY.
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    BLOCKING = 4, _("Blocking")


class Obstacle(TimeStampedModel, VersionedModel):
    """One barrier to collaboration between healthcare and companies.

    `description`, `evidence` and `known_mitigation` hold sanitised HTML (see
    `obstacles.sanitize`): services clean on write, so pages and PDFs may render them as is.
    `search_vector` is kept up to date by a PostgreSQL trigger (migration 0002) on every write,
    whoever writes; it stays empty on the embedded SQLite default.
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=20000)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="obstacles"
    )
    # The stable key of a Co-sharing step (entry, needs, agreement, test, evaluation,
    # dissemination): the same in the default template and every regional variant.
    step_key = models.SlugField(_("Co-sharing step"), max_length=40, blank=True)
    actors = models.ManyToManyField(
        Actor, verbose_name=_("affected actors"), related_name="obstacles", blank=True
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstacles",
        help_text=_("Empty for an obstacle met nationally."),
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    evidence = models.TextField(_("evidence and sources"), max_length=10000, blank=True)
    known_mitigation = models.TextField(_("known mitigation"), max_length=10000, blank=True)
    language = models.CharField(
        _("language of the entry"), max_length=2, choices=CONTENT_LANGUAGES, default="sv"
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ObstacleStatus.choices,
        default=ObstacleStatus.DRAFT,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="obstacles",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="obstacles",
    )
    # The reason of the latest decision the author must see (changes requested, rejected,
    # withdrawn); the full history is in ObstacleTransition.
    decision_reason = models.TextField(_("reason given"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_entries",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    # A reviewer claims an entry while working on it; a claim older than
    # settings.OBSTACLE_CLAIM_MINUTES counts as released.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    # Denormalised for "sort by most met": kept by the endorsement services under a row lock.
    endorsement_count = models.PositiveIntegerField(_("met by"), default=0)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ObstacleStatus.values), name="obstacle_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__gte=1) & Q(severity__lte=4), name="obstacle_severity_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ObstacleStatus.MERGED) | Q(merged_into__isnull=False),
                name="obstacle_merged_has_target",
            ),
        ]
        # The compilation's three orders, each ending in the newest first and the id (the
        # tie-breaker): a page is then a walk along one index, and a deep page's ids come from
        # the index alone (portal.core.paging.page_rows).
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="obstacle_pub_idx"),
            models.Index(
                fields=["status", "-severity", "-published_at", "-id"], name="obstacle_sev_idx"
            ),
            models.Index(
                fields=["status", "-endorsement_count", "-published_at", "-id"],
                name="obstacle_met_idx",
            ),
            models.Index(fields=["status", "submitted_at"], name="obstacle_queue_idx"),
            models.Index(fields=["step_key"], name="obstacle_step_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("obstacles:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == ObstacleStatus.PUBLISHED


class ObstacleTransition(models.Model):
    """Every move of an entry: who, when, from which state to which, and why."""

    obstacle = models.ForeignKey(
        Obstacle, verbose_name=_("obstacle"), on_delete=models.CASCADE, related_name="transitions"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    move = models.CharField(_("move"), max_length=20, choices=ObstacleMove.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ObstacleStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ObstacleStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        Obstacle,
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("obstacle move")
        verbose_name_plural = _("obstacle moves")

    def __str__(self) -> str:
        return f"{self.obstacle_id}: {self.from_status} → {self.to_status}"


class ReviewerNote(models.Model):
    """A private note between obstacle reviewers; never shown to the author or the public."""

    obstacle = models.ForeignKey(
        Obstacle,
        verbose_name=_("obstacle"),
        on_delete=models.CASCADE,
        related_name="reviewer_notes",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=5000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reviewer note")
        verbose_name_plural = _("reviewer notes")

    def __str__(self) -> str:
        return self.text[:60]


class Endorsement(models.Model):
    """ "We met this too": once per organisation per obstacle (once per person for people
    without an organisation), with an optional short note of where."""

    obstacle = models.ForeignKey(
        Obstacle, verbose_name=_("obstacle"), on_delete=models.CASCADE, related_name="endorsements"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("where we met it"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("“we met this too”")
        verbose_name_plural = _("“we met this too”")
        constraints = [
            models.UniqueConstraint(
                fields=["obstacle", "organisation"],
                condition=Q(organisation__isnull=False),
                name="endorsement_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["obstacle", "user"],
                condition=Q(organisation__isnull=True),
                name="endorsement_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obstacle_id}: {self.organisation_id or self.user_id}"
