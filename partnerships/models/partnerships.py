"""A partnership between a region and its partners, moving through the Co-sharing steps."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.core.i18n import current_language
from portal.core.models import StoredFile, TimeStampedModel, VersionedModel

from ..workflow import PartnershipStatus
from .process import ChecklistItem, ProcessStep, ProcessTemplate
from .proposals import CollaborationKind, Proposal


class Partnership(TimeStampedModel, VersionedModel):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnership",
    )
    collaboration_kind = models.CharField(
        _("kind of collaboration"),
        max_length=16,
        choices=CollaborationKind.choices,
        default=CollaborationKind.OTHER,
    )
    template = models.ForeignKey(
        ProcessTemplate,
        verbose_name=_("process template"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    current_step = models.ForeignKey(
        ProcessStep,
        verbose_name=_("current step"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.ACTIVE,
        db_index=True,
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-last_activity_at", "-id"]
        permissions = [
            ("work_on_partnership", _("Work on the partnership (checklist, documents, agreement)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PartnershipStatus.values), name="partnership_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["region", "status", "current_step"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", args=[self.pk])


class PartnershipUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Partnership, on_delete=models.CASCADE)


class PartnershipGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Partnership, on_delete=models.CASCADE)


class PartyKind(models.TextChoices):
    REGION = "region", _("Region")
    COMPANY = "company", _("Company")
    ACADEMIA = "academia", _("Academia")
    OTHER = "other", _("Other organisation")


class PartnershipParty(TimeStampedModel):
    """One party to a partnership: the region (or one of its units), or an organisation."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="parties"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "regions.InnovationUnit",
        verbose_name=_("innovation unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnership_parties",
    )
    role = models.CharField(_("role in the partnership"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["partnership", "kind", "id"]
        constraints = [
            # A party is either the region (kind region) or an organisation, never both.
            models.CheckConstraint(
                condition=(
                    Q(kind="region", region__isnull=False, organisation__isnull=True)
                    | (~Q(kind="region") & Q(region__isnull=True, organisation__isnull=False))
                ),
                name="party_is_region_or_organisation",
            ),
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                condition=Q(organisation__isnull=False),
                name="organisation_party_once",
            ),
            models.UniqueConstraint(
                fields=["partnership"], condition=Q(kind="region"), name="one_region_party"
            ),
        ]

    def __str__(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        if self.unit_id:
            return f"{self.region} – {self.unit}"
        return str(self.region)


class PartyMember(TimeStampedModel):
    """A named person acting for a party, with their role (project lead, clinical contact …)."""

    party = models.ForeignKey(
        PartnershipParty, verbose_name=_("party"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="partnership_roles",
    )
    role = models.CharField(_("role"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        constraints = [
            models.UniqueConstraint(fields=["party", "user"], name="party_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})" if self.role else str(self.user)


class ChecklistCheck(models.Model):
    """A checklist item ticked for a partnership (its absence means not done)."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="checks"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("done"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "item"], name="check_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.item}"


class GateApproval(models.Model):
    """An approval of a step's gate. Moving back voids the approvals from the target step on."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="gate_approvals",
    )
    step = models.ForeignKey(
        ProcessStep, verbose_name=_("step"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)

    class Meta:
        verbose_name = _("gate approval")
        verbose_name_plural = _("gate approvals")
        ordering = ["-approved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "step"],
                condition=Q(voided_at__isnull=True),
                name="one_valid_approval_per_gate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.step}"


class PartnershipDocument(StoredFile):
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    step = models.ForeignKey(
        ProcessStep,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="private/partnerships/%Y/%m/", max_length=255)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PartnershipMessage(TimeStampedModel):
    """A post in the partnership's discussion thread."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=10000)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class EventKind(models.TextChoices):
    CREATED = "created", _("Partnership started")
    ADVANCED = "advanced", _("Moved to the next step")
    MOVED_BACK = "moved_back", _("Moved back")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    CLOSED = "closed", _("Closed")
    CHECKLIST = "checklist", _("Checklist updated")
    GATE_APPROVED = "gate_approved", _("Gate approved")
    DOCUMENT = "document", _("Document added")
    MESSAGE = "message", _("Message posted")
    PARTY = "party", _("Parties changed")
    AGREEMENT = "agreement", _("Agreement changed")
    AGREEMENT_ACCEPTED = "agreement_accepted", _("Agreement accepted")
    AGREEMENT_IN_FORCE = "agreement_in_force", _("Agreement in force")
    OBSTACLE = "obstacle", _("Obstacle noted")


class PartnershipEvent(models.Model):
    """The partnership's timeline: who did what, when, and from which step to which."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="events"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=24, choices=EventKind.choices)
    from_step = models.ForeignKey(
        ProcessStep,
        verbose_name=_("from step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_step = models.ForeignKey(
        ProcessStep,
        verbose_name=_("to step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What people wrote (a reason, a comment, a title), shown as written.
    text = models.TextField(_("details"), blank=True)
    # What the portal wrote about the event, in each language (see `in_each_language`), so each
    # reader sees it in their own language.
    texts = models.JSONField(_("details in each language"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.get_kind_display()}"

    @property
    def description(self) -> str:
        """The portal's words in the reader's language, then what the person wrote."""
        generated = self.texts.get(current_language()) or self.texts.get("sv", "")
        return "\n".join(part for part in (generated, self.text) if part)


class ObstacleNote(TimeStampedModel):
    """An obstacle met during a partnership, noted on the step where it bit.

    The obstacle register (obstacles app) attaches here: a note may later be linked to a
    published obstacle entry or become one.
    """

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="obstacle_notes",
    )
    step = models.ForeignKey(
        ProcessStep, verbose_name=_("step"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("the obstacle"), max_length=5000)
    # The register entry this note was linked to (or became); SET_NULL keeps the note if the
    # entry goes. Merging entries moves these links to the surviving entry.
    obstacle = models.ForeignKey(
        "obstacles.Obstacle",
        verbose_name=_("obstacle in the register"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnership_notes",
    )

    class Meta:
        verbose_name = _("obstacle note")
        verbose_name_plural = _("obstacle notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]
