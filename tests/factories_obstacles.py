"""Factories for the obstacle register.

`ObstacleFactory` makes a row directly (published by default), for list, search and query-count
tests that need many entries; tests about the workflow build their entries through the services
instead. Categories and actors come from migration 0002 (`reference_data` after a flush).
"""

from typing import Any

import factory
from django.utils import timezone

from obstacles.models import Actor, Category, KnowledgeArticle, Mitigation, Obstacle, Severity
from obstacles.workflow import ArticleStatus, MitigationStatus, ObstacleStatus
from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from tests.factories import UserFactory


def category(slug: str = "data-protection-cloud") -> Category:
    return Category.objects.get(slug=slug)


def actor(slug: str = "company") -> Actor:
    return Actor.objects.get(slug=slug)


def make_reviewer(email: str = "reviewer@portal.example.se", **kwargs: Any) -> Any:
    """An obstacle reviewer with a TOTP authenticator (staff roles need MFA to work)."""
    from allauth.mfa.models import Authenticator

    user = UserFactory(email=email, **kwargs)
    role_grant(user=user, role=Role.OBSTACLE_REVIEWER)
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return user


class ObstacleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obstacle
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Hinder {n}: journalsystemet saknar öppna gränssnitt")
    description = "<p>Vi kunde inte hämta mätvärden från patienternas hem till journalen.</p>"
    category = factory.LazyFunction(category)
    step_key = "test"
    severity = Severity.HIGH
    language = "sv"
    status = ObstacleStatus.PUBLISHED
    author = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == ObstacleStatus.PUBLISHED else None
    )

    @factory.post_generation
    def actors(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.actors.set(extracted)


class MitigationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mitigation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Lösning {n}")
    description = "<p>Vi använde en svensk molnleverantör med avtal om personuppgiftsbiträde.</p>"
    status = MitigationStatus.PUBLISHED
    author = factory.SubFactory(UserFactory)
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def obstacles(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.obstacles.set(extracted)


class KnowledgeArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeArticle
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Molntjänster och sekretess {n}")
    summary = "Vad offentlighets- och sekretesslagen innebär för molntjänster."
    body = "<p>Röjande av uppgifter till en molnleverantör kräver en sekretessprövning.</p>"
    topic = "cloud_secrecy"
    status = ArticleStatus.PUBLISHED
    author = factory.SubFactory(UserFactory)
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def obstacles(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.obstacles.set(extracted)
