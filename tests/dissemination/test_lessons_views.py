"""The lessons-learned pages: who may open and post each one in each state (404 for missing and
forbidden alike), the links each viewer gets, bad input kept beside its field, double submits,
stale versions answered 409 with the typed text kept, the public list's filters, and page costs
that do not grow with the number of lessons."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dissemination.models import Lesson
from dissemination.services.lessons import lesson_move, lesson_update
from dissemination.workflow import LESSON_MOVES, LessonMove, LessonStatus
from partnerships.models import ProcessStep, ProcessTemplate
from portal.core.models import AuditEvent
from tests.factories_dissemination import LessonFactory
from tests.factories_process import make_partnership
from tests.utils import count_queries, sign_in

from .test_lessons_scene import *  # noqa: F403  (fixtures)
from .test_lessons_scene import REVIEWERS, ROLES, SEES_PARTNERSHIP, WRITERS

pytestmark = pytest.mark.django_db

LS = LessonStatus
LM = LessonMove
LOGIN = "login"
EDITABLE = {LS.DRAFT, LS.CHANGES_REQUESTED}
REASON = {LM.SUBMIT: "", LM.REQUEST_CHANGES: "Mer om data.", LM.PUBLISH: "", LM.WITHDRAW: "Fel."}


def _check(response: Any, expected: Any) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected


def _every_state_and_role(expected: Callable[[str, str], Any]) -> Any:
    """Parametrize `state`, `role` and `expected(state, role)` over every state and role."""
    return pytest.mark.parametrize(
        ("state", "role", "expected"),
        [pytest.param(s, r, expected(s, r), id=f"{s}-{r}") for s in LS.values for r in ROLES],
    )


def _edit_data(lesson: Lesson, **changes: Any) -> dict[str, Any]:
    """A POST of the edit form, sent from the page as it was at `lesson.version`."""
    return {
        "title": "Ändrad titel",
        "body": "Ändrad text.",
        "step": "",
        "language": "sv",
        "version": lesson.version,
        **changes,
    }


def _page(client: Any, user: Any, name: str, *args: Any) -> str:
    """The page `name` (with `args`) as `user` sees it."""
    client.force_login(user)
    return client.get(reverse(name, args=args)).content.decode()


def _move(client: Any, lesson: Lesson, move: str, **data: Any) -> Any:
    return client.post(reverse("dissemination:lesson_move", args=[lesson.pk, move]), data)


# --- The permission matrix -----------------------------------------------------------------------


def _detail_expected(state: str, role: str) -> Any:
    return 200 if state == LS.PUBLISHED or role in SEES_PARTNERSHIP else 404


@_every_state_and_role(_detail_expected)
def test_who_may_open_a_lesson(
    state: str,
    role: str,
    expected: int,
    people: dict[str, Any],
    lesson_in: Callable[..., Lesson],
    client: Any,
) -> None:
    lesson = lesson_in(state)
    sign_in(client, people[role])
    response = client.get(reverse("dissemination:lesson_detail", args=[lesson.pk]))
    _check(response, expected)
    if expected == 200:
        assert lesson.title in response.content.decode()


def _edit_expected(state: str, role: str) -> Any:
    if role == "anonymous":
        return LOGIN
    return 200 if role in WRITERS and state in EDITABLE else 404


@_every_state_and_role(_edit_expected)
def test_who_may_edit_a_lesson_by_get_and_post(
    state: str,
    role: str,
    expected: Any,
    people: dict[str, Any],
    lesson_in: Callable[..., Lesson],
    client: Any,
) -> None:
    lesson = lesson_in(state)
    sign_in(client, people[role])
    url = reverse("dissemination:lesson_edit", args=[lesson.pk])
    _check(client.get(url), expected)

    response = client.post(url, _edit_data(lesson))
    after = Lesson.objects.get(pk=lesson.pk)
    if expected == 200:
        assert response.status_code == 302
        assert after.title == "Ändrad titel"
    else:
        _check(response, expected)
        assert after.title == lesson.title


@pytest.mark.parametrize("role", ROLES)
def test_who_may_write_a_lesson(
    role: str, people: dict[str, Any], partnership: Any, client: Any
) -> None:
    expected = LOGIN if role == "anonymous" else (200 if role in WRITERS else 404)
    sign_in(client, people[role])
    url = reverse("dissemination:lesson_create", args=[partnership.pk])
    _check(client.get(url), expected)

    response = client.post(url, {"title": "Ny lärdom", "body": "Text.", "language": "sv"})
    if expected == 200:
        assert response.status_code == 302
        assert Lesson.objects.get().author == people[role]
    else:
        _check(response, expected)
        assert not Lesson.objects.exists()


def test_writing_about_a_missing_partnership_is_404(client: Any, portal_admin: Any) -> None:
    client.force_login(portal_admin)
    assert client.get(reverse("dissemination:lesson_create", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_review_queue(role: str, people: dict[str, Any], client: Any) -> None:
    expected = (
        LOGIN
        if role == "anonymous"
        else (200 if role in {"coordinator", "other_coordinator", "portal_admin"} else 404)
    )
    sign_in(client, people[role])
    _check(client.get(reverse("dissemination:lesson_review")), expected)


@pytest.mark.parametrize("role", ROLES)
def test_a_wrong_method_on_the_review_queue_is_405_only_for_reviewers(
    role: str, people: dict[str, Any], client: Any
) -> None:
    """The reviewer check comes before the method: a POST tells nobody else the queue exists."""
    reviewer = role in {"coordinator", "other_coordinator", "portal_admin"}
    expected = LOGIN if role == "anonymous" else (405 if reviewer else 404)
    sign_in(client, people[role])
    url = reverse("dissemination:lesson_review")
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(url)
        _check(response, expected)
        if expected == 405:
            assert response["Allow"] == "GET"
    if reviewer:
        assert client.head(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_a_wrong_method_on_the_writing_pages_is_405_only_for_those_who_may_use_them(
    role: str,
    people: dict[str, Any],
    lesson_in: Callable[..., Lesson],
    partnership: Any,
    client: Any,
) -> None:
    draft = lesson_in(LS.DRAFT)
    submitted = lesson_in(LS.SUBMITTED)
    sign_in(client, people[role])
    pages = [
        (reverse("dissemination:lesson_create", args=[partnership.pk]), role in WRITERS),
        (reverse("dissemination:lesson_edit", args=[draft.pk]), role in WRITERS),
        (
            reverse("dissemination:lesson_move", args=[submitted.pk, LM.PUBLISH]),
            role in REVIEWERS,
        ),
    ]
    for url, may in pages:
        response = client.put(url)
        _check(response, LOGIN if role == "anonymous" else (405 if may else 404))
    assert Lesson.objects.count() == 2


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_open_the_list(role: str, people: dict[str, Any], client: Any) -> None:
    sign_in(client, people[role])
    assert client.get(reverse("dissemination:lesson_list")).status_code == 200


def _move_allowed(role: str, move: str) -> bool:
    return role in (WRITERS if move == LM.SUBMIT else REVIEWERS)


@pytest.mark.parametrize(
    ("move", "role"), [pytest.param(m, r, id=f"{m}-{r}") for m in LM.values for r in ROLES]
)
def test_who_may_open_a_moves_confirmation(
    move: str,
    role: str,
    people: dict[str, Any],
    lesson_in: Callable[..., Lesson],
    client: Any,
) -> None:
    lesson = lesson_in(LS.DRAFT if move == LM.SUBMIT else LS.SUBMITTED)
    if move == LM.WITHDRAW:
        lesson = lesson_in(LS.PUBLISHED)
    sign_in(client, people[role])
    response = client.get(reverse("dissemination:lesson_move", args=[lesson.pk, move]))
    if role == "anonymous":
        _check(response, LOGIN)
    elif _move_allowed(role, move):
        assert response.status_code == 200
        assert 'name="version"' in response.content.decode()
    else:
        assert response.status_code == 404


def _post_expected(role: str, move: str, state: str) -> Any:
    if role == "anonymous":
        return LOGIN
    if not _move_allowed(role, move):
        return 404
    target = LESSON_MOVES[move][1]
    if state == target or state in LESSON_MOVES[move][0]:
        return 302
    return 400


@pytest.mark.parametrize(
    ("move", "state", "role", "expected"),
    [
        pytest.param(m, s, r, _post_expected(r, m, s), id=f"{m}-{s}-{r}")
        for m in LM.values
        for s in LS.values
        for r in ROLES
    ],
)
def test_who_may_make_each_move_from_each_state(
    move: str,
    state: str,
    role: str,
    expected: Any,
    people: dict[str, Any],
    lesson_in: Callable[..., Lesson],
    client: Any,
) -> None:
    lesson = lesson_in(state)
    sign_in(client, people[role])
    response = _move(client, lesson, move, reason=REASON[LM(move)], version=lesson.version)
    _check(response, expected)
    after = Lesson.objects.get(pk=lesson.pk)
    if expected == 302:
        assert after.status == LESSON_MOVES[move][1]
    else:
        assert after.status == state
        assert after.version == lesson.version


def test_an_unknown_move_and_a_missing_lesson_are_404(
    lesson_in: Callable[..., Lesson], portal_admin: Any, client: Any
) -> None:
    lesson = lesson_in(LS.SUBMITTED)
    client.force_login(portal_admin)
    assert client.get(f"/events/lessons/{lesson.pk}/move/delete/").status_code == 404
    assert client.post(f"/events/lessons/{lesson.pk}/move/delete/").status_code == 404
    assert client.get(reverse("dissemination:lesson_detail", args=[999999])).status_code == 404
    assert client.get(reverse("dissemination:lesson_edit", args=[999999])).status_code == 404
    missing = reverse("dissemination:lesson_move", args=[999999, "publish"])
    assert client.post(missing, {"version": 1}).status_code == 404


# --- What each page shows ------------------------------------------------------------------------


def test_a_published_lesson_links_the_public_to_the_summary_and_the_guide(
    lesson_in: Callable[..., Lesson], partnership: Any, client: Any
) -> None:
    lesson = lesson_in(LS.PUBLISHED)
    html = client.get(reverse("dissemination:lesson_detail", args=[lesson.pk])).content.decode()

    assert reverse("partnerships:public_summary", args=[partnership.pk]) in html
    assert f'href="{reverse("partnerships:detail", args=[partnership.pk])}"' not in html
    assert f"{reverse('partnerships:guide')}#step-{lesson.step.key}" in html
    assert lesson.author.get_full_name() not in html  # no people on the public page
    assert "<p>Utan chefens stöd stannade testet.</p>" in html
    assert "What you can do" not in html


def test_a_party_sees_the_partnership_status_and_actions(
    lesson_in: Callable[..., Lesson], partnership: Any, company_member: Any, client: Any
) -> None:
    lesson = lesson_in(LS.CHANGES_REQUESTED)
    html = _page(client, company_member, "dissemination:lesson_detail", lesson.pk)

    assert f'href="{reverse("partnerships:detail", args=[partnership.pk])}"' in html
    assert "Changes requested" in html
    assert "Skriv mer om upphandlingen." in html
    assert reverse("dissemination:lesson_edit", args=[lesson.pk]) in html
    assert reverse("dissemination:lesson_move", args=[lesson.pk, "submit"]) in html
    assert reverse("dissemination:lesson_move", args=[lesson.pk, "publish"]) not in html


def test_a_coordinator_decides_on_a_waiting_lesson_from_its_page(
    lesson_in: Callable[..., Lesson], coordinator: Any, client: Any
) -> None:
    lesson = lesson_in(LS.SUBMITTED)
    html = _page(client, coordinator, "dissemination:lesson_detail", lesson.pk)

    assert reverse("dissemination:lesson_move", args=[lesson.pk, "publish"]) in html
    assert reverse("dissemination:lesson_move", args=[lesson.pk, "request_changes"]) in html
    assert reverse("dissemination:lesson_edit", args=[lesson.pk]) not in html


def test_a_sponsor_sees_a_draft_without_actions(
    lesson_in: Callable[..., Lesson], sponsor: Any, client: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    html = _page(client, sponsor, "dissemination:lesson_detail", lesson.pk)
    assert "This lesson is not public" in html
    assert "What you can do" not in html


def test_an_illegal_move_is_explained_to_those_who_may_make_it(
    lesson_in: Callable[..., Lesson], coordinator: Any, client: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    client.force_login(coordinator)
    url = reverse("dissemination:lesson_move", args=[lesson.pk, "publish"])

    page = client.get(url)
    assert page.status_code == 200
    assert "This cannot be done now: the lesson's status is “Draft”." in page.content.decode()

    refused = client.post(url, {"version": lesson.version})
    assert refused.status_code == 400
    assert "cannot be moved that way now" in refused.content.decode()
    assert Lesson.objects.get(pk=lesson.pk).status == LS.DRAFT


def test_asking_for_changes_without_a_reason_keeps_the_form(
    lesson_in: Callable[..., Lesson], coordinator: Any, client: Any
) -> None:
    lesson = lesson_in(LS.SUBMITTED)
    client.force_login(coordinator)
    response = _move(
        client, lesson, "request_changes", reason="   ", version=lesson.version, back="review"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give a reason: the authors will read it." in html
    assert 'aria-invalid="true"' in html
    assert Lesson.objects.get(pk=lesson.pk).status == LS.SUBMITTED


def test_a_decision_from_the_queue_returns_to_the_queue(
    lesson_in: Callable[..., Lesson], coordinator: Any, client: Any
) -> None:
    lesson = lesson_in(LS.SUBMITTED)
    client.force_login(coordinator)
    response = _move(client, lesson, "publish", reason="", version=lesson.version, back="review")
    assert response.status_code == 302
    assert response["Location"] == reverse("dissemination:lesson_review")


def test_the_back_address_is_never_taken_from_the_request(
    lesson_in: Callable[..., Lesson], company_member: Any, client: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    client.force_login(company_member)
    response = _move(client, lesson, "submit", version=lesson.version, back="https://evil.example/")
    assert response.status_code == 400
    assert Lesson.objects.get(pk=lesson.pk).status == LS.DRAFT


def test_a_double_click_on_a_move_is_answered_as_done(
    lesson_in: Callable[..., Lesson], coordinator: Any, client: Any
) -> None:
    lesson = lesson_in(LS.SUBMITTED)
    client.force_login(coordinator)
    url = reverse("dissemination:lesson_move", args=[lesson.pk, "publish"])
    first = client.post(url, {"version": lesson.version})
    second = client.post(url, {"version": lesson.version})
    assert first.status_code == second.status_code == 302
    assert AuditEvent.objects.filter(action="lesson.publish").count() == 1


def test_a_move_on_a_lesson_changed_meanwhile_is_409_with_the_reason_kept(
    lesson_in: Callable[..., Lesson], coordinator: Any, portal_admin: Any, client: Any
) -> None:
    lesson = lesson_in(LS.PUBLISHED)
    seen = lesson.version
    lesson = lesson_move(actor=portal_admin, lesson=lesson, move=LM.WITHDRAW, reason="Fel år.")
    lesson_move(actor=portal_admin, lesson=lesson, move=LM.PUBLISH)

    client.force_login(coordinator)
    response = _move(client, lesson, "withdraw", reason="Mitt eget skäl.", version=seen)

    assert response.status_code == 409
    html = response.content.decode()
    assert "The lesson changed while you were looking at it" in html
    assert "Mitt eget skäl." in html
    assert f'name="version" value="{seen + 2}"' in html
    assert Lesson.objects.get(pk=lesson.pk).status == LS.PUBLISHED


# --- Writing and editing through the form --------------------------------------------------------


def test_the_form_starts_on_the_partnerships_current_step_with_a_token(
    partnership: Any, company_member: Any, client: Any
) -> None:
    html = _page(client, company_member, "dissemination:lesson_create", partnership.pk)
    assert f'<option value="{partnership.current_step_id}" selected>' in html
    assert 'name="client_token"' in html


def test_saving_and_sending_at_once(
    partnership: Any, company_member: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(company_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dissemination:lesson_create", args=[partnership.pk]),
            {"title": "T", "body": "B", "language": "sv", "submit": "1"},
        )
    lesson = Lesson.objects.get()
    assert response["Location"] == lesson.get_absolute_url()
    assert lesson.status == LS.SUBMITTED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"title": "", "body": "Min text som ska finnas kvar."},
            "title",
            "Give the lesson a title.",
        ),
        (
            {"title": "x" * 201, "body": "Min text som ska finnas kvar."},
            "title",
            "Keep the title to 200 characters (it has 201).",
        ),
        ({"title": "Min titel", "body": "  "}, "body", "Write what you learned."),
        (
            {"title": "Min titel", "body": "<script>x()</script>"},
            "body",
            "Write what you learned.",
        ),
        (
            {"title": "Min titel", "body": "Text", "language": "de"},
            "language",
            "Select a valid choice.",
        ),
        (
            {"title": "Min titel", "body": "Text", "step": "999999"},
            "step",
            "Choose a step of this partnership",
        ),
    ],
)
def test_bad_input_is_answered_beside_the_field_and_keeps_the_text(
    data: dict[str, str],
    field: str,
    message: str,
    partnership: Any,
    company_member: Any,
    client: Any,
) -> None:
    client.force_login(company_member)
    response = client.post(
        reverse("dissemination:lesson_create", args=[partnership.pk]),
        {"language": "sv", **data},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    if data.get("body", "").startswith("Min text"):
        assert "Min text som ska finnas kvar." in html
    if data.get("title") == "Min titel":
        assert 'value="Min titel"' in html
    assert not Lesson.objects.exists()


def test_a_step_of_another_process_cannot_be_chosen(
    partnership: Any, company_member: Any, client: Any
) -> None:
    other = ProcessTemplate.objects.create(
        family="other-process", revision=1, name_sv="Annan", name_en="Other"
    )
    foreign = ProcessStep.objects.create(
        template=other, order=1, key="entry", name_sv="S", name_en="S"
    )
    client.force_login(company_member)
    response = client.post(
        reverse("dissemination:lesson_create", args=[partnership.pk]),
        {"title": "T", "body": "B", "language": "sv", "step": str(foreign.pk)},
    )
    assert response.status_code == 200
    assert "Choose a step of this partnership" in response.content.decode()
    assert not Lesson.objects.exists()


def test_a_double_submit_of_the_new_lesson_form_makes_one_lesson(
    partnership: Any, company_member: Any, client: Any
) -> None:
    """The form carries a token (a hidden field, new on every fresh form); the service keeps it
    in the create's audit row and answers the same token with the lesson already made."""
    client.force_login(company_member)
    url = reverse("dissemination:lesson_create", args=[partnership.pk])
    data = {
        "title": "T",
        "body": "B",
        "language": "sv",
        "client_token": "0d3c4bb5-55d6-4ad5-8c39-d2a8c9b87a10",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert Lesson.objects.count() == 1
    assert first["Location"] == second["Location"] == Lesson.objects.get().get_absolute_url()


def test_the_edit_form_shows_the_stored_text_as_typed(
    lesson_in: Callable[..., Lesson], company_member: Any, client: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    html = _page(client, company_member, "dissemination:lesson_edit", lesson.pk)
    assert "Utan chefens stöd stannade testet.\n\nBörja där.</textarea>" in html
    assert "&lt;p&gt;" not in html


def test_a_stale_edit_is_409_and_keeps_what_was_typed(
    lesson_in: Callable[..., Lesson], company_member: Any, coordinator: Any, client: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    lesson_update(
        actor=coordinator, lesson=lesson, expected_version=lesson.version, title="Koordinatorns"
    )
    client.force_login(company_member)
    response = client.post(
        reverse("dissemination:lesson_edit", args=[lesson.pk]),
        _edit_data(lesson, title="Min nya titel", body="Min nya text."),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'value="Min nya titel"' in html
    assert "Min nya text." in html
    assert "Koordinatorns" in html  # what is stored now, beside the form
    assert f'name="version" value="{lesson.version + 1}"' in html
    assert Lesson.objects.get(pk=lesson.pk).title == "Koordinatorns"


def test_a_double_click_on_save_is_saved_once(
    lesson_in: Callable[..., Lesson], company_member: Any, client: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    client.force_login(company_member)
    url = reverse("dissemination:lesson_edit", args=[lesson.pk])
    data = _edit_data(lesson, title="Ny", body="Ny text.", step=str(lesson.step_id))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).version == lesson.version + 1


def test_an_edit_of_a_lesson_sent_meanwhile_is_refused(
    lesson_in: Callable[..., Lesson], company_member: Any, client: Any
) -> None:
    lesson = lesson_in(LS.DRAFT)
    client.force_login(company_member)
    url = reverse("dissemination:lesson_edit", args=[lesson.pk])
    lesson_move(actor=company_member, lesson=lesson, move=LM.SUBMIT)
    # The page was opened before: the next GET or POST is a 404 (no longer editable).
    response = client.post(url, {"title": "X", "body": "Y", "language": "sv", "version": 1})
    assert response.status_code == 404
    assert Lesson.objects.get(pk=lesson.pk).title != "X"


# --- The public list -----------------------------------------------------------------------------


@pytest.fixture
def listed(partnership: Any, other_coordinator: Any) -> dict[str, Lesson]:
    """Published lessons in Uppsala (two steps) and Östergötland, and one waiting lesson."""
    foreign = make_partnership("ostergotland", coordinator=other_coordinator)
    steps = {s.key: s for s in partnership.template.steps.all()}
    now = timezone.now()
    return {
        "entry": LessonFactory(
            partnership=partnership,
            step=steps["entry"],
            title="Uppsala entry",
            published_at=now - timedelta(days=3),
        ),
        "agreement": LessonFactory(
            partnership=partnership,
            step=steps["agreement"],
            title="Uppsala agreement",
            published_at=now - timedelta(days=1),
        ),
        "ostergotland": LessonFactory(
            partnership=foreign,
            step=foreign.current_step,
            title="Östergötland entry",
            published_at=now - timedelta(days=2),
        ),
        "waiting": LessonFactory(
            partnership=partnership,
            title="Waiting lesson",
            status=LS.SUBMITTED,
            submitted_at=now,
        ),
    }


def _titles(response: Any) -> list[str]:
    return [lesson.title for lesson in response.context["page"].object_list]


def test_the_list_shows_published_lessons_newest_first(
    listed: dict[str, Lesson], client: Any
) -> None:
    response = client.get(reverse("dissemination:lesson_list"))
    assert _titles(response) == ["Uppsala agreement", "Östergötland entry", "Uppsala entry"]
    assert "Waiting lesson" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("region=uppsala", ["Uppsala agreement", "Uppsala entry"]),
        ("region=ostergotland", ["Östergötland entry"]),
        ("step=entry", ["Östergötland entry", "Uppsala entry"]),
        ("region=uppsala&step=agreement", ["Uppsala agreement"]),
        ("region=gotland", []),
    ],
)
def test_the_list_filters_by_region_and_step(
    query: str, titles: list[str], listed: dict[str, Lesson], client: Any
) -> None:
    response = client.get(reverse("dissemination:lesson_list") + "?" + query)
    assert response.status_code == 200
    assert _titles(response) == titles


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("region=atlantis", "Choose a region from the list."),
        ("step=%00nope", "Choose a step from the list."),
        ("region=uppsala&step=<script>", "Choose a step from the list."),
        ("page=abc", ""),
        ("page=999", ""),
    ],
)
def test_bad_filter_values_are_reported_and_left_out(
    query: str, message: str, listed: dict[str, Lesson], client: Any
) -> None:
    response = client.get(reverse("dissemination:lesson_list") + "?" + query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _titles(response)  # never an empty or broken page
    assert "<script>" not in response.content.decode().split("<main", 1)[-1]


def test_the_list_is_paged(partnership: Any, client: Any) -> None:
    LessonFactory.create_batch(30, partnership=partnership)
    first = client.get(reverse("dissemination:lesson_list"))
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("dissemination:lesson_list") + "?page=2")
    assert len(second.context["page"].object_list) == 5


