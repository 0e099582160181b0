"""Process templates: sanitised guidance, a region's own copy, and revisions that leave running
partnerships on the steps they started with."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnerships.models import ProcessTemplate
from partnerships.services.partnerships import advance_blockers
from partnerships.services.process import (
    checklist_item_add,
    checklist_item_remove,
    checklist_item_update,
    clean_guidance,
    template_copy_for_region,
    template_step_update,
)
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import make_partnership

pytestmark = pytest.mark.django_db


def _default() -> ProcessTemplate:
    return ProcessTemplate.objects.get(family="co-sharing", is_current=True)


def test_clean_guidance_keeps_the_small_subset() -> None:
    html = (
        '<p onclick="x()">Hej <strong>du</strong><script>alert(1)</script></p>'
        '<img src=x><a href="javascript:alert(1)">bad</a><a href="https://skr.se">SKR</a>'
        "<ul><li>one</li></ul><h3>Rubrik</h3><style>p{}</style>"
    )
    cleaned = clean_guidance(html)
    assert "<script" not in cleaned and "alert(1)" not in cleaned.replace("javascript", "")
    assert "onclick" not in cleaned and "<img" not in cleaned and "<style" not in cleaned
    assert "javascript:" not in cleaned
    assert '<a href="https://skr.se" rel="noopener noreferrer">SKR</a>' in cleaned
    assert "<strong>du</strong>" in cleaned and "<ul><li>one</li></ul>" in cleaned
    assert "<h3>Rubrik</h3>" in cleaned


def test_region_coordinator_copies_the_default(coordinator: Any, region: Any) -> None:
    copy = template_copy_for_region(actor=coordinator, template=_default(), region=region)
    assert copy.family == "region-uppsala" and copy.region == region and copy.is_current
    assert copy.based_on == _default()
    assert list(copy.steps.values_list("key", flat=True)) == list(
        _default().steps.values_list("key", flat=True)
    )
    assert sum(s.checklist.count() for s in copy.steps.all()) == sum(
        s.checklist.count() for s in _default().steps.all()
    )
    with pytest.raises(ValidationError):
        template_copy_for_region(actor=coordinator, template=_default(), region=region)


def test_other_coordinator_cannot_copy_for_the_region(other_coordinator: Any, region: Any) -> None:
    with pytest.raises(PermissionDenied):
        template_copy_for_region(actor=other_coordinator, template=_default(), region=region)


def test_only_admins_edit_the_default(coordinator: Any, portal_admin: Any) -> None:
    step = _default().steps.get(key="entry")
    with pytest.raises(PermissionDenied):
        template_step_update(actor=coordinator, step=step, data={"name_en": "Intake"})
    changed = template_step_update(actor=portal_admin, step=step, data={"name_en": "Intake"})
    assert changed.name_en == "Intake"


def test_edit_of_unused_template_changes_it_in_place(coordinator: Any, region: Any) -> None:
    own = template_copy_for_region(actor=coordinator, template=_default(), region=region)
    step = own.steps.get(key="entry")
    changed = template_step_update(
        actor=coordinator,
        step=step,
        data={"guidance_sv": "<p>Ny text</p><script>x</script>"},
    )
    assert changed.pk == step.pk
    assert changed.guidance_sv == "<p>Ny text</p>"
    assert ProcessTemplate.objects.filter(family=own.family).count() == 1


def test_revision_keeps_running_partnerships_on_old_steps(coordinator: Any, region: Any) -> None:
    own = template_copy_for_region(actor=coordinator, template=_default(), region=region)
    running = make_partnership(coordinator=coordinator)
    assert running.template == own
    old_entry = running.current_step
    old_items = list(old_entry.checklist.values_list("pk", "text_en", "required"))

    new_item = checklist_item_add(
        actor=coordinator,
        step=old_entry,
        data={
            "text_sv": "Ny punkt",
            "text_en": "New item",
            "help_sv": "",
            "help_en": "",
            "required": True,
        },
    )
    revised = new_item.step.template
    assert revised.pk != own.pk and revised.revision == own.revision + 1
    assert revised.is_current
    own.refresh_from_db()
    assert not own.is_current
    running.refresh_from_db()
    assert running.template == own and running.current_step == old_entry
    assert list(old_entry.checklist.values_list("pk", "text_en", "required")) == old_items
    assert "New item" not in advance_blockers(running)

    # Later edits go to the new revision, which no partnership uses yet: no third revision.
    first = revised.steps.get(key="entry").checklist.order_by("order").first()
    checklist_item_update(actor=coordinator, item=first, data={"required": False})
    checklist_item_remove(actor=coordinator, item=new_item)
    assert ProcessTemplate.objects.filter(family=own.family).count() == 2

    # New partnerships run on the new revision.
    newcomer = make_partnership(coordinator=coordinator)
    assert newcomer.template == revised


def test_step_edit_page_keeps_input_and_saves(client: Any, coordinator: Any, region: Any) -> None:
    own = template_copy_for_region(actor=coordinator, template=_default(), region=region)
    step = own.steps.get(key="entry")
    client.force_login(coordinator)
    url = reverse("partnerships:template_step_edit", args=[own.pk, step.pk])
    assert client.get(url).status_code == 200
    data = {
        "name_sv": "",
        "name_en": "Intake",
        "guidance_sv": "<p>Typed</p>",
        "guidance_en": step.guidance_en,
        "documents_sv": "",
        "documents_en": "",
        "gate_role": "coordinator",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "&lt;p&gt;Typed&lt;/p&gt;" in response.content.decode()
    data["name_sv"] = "Intag"
    assert client.post(url, data).status_code == 302
    step.refresh_from_db()
    assert step.name_sv == "Intag"


@pytest.mark.parametrize(
    ("actor_name", "list_status", "default_status", "own_edit_status"),
    [
        ("coordinator", 200, 200, 200),
        ("other_coordinator", 200, 200, 404),
        ("portal_admin", 200, 200, 200),
        ("company_member", 404, 404, 404),
        ("sponsor", 404, 404, 404),
    ],
)
def test_template_pages_permissions(
    client: Any,
    request: pytest.FixtureRequest,
    coordinator: Any,
    region: Any,
    actor_name: str,
    list_status: int,
    default_status: int,
    own_edit_status: int,
) -> None:
    own = template_copy_for_region(actor=coordinator, template=_default(), region=region)
    client.force_login(request.getfixturevalue(actor_name))
    assert client.get(reverse("partnerships:template_list")).status_code == list_status
    assert (
        client.get(reverse("partnerships:template_detail", args=[_default().pk])).status_code
        == default_status
    )
    step = own.steps.get(key="entry")
    edit = reverse("partnerships:template_step_edit", args=[own.pk, step.pk])
    assert client.get(edit).status_code == own_edit_status


def test_copy_button(client: Any, coordinator: Any, region: Any) -> None:
    client.force_login(coordinator)
    html = client.get(reverse("partnerships:template_list")).content.decode()
    url = reverse("partnerships:template_copy", args=[region.slug])
    assert url in html
    response = client.post(url)
    assert response.status_code == 302
    assert ProcessTemplate.objects.filter(region=region, is_current=True).exists()


def test_other_coordinator_copy_is_404(client: Any, other_coordinator: Any, region: Any) -> None:
    client.force_login(other_coordinator)
    response = client.post(reverse("partnerships:template_copy", args=[region.slug]))
    assert response.status_code == 404
    assert not ProcessTemplate.objects.filter(region=region).exists()
