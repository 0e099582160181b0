"""Follow-ups from the final review: the message after a double submit tells what was saved,
organiser pages answer 404 to outsiders whatever the method, calendar files answer HEAD."""

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dissemination.models import Lesson
from dissemination.workflow import LessonStatus
from tests.factories import UserFactory
from tests.factories_dissemination import EventFactory

pytestmark = pytest.mark.django_db


def test_a_second_click_on_send_for_review_after_save_as_draft_says_it_is_a_draft(
    partnership: Any, company_member: Any, client: Any
) -> None:
    company_member.preferred_language = "en"
    company_member.save(update_fields=["preferred_language"])
    client.force_login(company_member)
    url = reverse("dissemination:lesson_create", args=[partnership.pk])
    data = {
        "title": "T",
        "body": "B",
        "language": "sv",
        "client_token": "0d3c4bb5-55d6-4ad5-8c39-d2a8c9b87a10",
    }
    client.post(url, data)  # "Save as draft"
    response = client.post(url, {**data, "submit": "1"})  # the same form, the other button

    lesson = Lesson.objects.get()
    assert lesson.status == LessonStatus.DRAFT
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("saved as a draft" in m for m in told), told
    assert not any("sent for review" in m for m in told), told


@pytest.mark.parametrize(
    "name", ["dissemination:manage", "dissemination:reach_overview", "dissemination:reach_csv"]
)
def test_organiser_pages_answer_404_to_outsiders_for_any_method(client: Any, name: str) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse(name)).status_code == 404


@pytest.mark.parametrize(
    "name", ["dissemination:manage", "dissemination:reach_overview", "dissemination:reach_csv"]
)
def test_organiser_pages_refuse_a_post_from_those_who_may_read_them(
    client: Any, coordinator: Any, name: str
) -> None:
    client.force_login(coordinator)
    assert client.post(reverse(name)).status_code == 405


def test_calendar_files_answer_head(client: Any) -> None:
    event = EventFactory()
    for url in (
        reverse("dissemination:feed_all"),
        reverse("dissemination:feed_region", args=[event.region.slug]),
        reverse("dissemination:event_ics", args=[event.pk]),
    ):
        response = client.head(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/calendar")
