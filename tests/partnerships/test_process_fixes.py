"""Review fixes: stale template edits keep the typed text (409), copying a template for a region
is refused cleanly, a checklist tick needs a clear "done", and test admins keep their sessions."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnerships.models import ChecklistItem, ProcessTemplate
from partnerships.services.process import checklist_item_remove, template_copy_for_region
from portal.core.models import AuditEvent
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.factories_process import make_admin, make_region_person

pytestmark = pytest.mark.django_db

STEP_DATA = {
    "name_sv": "Första",
    "name_en": "First",
    "guidance_sv": "",
    "guidance_en": "",
    "documents_sv": "",
    "documents_en": "",
    "gate_role": "none",
}
STALE = "The process was changed meanwhile (now revision 2)"


def _url(name: str, *args: Any) -> str:
    return reverse(f"partnerships:{name}", args=args)


def _current(family: str = "co-sharing") -> ProcessTemplate:
    return ProcessTemplate.objects.get(family=family, is_current=True)


@pytest.fixture
def editor(client: Any, partnership: Any) -> Any:
    """A signed-in portal admin and a partnership that runs on the default (revision 1)."""
    admin = make_admin()
    client.force_login(admin)
    return admin


def _first_edit_makes_revision_two(client: Any, template: ProcessTemplate) -> None:
    step = template.steps.order_by("order").first()
    response = client.post(_url("template_step_edit", template.pk, step.pk), STEP_DATA)
    assert response.status_code == 302
    assert _current().revision == 2


# --- 1. Stale edits ------------------------------------------------------------------------------


def test_second_step_edit_on_the_old_revision_keeps_the_text_with_409(
    client: Any, editor: Any, partnership: Any
) -> None:
    old = partnership.template
    step = old.steps.order_by("order").first()
    _first_edit_makes_revision_two(client, old)
    current = _current()
    new_step = current.steps.get(key=step.key)

    response = client.post(
        _url("template_step_edit", old.pk, step.pk), dict(STEP_DATA, name_en="Typed again")
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert STALE in html
    assert 'value="Typed again"' in html
    assert f'action="{_url("template_step_edit", current.pk, new_step.pk)}"' in html
    new_step.refresh_from_db()
    assert new_step.name_en == "First"  # nothing saved by the stale post
    assert _current().revision == 2

    # Saving again from the re-rendered form lands on the current revision.
    response = client.post(
        _url("template_step_edit", current.pk, new_step.pk), dict(STEP_DATA, name_en="Typed again")
    )
    assert response.status_code == 302
    new_step.refresh_from_db()
    assert new_step.name_en == "Typed again"


def test_get_of_an_old_revision_edit_page_goes_to_the_current_one(
    client: Any, editor: Any, partnership: Any
) -> None:
    old = partnership.template
    step = old.steps.order_by("order").first()
    _first_edit_makes_revision_two(client, old)
    current = _current()
    response = client.get(_url("template_step_edit", old.pk, step.pk))
    assert response.status_code == 302
    assert response["Location"] == _url(
        "template_step_edit", current.pk, current.steps.get(key=step.key).pk
    )


def test_stale_item_edit_keeps_the_text_with_409(
    client: Any, editor: Any, partnership: Any
) -> None:
    old = partnership.template
    item = ChecklistItem.objects.filter(step__template=old).order_by("step__order", "order")[0]
    _first_edit_makes_revision_two(client, old)
    current = _current()
    target = ChecklistItem.objects.get(
        step__template=current, step__key=item.step.key, order=item.order
    )
    data = {"text_sv": "Nytt", "text_en": "Kept text", "help_sv": "", "help_en": ""}

    response = client.post(_url("template_item_edit", old.pk, item.pk), data)

    assert response.status_code == 409
    html = response.content.decode()
    assert STALE in html and 'value="Kept text"' in html
    assert f'action="{_url("template_item_edit", current.pk, target.pk)}"' in html
    target.refresh_from_db()
    assert target.text_en == item.text_en


def test_stale_item_edit_of_an_item_removed_meanwhile_offers_to_add_it(
    client: Any, editor: Any, partnership: Any
) -> None:
    old = partnership.template
    item = ChecklistItem.objects.filter(step__template=old).order_by("step__order", "order")[0]
    _first_edit_makes_revision_two(client, old)
    current = _current()
    target = ChecklistItem.objects.get(
        step__template=current, step__key=item.step.key, order=item.order
    )
    checklist_item_remove(actor=editor, item=target)
    data = {"text_sv": "Nytt", "text_en": "Kept text", "help_sv": "", "help_en": ""}

    response = client.post(_url("template_item_edit", old.pk, item.pk), data)

    assert response.status_code == 409
    html = response.content.decode()
    assert STALE in html and 'value="Kept text"' in html
    assert f'action="{_url("template_item_add", current.pk, target.step_id)}"' in html


def test_stale_item_add_keeps_the_text_with_409(client: Any, editor: Any, partnership: Any) -> None:
    old = partnership.template
    step = old.steps.order_by("order").first()
    _first_edit_makes_revision_two(client, old)
    current = _current()
    new_step = current.steps.get(key=step.key)
    before = new_step.checklist.count()

    response = client.post(
        _url("template_item_add", old.pk, step.pk), {"text_sv": "Ny", "text_en": "Kept new"}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert STALE in html and 'value="Kept new"' in html
    assert f'action="{_url("template_item_add", current.pk, new_step.pk)}"' in html
    assert new_step.checklist.count() == before


def test_stale_item_remove_removes_nothing_and_shows_the_current_revision(
    client: Any, editor: Any, partnership: Any
) -> None:
    old = partnership.template
    item = ChecklistItem.objects.filter(step__template=old).order_by("step__order", "order")[0]
    _first_edit_makes_revision_two(client, old)
    current = _current()
    count = ChecklistItem.objects.filter(step__template=current).count()

    response = client.post(_url("template_item_remove", old.pk, item.pk))

    assert response.status_code == 409
    assert "nothing was removed" in response.content.decode()
    assert response.context["template"] == current
    assert ChecklistItem.objects.filter(step__template=current).count() == count
    assert ChecklistItem.objects.filter(pk=item.pk).exists()


def test_old_revision_stays_404_for_someone_who_may_not_edit_the_current(
    client: Any, editor: Any, partnership: Any, coordinator: Any
) -> None:
    old = partnership.template
    step = old.steps.order_by("order").first()
    _first_edit_makes_revision_two(client, old)
    client.force_login(coordinator)  # sees the national default, may not edit it
    response = client.post(_url("template_step_edit", old.pk, step.pk), STEP_DATA)
    assert response.status_code == 404


# --- 2. Copying for a region ---------------------------------------------------------------------


def test_only_the_national_default_is_copied(coordinator: Any, region: Any) -> None:
    own = template_copy_for_region(actor=coordinator, template=_current(), region=region)
    other = make_region_person("uppsala", email="second@uppsala.example.se")
    with pytest.raises(PermissionDenied):
        template_copy_for_region(actor=other, template=own, region=region)


def test_a_copy_that_hits_the_unique_constraint_is_a_clear_error(
    coordinator: Any, region: Any
) -> None:
    """The exists() check passed but the constraints refuse the copy: the answer is worded."""
    # A current revision of the region's family that the exists() check (by region) misses.
    ProcessTemplate.objects.create(
        family="region-uppsala", revision=1, is_current=True, name_sv="x", name_en="x"
    )
    with pytest.raises(ValidationError) as caught:
        template_copy_for_region(actor=coordinator, template=_current(), region=region)
    assert "already has its own process template" in str(caught.value)
    assert not ProcessTemplate.objects.filter(region=region).exists()


# --- 3. Ticking needs a clear "done" -------------------------------------------------------------


@pytest.mark.parametrize("data", [{}, {"done": "yes"}, {"done": ""}, {"done": "2"}])
@pytest.mark.parametrize("htmx", [True, False])
def test_tick_without_a_clear_done_is_400_and_changes_nothing(
    client: Any, partnership: Any, company_member: Any, data: dict[str, str], htmx: bool
) -> None:
    from partnerships.services.partnerships import checklist_set

    item = partnership.current_step.checklist.order_by("order").first()
    checklist_set(actor=company_member, partnership=partnership, item=item, done=True)
    audits = AuditEvent.objects.count()
    client.force_login(company_member)
    response = client.post(
        _url("checklist_tick", partnership.pk, item.pk),
        data,
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code == 400
    assert "could not tell whether to mark the item" in response.content.decode()
    assert partnership.checks.filter(item=item).exists()
    assert AuditEvent.objects.count() == audits


def test_tick_with_zero_still_unticks(client: Any, partnership: Any, company_member: Any) -> None:
    from partnerships.services.partnerships import checklist_set

    item = partnership.current_step.checklist.order_by("order").first()
    checklist_set(actor=company_member, partnership=partnership, item=item, done=True)
    client.force_login(company_member)
    response = client.post(_url("checklist_tick", partnership.pk, item.pk), {"done": "0"})
    assert response.status_code == 302
    assert not partnership.checks.filter(item=item).exists()


# --- 5. Factories --------------------------------------------------------------------------------


def test_making_more_region_people_keeps_the_admin_signed_in(client: Any) -> None:
    admin = make_admin()
    client.force_login(admin)
    make_region_person("uppsala", email="later@uppsala.example.se")
    assert make_admin().pk == admin.pk
    response = client.get(_url("template_list"))
    assert response.status_code == 200