# --- The review queue ----------------------------------------------------------------------------


def test_the_queue_shows_the_regions_waiting_lessons_oldest_first(
    partnership: Any,
    coordinator: Any,
    other_coordinator: Any,
    portal_admin: Any,
    client: Any,
) -> None:
    foreign = make_partnership("ostergotland", coordinator=other_coordinator)
    now = timezone.now()
    LessonFactory(partnership=partnership, title="Newer", status=LS.SUBMITTED, submitted_at=now)
    LessonFactory(
        partnership=partnership,
        title="Older",
        status=LS.SUBMITTED,
        submitted_at=now - timedelta(days=2),
    )
    LessonFactory(partnership=partnership, title="Draft", status=LS.DRAFT)
    LessonFactory(partnership=foreign, title="Elsewhere", status=LS.SUBMITTED, submitted_at=now)
    url = reverse("dissemination:lesson_review")

    client.force_login(coordinator)
    assert _titles(client.get(url)) == ["Older", "Newer"]
    client.force_login(other_coordinator)
    assert _titles(client.get(url)) == ["Elsewhere"]
    client.force_login(portal_admin)
    assert sorted(_titles(client.get(url))) == ["Elsewhere", "Newer", "Older"]


# --- The partnership page's section --------------------------------------------------------------


def test_a_party_member_writes_edits_and_sends_from_the_partnership_page(
    lesson_in: Callable[..., Lesson], partnership: Any, company_member: Any, client: Any
) -> None:
    draft = lesson_in(LS.DRAFT, title="Mitt utkast")
    waiting = lesson_in(LS.SUBMITTED, title="Väntar")
    html = _page(client, company_member, "partnerships:detail", partnership.pk)

    assert 'id="lessons"' in html
    assert reverse("dissemination:lesson_create", args=[partnership.pk]) in html
    assert reverse("dissemination:lesson_edit", args=[draft.pk]) in html
    assert reverse("dissemination:lesson_move", args=[draft.pk, "submit"]) in html
    assert reverse("dissemination:lesson_edit", args=[waiting.pk]) not in html
    assert "Waiting for review" in html

    response = _move(client, draft, "submit", version=draft.version, back="partnership")
    assert response["Location"] == (
        reverse("partnerships:detail", args=[partnership.pk]) + "#lessons"
    )


