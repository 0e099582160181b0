"""The public Co-sharing process guide (`partnerships:guide`): every step of the national
default in order, with its guidance, checklist, expected documents and gate, each at the anchor
an obstacle's page links to; a region's own variant on request."""

import re
from typing import Any

import pytest
from django.urls import reverse

from partnerships.models import ProcessStep, ProcessTemplate
from partnerships.services.partnerships import DEFAULT_FAMILY
from partnerships.services.process import (
    checklist_item_add,
    template_copy_for_region,
    template_step_update,
)
from regions.models import Region
from tests.factories_process import make_admin, make_region_person
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

GUIDE = reverse("partnerships:guide")
KEYS = ["entry", "needs", "agreement", "test", "evaluation", "dissemination"]


def default() -> ProcessTemplate:
    return ProcessTemplate.objects.get(region__isnull=True, is_current=True, family=DEFAULT_FAMILY)


def test_the_guide_is_public_with_every_step_in_order_at_its_anchor(client: Any) -> None:
    response = client.get(GUIDE)

    assert response.status_code == 200
    body = response.content.decode()
    assert re.findall(r'<section id="step-([a-z]+)"', body) == KEYS
    for key in KEYS:
        assert f'href="#step-{key}"' in body
    assert "1. Entry and triage" in body
    assert "6. Dissemination and implementation" in body


def test_each_step_shows_guidance_checklist_documents_and_gate(client: Any) -> None:
    body = client.get(GUIDE).content.decode()

    entry = body[body.index('id="step-entry"') : body.index('id="step-needs"')]
    # Guidance is stored sanitised and shown as formatted text.
    assert "<strong>one way in</strong>" in entry
    assert "Request registered in the one way in" in entry
    assert '<span class="badge">required</span>' in entry
    assert "Use the triage forum&#x27;s template." in entry
    assert "Triage minutes" in entry
    assert "A region coordinator" in entry
    needs = body[body.index('id="step-needs"') : body.index('id="step-agreement"')]
    assert "The region&#x27;s management sponsor" in needs


def test_each_step_links_to_the_obstacles_met_there(client: Any) -> None:
    body = client.get(GUIDE).content.decode()

    assert f'href="{reverse("obstacles:list")}?step=agreement"' in body


def test_the_guide_is_in_swedish_for_swedish_readers(client: Any) -> None:
    client.cookies["portal_language"] = "sv"

    body = client.get(GUIDE).content.decode()

    assert "Inkommande och triage" in body
    assert "<strong>en väg in</strong>" in body


def test_a_regions_own_variant_is_shown_on_request(client: Any) -> None:
    region = Region.objects.get(slug="uppsala")
    coordinator = make_region_person("uppsala")
    copy = template_copy_for_region(actor=coordinator, template=default(), region=region)
    step = ProcessStep.objects.get(template=copy, key="test")
    template_step_update(
        actor=coordinator,
        step=step,
        data={
            "name_en": "Test in Uppsala's innovation nodes",
            "guidance_en": "<p>Book a node.</p>",
        },
    )

    variant = client.get(GUIDE, {"region": "uppsala"}).content.decode()
    national = client.get(GUIDE).content.decode()

    assert "The Co-sharing process – Region Uppsala" in variant
    assert "Test in Uppsala&#x27;s innovation nodes" in variant
    assert "<p>Book a node.</p>" in variant
    assert 'id="step-test"' in variant
    assert "Test in Uppsala" not in national


def test_a_region_without_a_variant_follows_the_default(client: Any) -> None:
    body = client.get(GUIDE, {"region": "gotland"}).content.decode()

    assert "Region Gotland follows the national default process." in body
    assert re.findall(r'<section id="step-([a-z]+)"', body) == KEYS


def test_an_unknown_region_gets_a_clear_message_and_the_default(client: Any) -> None:
    response = client.get(GUIDE, {"region": "atlantis"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose a region from the list." in body
    assert re.findall(r'<section id="step-([a-z]+)"', body) == KEYS


def test_the_guide_costs_the_same_queries_for_more_checklist_items(client: Any) -> None:
    few = count_queries(client, GUIDE)
    admin = make_admin()
    for step in default().steps.all():
        checklist_item_add(
            actor=admin, step=step, data={"text_sv": "Extra", "text_en": "Extra", "required": False}
        )

    assert count_queries(client, GUIDE) == few
