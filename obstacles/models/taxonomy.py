"""Categories and actors are data, so a portal admin can add one without a release."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.i18n import localized


class Category(models.Model):
    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Inactive categories are not offered for new entries."),
    )

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("obstacle category")
        verbose_name_plural = _("obstacle categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class Actor(models.Model):
    """Who an obstacle affects: healthcare, company, academia, patients."""

    slug = models.SlugField(_("key"), max_length=40, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("affected actor")
        verbose_name_plural = _("affected actors")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")