def test_a_sponsor_sees_the_lessons_without_actions(
    lesson_in: Callable[..., Lesson], partnership: Any, sponsor: Any, client: Any
) -> None:
    draft = lesson_in(LS.DRAFT, title="Mitt utkast")
    html = _page(client, sponsor, "partnerships:detail", partnership.pk)
    assert "Mitt utkast" in html
    assert reverse("dissemination:lesson_create", args=[partnership.pk]) not in html
    assert reverse("dissemination:lesson_edit", args=[draft.pk]) not in html


def test_the_coordinator_is_led_to_the_review_from_the_partnership_page(
    lesson_in: Callable[..., Lesson], partnership: Any, coordinator: Any, client: Any
) -> None:
    waiting = lesson_in(LS.SUBMITTED, title="Väntar")
    published = lesson_in(LS.PUBLISHED, title="Publicerad")
    html = _page(client, coordinator, "partnerships:detail", partnership.pk)
    assert f"{waiting.get_absolute_url()}#lesson-actions-heading" in html
    assert reverse("dissemination:lesson_move", args=[published.pk, "withdraw"]) in html


def test_the_section_context_is_empty_for_those_who_may_not_see_the_partnership(
    partnership: Any, other_company_member: Any
) -> None:
    from django.contrib.auth.models import AnonymousUser

    from dissemination.selectors.lessons import partnership_lessons_context

    LessonFactory(partnership=partnership)
    assert partnership_lessons_context(user=other_company_member, partnership=partnership) == {}
    assert partnership_lessons_context(user=AnonymousUser(), partnership=partnership) == {}


