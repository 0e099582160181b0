"""Calls (needs published by regions) and the collaboration proposals companies send in."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.models import StoredFile, TimeStampedModel, VersionedModel

from ..workflow import ProposalStatus


class CollaborationKind(models.TextChoices):
    TEST_BED = "testbed", _("Test in a test bed")
    CLINICAL_EVALUATION = "clinical", _("Clinical evaluation")
    CO_DEVELOPMENT = "codev", _("Co-development")
    NEEDS_DIALOGUE = "dialogue", _("Needs dialogue")
    OTHER = "other", _("Other")


class DeviceClass(models.TextChoices):
    NOT_A_DEVICE = "none", _("Not a medical device")
    UNDETERMINED = "undetermined", _("Not yet determined")
    MDR_I = "mdr_i", _("MDR class I")
    MDR_IIA = "mdr_iia", _("MDR class IIa")
    MDR_IIB = "mdr_iib", _("MDR class IIb")
    MDR_III = "mdr_iii", _("MDR class III")
    IVDR_A = "ivdr_a", _("IVDR class A")
    IVDR_B = "ivdr_b", _("IVDR class B")
    IVDR_C = "ivdr_c", _("IVDR class C")
    IVDR_D = "ivdr_d", _("IVDR class D")


class Call(TimeStampedModel, VersionedModel):
    """A need or challenge published by one region or several together.

    A call with evaluation criteria is scored (the innovation race): assigned reviewers score each
    proposal against the weighted criteria. Proposals can be submitted between `opens_at` and
    `closes_at` only.
    """

    lead_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("lead region"),
        on_delete=models.PROTECT,
        related_name="led_calls",
    )
    regions = models.ManyToManyField(
        "regions.Region",
        verbose_name=_("regions"),
        related_name="calls",
        help_text=_("The regions behind the call, the lead region included."),
    )
    # Set by the form that created the call: a second POST of the same form (a double click)
    # finds this row instead of creating another call.
    client_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=20000)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:call_detail", args=[self.pk])

    def is_open(self, at: dt.datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.published and self.opens_at <= now < self.closes_at


class CallCriterion(models.Model):
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what a reviewer looks for"), blank=True, max_length=2000)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["call", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_1_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Proposal(TimeStampedModel, VersionedModel):
    """A company's collaboration proposal, open (to a region's one way in) or answering a call."""

    # Set by the form that created the draft: a second POST of the same form finds this row
    # instead of creating another one (double submits create nothing twice).
    client_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ProposalStatus.choices,
        default=ProposalStatus.DRAFT,
        db_index=True,
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=3000)
    care_need = models.TextField(_("the care need it addresses"), blank=True, max_length=5000)
    solution = models.TextField(_("the proposed solution"), blank=True, max_length=5000)
    trl = models.PositiveSmallIntegerField(
        _("maturity (TRL 1–9)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    ce_marked = models.BooleanField(_("CE marked"), default=False)
    device_class = models.CharField(
        _("MDR / IVDR class"),
        max_length=16,
        choices=DeviceClass.choices,
        default=DeviceClass.UNDETERMINED,
    )
    collaboration_kind = models.CharField(
        _("kind of collaboration wanted"),
        max_length=16,
        choices=CollaborationKind.choices,
        blank=True,
    )
    company_brings = models.TextField(_("what the company brings"), blank=True, max_length=3000)
    company_asks = models.TextField(_("what the company asks for"), blank=True, max_length=3000)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The coordinator's latest message to the company: the changes asked for, or why it was
    # declined. Earlier messages stay in the audit trail.
    decision_message = models.TextField(_("message from the region"), blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_at", "-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="proposal_trl_1_9",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "submitted_at"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:proposal_detail", args=[self.pk])


class ProposalAttachment(StoredFile):
    """A file attached to a proposal: checked by content, stored privately, served by a view."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="private/proposals/%Y/%m/", max_length=255)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class ReviewAssignment(TimeStampedModel, VersionedModel):
    """A reviewer asked to score one proposal to a scored call, and their scores once submitted.

    A reviewer sees the other reviewers' scores only after `submitted_at` is set on their own.
    """

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="proposal_reviews",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["proposal", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="one_review_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.proposal}"


class CriterionScore(models.Model):
    review = models.ForeignKey(
        ReviewAssignment, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        CallCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
