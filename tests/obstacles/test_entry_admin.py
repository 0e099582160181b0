"""The Django admin shows the register and lets portal admins keep categories and actors; the
entries themselves change only through the portal's services."""

from typing import Any

import pytest
from django.urls import reverse

from obstacles.models import (
    Actor,
    Category,
    Endorsement,
    KnowledgeArticle,
    Mitigation,
    Obstacle,
    ObstacleTransition,
    ReviewerNote,
)
from obstacles.services import entries as services
from obstacles.workflow import ObstacleStatus
from tests.factories_obstacles import KnowledgeArticleFactory, MitigationFactory
from tests.factories_process import make_admin

from .test_entry_scene import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

MODELS = [
    Actor,
    Category,
    Endorsement,
    KnowledgeArticle,
    Mitigation,
    Obstacle,
    ObstacleTransition,
    ReviewerNote,
]
READ_ONLY = [Endorsement, KnowledgeArticle, Mitigation, Obstacle, ObstacleTransition, ReviewerNote]


def _url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:obstacles_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client: Any, entry_in: Any, reviewer: Any) -> Any:
    entry = entry_in(ObstacleStatus.IN_REVIEW, title="Hinder i admin")
    services.reviewer_note_add(obstacle=entry, reviewer=reviewer, text="Anteckning")
    MitigationFactory(obstacles=[entry])
    KnowledgeArticleFactory(obstacles=[entry])
    Endorsement.objects.create(obstacle=entry, user=reviewer)
    admin = make_admin()
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_listed_searchable_and_shown(admin_client: Any, model: Any) -> None:
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "hinder"}).status_code == 200
    row = model.objects.first()
    assert admin_client.get(_url(model, "change", row.pk)).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_register_rows_cannot_be_added_changed_or_deleted_in_the_admin(
    admin_client: Any, model: Any
) -> None:
    row = model.objects.first()
    assert admin_client.get(_url(model, "add")).status_code == 403
    assert admin_client.get(_url(model, "delete", row.pk)).status_code == 403
    response = admin_client.post(_url(model, "change", row.pk), {})
    assert response.status_code == 403


def test_an_entrys_status_cannot_be_changed_in_the_admin(admin_client: Any) -> None:
    entry = Obstacle.objects.get(title="Hinder i admin")
    page = admin_client.get(_url(Obstacle, "change", entry.pk)).content.decode()
    assert 'name="status"' not in page
    assert "In review" in page


def test_a_portal_admin_adds_a_category_and_its_key_then_stays_fixed(admin_client: Any) -> None:
    response = admin_client.post(
        _url(Category, "add"),
        {
            "slug": "ethics",
            "name_sv": "Etik",
            "name_en": "Ethics",
            "description_sv": "",
            "description_en": "",
            "order": 95,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    category = Category.objects.get(slug="ethics")
    page = admin_client.get(_url(Category, "change", category.pk)).content.decode()
    assert 'name="slug"' not in page and 'name="name_sv"' in page
    assert admin_client.get(_url(Category, "delete", category.pk)).status_code == 403
