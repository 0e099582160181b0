"""The agreement at the agreement step: clauses from a library, versions and acceptances."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.i18n import localized
from portal.core.models import TimeStampedModel, VersionedModel

from ..workflow import AgreementStatus
from .partnerships import Partnership, PartnershipParty


class ClauseKind(models.TextChoices):
    COLLABORATION = "collaboration", _("Type of collaboration")
    IP = "ip", _("Intellectual property")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality")
    DATA_PROTECTION = "data_protection", _("Data protection and secrecy")
    COMPENSATION = "compensation", _("Compensation")
    PUBLICATION = "publication", _("Publication rights")
    DURATION = "duration", _("Duration and ending")
    COMPETITION = "competition", _("Competition neutrality")


class Clause(models.Model):
    """A clause in the library, in both languages, with variables the parties fill in.

    `body_sv`/`body_en` name variables as `{name}`; `variables` describes them:
    `[{"name": "hours", "label_sv": "…", "label_en": "…", "type": "number"}, …]` (types: text,
    number, decimal, date). `collaboration_kinds` lists the kinds of collaboration that switch the
    clause on (empty: every kind).
    """

    key = models.SlugField(_("key"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=ClauseKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_sv = models.CharField(_("title in Swedish"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200)
    body_sv = models.TextField(_("text in Swedish"))
    body_en = models.TextField(_("text in English"))
    variables = models.JSONField(_("variables"), default=list, blank=True)
    collaboration_kinds = models.JSONField(_("kinds of collaboration"), default=list, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clause library")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def body(self) -> str:
        return localized(self, "body")


class RegionRoleInAgreement(models.TextChoices):
    CUSTOMER = "customer", _("The region as customer")
    DEVELOPMENT_PARTNER = "partner", _("The region as development partner")


class Agreement(TimeStampedModel, VersionedModel):
    partnership = models.OneToOneField(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="agreement",
    )
    language = models.CharField(
        _("language of the agreement"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    region_role = models.CharField(
        _("the region's role"),
        max_length=16,
        choices=RegionRoleInAgreement.choices,
        default=RegionRoleInAgreement.DEVELOPMENT_PARTNER,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    in_force_at = models.DateTimeField(_("in force since"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="agreement_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.partnership)


class AgreementClause(models.Model):
    """A clause switched on in one agreement, with the values the parties filled in."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="clauses"
    )
    clause = models.ForeignKey(
        Clause, verbose_name=_("clause"), on_delete=models.PROTECT, related_name="+"
    )
    values = models.JSONField(_("values"), default=dict, blank=True)

    class Meta:
        verbose_name = _("agreement clause")
        verbose_name_plural = _("agreement clauses")
        ordering = ["clause__order", "clause__key"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "clause"], name="clause_once"),
        ]

    def __str__(self) -> str:
        return str(self.clause)


class AgreementVersion(models.Model):
    """The agreement's text as it stood at one change; acceptances refer to one version."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    checksum = models.CharField(_("SHA-256 of the text"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class AgreementAcceptance(models.Model):
    """A party's acceptance of one version: who, when, and the checksum of the text they saw."""

    version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="acceptances",
    )
    party = models.ForeignKey(
        PartnershipParty, verbose_name=_("party"), on_delete=models.CASCADE, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)
    checksum = models.CharField(_("SHA-256 of the accepted text"), max_length=64)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["accepted_at"]
        constraints = [
            # One standing acceptance per version and party; voided ones stay as history.
            models.UniqueConstraint(
                fields=["version", "party"],
                condition=Q(voided_at__isnull=True),
                name="accept_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} – v{self.version.number}"


class RuleCheck(models.Model):
    """One of the SKR / Swedish Medtech collaboration rules confirmed for an agreement."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="rule_checks"
    )
    rule = models.CharField(_("rule"), max_length=40)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("confirmed"), auto_now_add=True)

    class Meta:
        verbose_name = _("collaboration rule confirmed")
        verbose_name_plural = _("collaboration rules confirmed")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "rule"], name="rule_once"),
        ]

    def __str__(self) -> str:
        return self.rule
