from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.core.models import TimeStampedModel, VersionedModel


class Region(TimeStampedModel, VersionedModel):
    """One of Sweden's 21 regions; loaded by a data migration, edited by its coordinators."""

    code = models.CharField(_("county code"), max_length=2, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    participating = models.BooleanField(
        _("takes part in the programme"),
        default=False,
        help_text=_("Regions taking part are listed first."),
    )
    description = models.TextField(_("description"), blank=True, max_length=10000)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        permissions = [
            ("coordinate_region", _("Coordinate the region (edit its page and units)")),
            ("sponsor_region", _("Sponsor the region's partnerships (management)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2}$"), name="region_code_2_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv

    def get_absolute_url(self) -> str:
        return reverse("regions:detail", args=[self.slug])


class RegionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)


class RegionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)


class UnitKind(models.TextChoices):
    INNOVATION_OFFICE = "office", _("Innovation office")
    INNOVATION_NODE = "node", _("Innovation node")
    INNOVATION_CLINIC = "clinic", _("Innovation clinic")
    TEST_BED = "testbed", _("Test bed")


class InnovationUnit(TimeStampedModel, VersionedModel):
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="units"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    offers = models.TextField(_("what it offers companies"), blank=True, max_length=5000)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("innovation unit")
        verbose_name_plural = _("innovation units")
        ordering = ["region", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_name_unique_in_region"),
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class RegionRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Region coordinator")
    SPONSOR = "sponsor", _("Management sponsor")


class RegionAssignment(TimeStampedModel):
    """A person's role in a region, given by a portal admin. The service grants the rights."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="region_assignments",
    )
    role = models.CharField(_("role"), max_length=16, choices=RegionRole.choices)
    title = models.CharField(_("title"), max_length=150, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("region assignment")
        verbose_name_plural = _("region assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "user", "role"], name="region_assignment_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=RegionRole.values), name="region_assignment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.region}"