# --- Page costs ----------------------------------------------------------------------------------


def _lessons(partnership: Any, author: Any, n: int, **fields: Any) -> None:
    steps = list(partnership.template.steps.all())
    for i in range(n):
        LessonFactory(partnership=partnership, author=author, step=steps[i % len(steps)], **fields)


def test_the_list_costs_the_same_for_2_and_20_lessons(
    partnership: Any, other_coordinator: Any, company_member: Any, client: Any
) -> None:
    foreign = make_partnership("ostergotland", coordinator=other_coordinator)
    url = reverse("dissemination:lesson_list")
    _lessons(partnership, company_member, 1)
    _lessons(foreign, None, 1)
    few = count_queries(client, url)
    _lessons(partnership, company_member, 9)
    _lessons(foreign, None, 9)
    assert count_queries(client, url) == few
    assert count_queries(client, url + "?region=uppsala&step=entry") <= few + 1


def test_the_review_queue_costs_the_same_for_2_and_20_lessons(
    partnership: Any, portal_admin: Any, company_member: Any, client: Any
) -> None:
    client.force_login(portal_admin)
    url = reverse("dissemination:lesson_review")
    waiting = {"status": LS.SUBMITTED, "submitted_at": timezone.now(), "published_at": None}
    _lessons(partnership, company_member, 2, **waiting)
    few = count_queries(client, url)
    _lessons(partnership, company_member, 18, **waiting)
    assert count_queries(client, url) == few


@pytest.mark.parametrize("who", ["company_member", "coordinator"])
def test_the_partnership_section_costs_the_same_for_2_and_20_lessons(
    who: str, partnership: Any, company_member: Any, client: Any, request: Any
) -> None:
    client.force_login(request.getfixturevalue(who))
    url = reverse("partnerships:detail", args=[partnership.pk])
    states = [LS.DRAFT, LS.SUBMITTED, LS.CHANGES_REQUESTED, LS.PUBLISHED, LS.WITHDRAWN]
    for i in range(2):
        _lessons(partnership, company_member, 1, status=states[i])
    few = count_queries(client, url)
    for i in range(18):
        _lessons(partnership, company_member, 1, status=states[i % len(states)])
    many = count_queries(client, url)
    assert few == many
    assert "Lessons learned" in client.get(url).content.decode()
