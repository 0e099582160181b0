"""The Co-sharing process as data: templates with ordered steps, checklists and gates.

A template that a partnership runs on is never changed in place: editing it makes a new revision
(`services.process.template_revise`), so partnerships already running keep the steps they started
with. A region may copy the national default and keep its own variant.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.i18n import localized
from portal.core.models import TimeStampedModel


class GateRole(models.TextChoices):
    NONE = "none", _("No approval needed")
    COORDINATOR = "coordinator", _("A region coordinator")
    SPONSOR = "sponsor", _("The region's management sponsor")
    PARTIES = "parties", _("All parties (the agreement in force)")


class ProcessTemplate(TimeStampedModel):
    # All revisions of one template share a family; the newest is the one new partnerships get.
    family = models.SlugField(_("family"), max_length=80)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    is_current = models.BooleanField(_("current revision"), default=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="process_templates",
        help_text=_("Empty for the national default."),
    )
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("process template")
        verbose_name_plural = _("process templates")
        ordering = ["family", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["family", "revision"], name="template_revision_unique"),
            models.UniqueConstraint(
                fields=["family"], condition=Q(is_current=True), name="one_current_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.revision})"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class ProcessStep(models.Model):
    template = models.ForeignKey(
        ProcessTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("Stable name of the step, e.g. “agreement”; the agreement step has that key."),
    )
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    # Formatted guidance: a small, sanitised subset of HTML (see services.process.clean_guidance).
    guidance_sv = models.TextField(_("guidance in Swedish"), blank=True)
    guidance_en = models.TextField(_("guidance in English"), blank=True)
    documents_sv = models.TextField(
        _("expected documents in Swedish"), blank=True, help_text=_("One document per line.")
    )
    documents_en = models.TextField(
        _("expected documents in English"), blank=True, help_text=_("One document per line.")
    )
    gate_role = models.CharField(
        _("gate: who approves"), max_length=16, choices=GateRole.choices, default=GateRole.NONE
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="step_order_unique"),
            models.UniqueConstraint(fields=["template", "key"], name="step_key_unique"),
            models.CheckConstraint(condition=Q(gate_role__in=GateRole.values), name="gate_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def guidance(self) -> str:
        return localized(self, "guidance")

    @property
    def expected_documents(self) -> list[str]:
        return [line.strip() for line in localized(self, "documents").splitlines() if line.strip()]

    @property
    def is_agreement_step(self) -> bool:
        return self.key == "agreement"


class ChecklistItem(models.Model):
    step = models.ForeignKey(
        ProcessStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="checklist"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text_sv = models.CharField(_("item in Swedish"), max_length=300)
    text_en = models.CharField(_("item in English"), max_length=300)
    help_sv = models.TextField(_("help in Swedish"), blank=True)
    help_en = models.TextField(_("help in English"), blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["step", "order"]
        constraints = [
            models.UniqueConstraint(fields=["step", "order"], name="checklist_order_unique"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def help(self) -> str:
        return localized(self, "help")
