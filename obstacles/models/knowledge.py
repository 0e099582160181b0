"""Knowledge articles: the Co-creation deep dive into cloud-based digital solutions."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.models import TimeStampedModel, VersionedModel

from ..workflow import ArticleStatus
from .obstacles import CONTENT_LANGUAGES, Obstacle


class KnowledgeTopic(models.TextChoices):
    CLOUD_SECRECY = "cloud_secrecy", _("Cloud services and secrecy")
    THIRD_COUNTRY = "third_country", _("Transfers to third countries")
    SECURITY_CLASSIFICATION = "security_classification", _("Information security classification")
    CLOUD_PROCUREMENT = "cloud_procurement", _("Procurement of cloud services")
    PATIENT_DATA = "patient_data", _("Patient data and access control")
    INTEROPERABILITY = "interoperability", _("Interoperability and standards")
    OTHER = "other", pgettext_lazy("knowledge topic", "Other")


class KnowledgeArticle(TimeStampedModel, VersionedModel):
    """`body` is sanitised HTML; `references` one reference (or link) per line.
    `search_vector` is kept by a PostgreSQL trigger, like Obstacle's."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000)
    body = models.TextField(_("body"), max_length=100000)
    references = models.TextField(
        _("references"), max_length=10000, blank=True, help_text=_("One reference per line.")
    )
    topic = models.CharField(_("topic"), max_length=40, choices=KnowledgeTopic.choices)
    language = models.CharField(
        _("language of the article"), max_length=2, choices=CONTENT_LANGUAGES, default="sv"
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_articles",
    )
    obstacles = models.ManyToManyField(
        Obstacle,
        verbose_name=_("obstacles it addresses"),
        related_name="knowledge_articles",
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values), name="article_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("obstacles:article_detail", args=[self.pk])
