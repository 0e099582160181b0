"""The organisers' publication pages: who may open and post each one (404 for everyone who does
not organise the publication, GET and POST alike), bad input kept and explained, the file to be
chosen again, the double submit of "new", concurrent edits (409), the move confirmations, the
organisers' panel, and fixed query counts."""

import datetime as dt
import uuid
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dissemination.models import DownloadCount, Publication, PublicationFile
from dissemination.selectors.publications import (
    publication_organiser_context,
    publications_organised_by,
)
from dissemination.services import publications as services
from dissemination.workflow import PublicationStatus
from portal.core.models import AuditEvent
from regions.models import Region
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import make_partnership
from tests.utils import count_queries

from .test_publications_scene import *  # noqa: F403  (fixtures)
from .test_publications_scene import (
    ORGANISERS,
    PNG_BYTES,
    ROLES,
    client_for,
    make_publication,
    mp3,
    pdf,
)

pytestmark = pytest.mark.django_db

S = PublicationStatus


def _in_state(coordinator: Any, status: str) -> Publication:
    publication = make_publication(coordinator, publish=status != S.DRAFT)
    if status == S.WITHDRAWN:
        publication = services.publication_move(
            actor=coordinator, publication=publication, move="withdraw", reason="Fel."
        )
    return publication


def form_data(publication: Publication | None = None, **overrides: Any) -> dict[str, Any]:
    """What the form posts: the stored values of `publication`, or a new report of Uppsala."""
    if publication is not None:
        data: dict[str, Any] = {
            "kind": publication.kind,
            "title": publication.title,
            "summary": "Vad vi lärde oss.",
            "published_on": publication.published_on.isoformat(),
            "link": publication.link,
            "region": publication.region_id or "",
            "language": publication.language,
            "partnerships": [p.pk for p in publication.partnerships.all()],
            "obstacles": ", ".join(str(o.pk) for o in publication.obstacles.all()),
            "version": publication.version,
        }
    else:
        data = {
            "kind": "report",
            "title": "Rapport från kliniken",
            "summary": "Första stycket.\n\nAndra stycket.",
            "published_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "link": "https://example.se/rapport",
            "region": Region.objects.get(slug="uppsala").pk,
            "language": "sv",
            "obstacles": "",
            "client_token": str(uuid.uuid4()),
        }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Who may open and post each organiser page ---------------------------------------------------


def _expect(role: str) -> Any:
    if role == "anonymous":
        return "login"
    return "ok" if role in ORGANISERS else 404


def _assert(response: Any, expected: Any, ok: set[int]) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == 404:
        assert response.status_code == 404
    else:
        assert response.status_code in ok, response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_the_new_form_is_for_organisers(people: dict[str, Any], role: str) -> None:
    """Any region's coordinator opens it, but may post only for their own region."""
    client = client_for(people[role])
    url = reverse("dissemination:publication_create")
    expected = "ok" if role == "other_coordinator" else _expect(role)
    _assert(client.get(url), expected, {200})
    data = form_data(region=Region.objects.get(slug="uppsala").pk)
    _assert(client.post(url, data), expected, {400 if role == "other_coordinator" else 302})
    assert Publication.objects.count() == (1 if role in ORGANISERS else 0)


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("role", ROLES)
def test_editing_is_for_the_publications_organisers(
    people: dict[str, Any], coordinator: Any, role: str, status: str
) -> None:
    publication = _in_state(coordinator, status)
    client = client_for(people[role])
    url = reverse("dissemination:publication_edit", args=[publication.pk])
    _assert(client.get(url), _expect(role), {200})
    _assert(client.post(url, form_data(publication, title="Ändrad")), _expect(role), {302})
    publication.refresh_from_db()
    assert (publication.title == "Ändrad") == (role in ORGANISERS)


MOVES = [
    (S.DRAFT, "publish", "ok"),
    (S.DRAFT, "withdraw", "refused"),
    (S.PUBLISHED, "publish", "done"),
    (S.PUBLISHED, "withdraw", "ok"),
    (S.WITHDRAWN, "publish", "ok"),
    (S.WITHDRAWN, "withdraw", "done"),
]


@pytest.mark.parametrize(("status", "move", "outcome"), MOVES)
@pytest.mark.parametrize("role", ROLES)
def test_moves_are_for_the_publications_organisers(
    people: dict[str, Any], coordinator: Any, role: str, status: str, move: str, outcome: str
) -> None:
    publication = _in_state(coordinator, status)
    client = client_for(people[role])
    url = reverse("dissemination:publication_move", args=[publication.pk, move])
    expected = _expect(role)

    page = client.get(url)
    if expected == "ok":
        # The confirmation (200); a move not possible now is explained (409); one already made
        # goes back to the publication.
        assert page.status_code == {"ok": 200, "refused": 409, "done": 302}[outcome]
    else:
        _assert(page, expected, set())

    posted = client.post(url, {"version": publication.version, "reason": "Skäl."})
    if expected == "ok":
        assert posted.status_code == {"ok": 302, "refused": 409, "done": 302}[outcome]
    else:
        _assert(posted, expected, set())
    publication.refresh_from_db()
    moved = expected == "ok" and outcome == "ok"
    assert (publication.status != status) == moved


def test_admins_organise_national_publications(portal_admin: Any, coordinator: Any) -> None:
    national = make_publication(portal_admin, region=None)
    client = client_for(coordinator)
    assert (
        client.get(reverse("dissemination:publication_edit", args=[national.pk])).status_code == 404
    )
    admin = client_for(portal_admin)
    response = admin.get(reverse("dissemination:publication_edit", args=[national.pk]))
    assert response.status_code == 200
    assert "National (no region)" in response.content.decode()


def test_an_admin_creates_a_national_publication(portal_admin: Any) -> None:
    response = client_for(portal_admin).post(
        reverse("dissemination:publication_create"), form_data(region="")
    )
    assert response.status_code == 302
    assert Publication.objects.get().region is None


def test_a_coordinator_cannot_post_a_national_publication(coordinator: Any) -> None:
    response = client_for(coordinator).post(
        reverse("dissemination:publication_create"), form_data(region="")
    )
    assert response.status_code == 400
    assert "Choose the region that publishes it." in response.content.decode()
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda pk: reverse("dissemination:publication_edit", args=[pk]),
        lambda pk: reverse("dissemination:publication_move", args=[pk, "publish"]),
    ],
    ids=["edit", "move"],
)
def test_missing_publications_are_404(coordinator: Any, url: Any) -> None:
    assert client_for(coordinator).get(url(987654)).status_code == 404


def test_an_unknown_move_is_404(coordinator: Any, draft: Publication) -> None:
    url = reverse("dissemination:publication_move", args=[draft.pk, "delete"])
    client = client_for(coordinator)
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": draft.version}).status_code == 404


# --- Creating ------------------------------------------------------------------------------------


def test_the_new_form_offers_the_organisers_region_and_their_partnerships(
    coordinator: Any, partnership: Any
) -> None:
    elsewhere = make_partnership("ostergotland")
    response = client_for(coordinator).get(reverse("dissemination:publication_create"))
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="client_token"' in html
    assert 'type="file"' in html and 'accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.mp3"' in html
    assert partnership.title in html
    assert elsewhere.title not in html
    assert "Östergötland" not in html
    assert "National (no region)" not in html
    assert "at most 50 MB" in html


def test_creating_with_a_file_saves_a_draft(coordinator: Any, region: Region) -> None:
    data = form_data(link="", file=mp3(), kind="podcast")
    response = client_for(coordinator).post(reverse("dissemination:publication_create"), data)
    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == publication.get_absolute_url()
    assert publication.status == S.DRAFT
    assert publication.summary.count("<p>") == 2 and "Andra stycket." in publication.summary
    assert PublicationFile.objects.get().name == "avsnitt-1.mp3"


def test_save_and_publish_publishes(coordinator: Any) -> None:
    data = form_data(publish="1")
    client_for(coordinator).post(reverse("dissemination:publication_create"), data)
    assert Publication.objects.get().status == S.PUBLISHED


def test_bad_input_keeps_what_was_typed_and_asks_for_the_file_again(coordinator: Any) -> None:
    data = form_data(title="", link="ftp://example.se/x", file=pdf("min-rapport.pdf"))
    response = client_for(coordinator).post(reverse("dissemination:publication_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the publication a title." in html
    assert "starts with http:// or https://" in html
    assert "Första stycket." in html
    assert 'value="ftp://example.se/x"' in html
    assert "Choose the file again" in html
    assert 'id="id_file_error"' in html
    assert not Publication.objects.exists()
    assert not PublicationFile.objects.exists()


def test_neither_link_nor_file_is_explained_beside_the_link(coordinator: Any) -> None:
    response = client_for(coordinator).post(
        reverse("dissemination:publication_create"), form_data(link="")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "a publication needs at least one of them" in html
    assert 'id="id_link_error"' in html
    assert not Publication.objects.exists()


def test_a_file_refused_by_its_content_is_explained_beside_the_file(coordinator: Any) -> None:
    data = form_data(file=pdf(content=PNG_BYTES))
    response = client_for(coordinator).post(reverse("dissemination:publication_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "is named as .pdf but its content is PNG" in html
    assert "Choose the file again" not in html
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published_on", "27/10/2026", "Give the date as YYYY-MM-DD."),
        ("published_on", "", "Give the date of publication."),
        ("kind", "novel", "Select a valid choice"),
        ("region", "999999", "Choose one of the regions offered."),
        ("obstacles", "12, abc", "Write obstacle numbers separated by commas"),
        ("title", "x" * 201, "Keep the title to 200 characters"),
    ],
)
def test_each_bad_value_is_explained(
    coordinator: Any, field: str, value: str, message: str
) -> None:
    response = client_for(coordinator).post(
        reverse("dissemination:publication_create"), form_data(**{field: value})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Publication.objects.exists()


def test_another_regions_partnership_cannot_be_posted(coordinator: Any) -> None:
    elsewhere = make_partnership("ostergotland")
    response = client_for(coordinator).post(
        reverse("dissemination:publication_create"), form_data(partnerships=[elsewhere.pk])
    )
    assert response.status_code == 400
    assert "Choose among the partnerships offered." in response.content.decode()


def test_an_admin_cannot_link_a_partnership_of_another_region(
    portal_admin: Any, partnership: Any, other_region: Region
) -> None:
    response = client_for(portal_admin).post(
        reverse("dissemination:publication_create"),
        form_data(region=other_region.pk, partnerships=[partnership.pk]),
    )
    assert response.status_code == 400
    assert "is a partnership of another region" in response.content.decode()


def test_posting_the_same_new_form_twice_makes_one_publication(coordinator: Any) -> None:
    """The form carries a random token; the service keeps it in the create's audit row and
    answers a second POST of the same token with the first publication."""
    client = client_for(coordinator)
    data = form_data()
    first = client.post(reverse("dissemination:publication_create"), data)
    second = client.post(reverse("dissemination:publication_create"), data)
    assert Publication.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert AuditEvent.objects.filter(action="publication.create").count() == 1


# --- Editing -------------------------------------------------------------------------------------


def test_the_edit_form_shows_what_is_stored(
    coordinator: Any, partnership: Any, obstacle: Any
) -> None:
    publication = make_publication(
        coordinator,
        summary="Ett stycke.\n\nEtt till.",
        partnerships=[partnership],
        obstacles=[obstacle],
    )
    html = (
        client_for(coordinator)
        .get(reverse("dissemination:publication_edit", args=[publication.pk]))
        .content.decode()
    )
    assert "Ett stycke.\n\nEtt till." in html
    assert "&lt;p&gt;" not in html
    assert f'value="{obstacle.pk}"' in html
    assert f'value="{partnership.pk}" id="id_partnerships_0" checked' in html
    assert "Remove the file “rapport.pdf”" in html
    assert "Now: “rapport.pdf”" in html
    assert f'name="version" value="{publication.version}"' in html
    assert 'name="client_token"' not in html


def test_an_edit_is_saved(coordinator: Any, draft: Publication) -> None:
    response = client_for(coordinator).post(
        reverse("dissemination:publication_edit", args=[draft.pk]),
        form_data(draft, title="Ny titel", file=mp3()),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Ny titel"
    assert PublicationFile.objects.get().name == "avsnitt-1.mp3"


def test_removing_the_file_in_the_form(
    coordinator: Any, draft: Publication, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            reverse("dissemination:publication_edit", args=[draft.pk]),
            form_data(draft, link="https://example.se/rapport", remove_file="on"),
        )
    assert response.status_code == 302
    assert not PublicationFile.objects.exists()


def test_removing_the_only_file_without_a_link_is_explained(
    coordinator: Any, draft: Publication
) -> None:
    response = client_for(coordinator).post(
        reverse("dissemination:publication_edit", args=[draft.pk]),
        form_data(draft, remove_file="on"),
    )
    assert response.status_code == 400
    assert "a publication needs at least one of them" in response.content.decode()
    assert PublicationFile.objects.exists()


def test_a_concurrent_edit_is_a_409_that_keeps_what_was_typed(
    coordinator: Any, portal_admin: Any, draft: Publication
) -> None:
    seen = form_data(draft, title="Min titel", summary="Min text.", file=pdf("ny.pdf"))
    services.publication_update(
        actor=portal_admin, publication=draft, expected_version=draft.version, title="Adminens"
    )
    response = client_for(coordinator).post(
        reverse("dissemination:publication_edit", args=[draft.pk]), seen
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this while you were editing" in html
    assert 'value="Min titel"' in html
    assert "Min text." in html
    assert "Adminens" in html  # the stored value, in the conflict panel
    assert f'name="version" value="{draft.version + 1}"' in html
    assert "Choose the file again" in html
    draft.refresh_from_db()
    assert draft.title == "Adminens"
    assert PublicationFile.objects.get().name == "rapport.pdf"


def test_a_double_click_on_save_is_just_saved(coordinator: Any, draft: Publication) -> None:
    client = client_for(coordinator)
    data = form_data(draft, title="Ny titel")
    url = reverse("dissemination:publication_edit", args=[draft.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2


def test_an_edit_after_a_withdrawal_says_so(
    coordinator: Any, portal_admin: Any, published: Publication
) -> None:
    data = form_data(published, title="Ändrad titel")
    services.publication_move(
        actor=portal_admin, publication=published, move="withdraw", reason="Fel."
    )
    response = client_for(coordinator).post(
        reverse("dissemination:publication_edit", args=[published.pk]), data
    )
    assert response.status_code == 409
    assert "Status: Withdrawn." in response.content.decode()


# --- Moves ---------------------------------------------------------------------------------------


def test_withdrawing_asks_why(coordinator: Any, published: Publication) -> None:
    url = reverse("dissemination:publication_move", args=[published.pk, "withdraw"])
    client = client_for(coordinator)
    page = client.get(url).content.decode()
    assert 'name="reason"' in page
    assert "Why is it withdrawn?" in page

    refused = client.post(url, {"version": published.version, "reason": "  "})
    assert refused.status_code == 400
    assert "Say why the publication is withdrawn." in refused.content.decode()
    published.refresh_from_db()
    assert published.status == S.PUBLISHED

    done = client.post(url, {"version": published.version, "reason": "Siffrorna var fel."})
    assert done.status_code == 302
    published.refresh_from_db()
    assert published.status == S.WITHDRAWN
    assert published.status_reason == "Siffrorna var fel."


def test_publishing_asks_no_reason(coordinator: Any, draft: Publication) -> None:
    url = reverse("dissemination:publication_move", args=[draft.pk, "publish"])
    page = client_for(coordinator).get(url).content.decode()
    assert 'name="reason"' not in page
    assert "Anyone may then download its file" in page


def test_a_move_on_a_stale_page_is_a_409_on_the_stored_version(
    coordinator: Any, portal_admin: Any, published: Publication
) -> None:
    seen = published.version
    services.publication_move(
        actor=portal_admin, publication=published, move="withdraw", reason="Fel."
    )
    services.publication_move(actor=portal_admin, publication=published, move="publish")
    url = reverse("dissemination:publication_move", args=[published.pk, "withdraw"])
    response = client_for(coordinator).post(url, {"version": seen, "reason": "Mitt skäl."})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone changed the publication while you were deciding" in html
    assert "Mitt skäl." in html
    assert f'name="version" value="{seen + 2}"' in html


def test_a_double_click_on_publish_is_told_it_is_done(coordinator: Any, draft: Publication) -> None:
    url = reverse("dissemination:publication_move", args=[draft.pk, "publish"])
    client = client_for(coordinator)
    assert client.post(url, {"version": draft.version}).status_code == 302
    again = client.post(url, {"version": draft.version}, follow=False)
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action="publication.publish").count() == 1


# --- The organisers' panel -----------------------------------------------------------------------


def test_the_panel_is_empty_for_everyone_else(
    people: dict[str, Any], coordinator: Any, published: Publication
) -> None:
    for role in ("company_member", "sponsor", "other_coordinator"):
        context = publication_organiser_context(user=people[role], publication=published)
        assert context == {"publication_organiser_panel_show": False}
        assert (
            render_to_string(
                "dissemination/partials/publication_organiser_panel.html", context
            ).strip()
            == ""
        )


def test_the_panel_shows_moves_counts_and_links(coordinator: Any, published: Publication) -> None:
    DownloadCount.objects.create(
        publication=published, day=timezone.localdate() - dt.timedelta(days=60), count=5
    )
    DownloadCount.objects.create(publication=published, day=timezone.localdate(), count=2)
    context = publication_organiser_context(user=coordinator, publication=published)
    assert context["publication_organiser_panel_downloads_total"] == 7
    assert context["publication_organiser_panel_downloads_recent"] == 2
    assert context["publication_organiser_panel_can_withdraw"]
    assert not context["publication_organiser_panel_can_publish"]
    html = render_to_string("dissemination/partials/publication_organiser_panel.html", context)
    assert reverse("dissemination:publication_edit", args=[published.pk]) in html
    assert reverse("dissemination:publication_move", args=[published.pk, "withdraw"]) in html
    assert reverse("dissemination:publication_reach", args=[published.pk]) in html
    assert reverse("dissemination:publication_download", args=[published.pk]) in html
    assert "7 downloads in all" in html


def test_the_panel_of_a_draft_offers_publishing(coordinator: Any, draft: Publication) -> None:
    context = publication_organiser_context(user=coordinator, publication=draft)
    html = render_to_string("dissemination/partials/publication_organiser_panel.html", context)
    assert reverse("dissemination:publication_move", args=[draft.pk, "publish"]) in html
    assert f'name="version" value="{draft.version}"' in html


def test_the_organisers_overview_selector(
    coordinator: Any, other_coordinator: Any, published: Publication, draft: Publication
) -> None:
    DownloadCount.objects.create(publication=published, day=timezone.localdate(), count=3)
    rows = {p.pk: p for p in publications_organised_by(user=coordinator)}
    assert set(rows) == {published.pk, draft.pk}
    assert rows[published.pk].downloads == 3 and rows[published.pk].has_file
    assert rows[draft.pk].downloads == 0
    assert not publications_organised_by(user=other_coordinator).exists()


# --- Query counts --------------------------------------------------------------------------------


def _linked(coordinator: Any, n: int) -> Publication:
    partnerships = [make_partnership(coordinator=coordinator) for _ in range(n)]
    obstacles = ObstacleFactory.create_batch(n)
    return make_publication(coordinator, partnerships=partnerships, obstacles=obstacles)


def test_the_edit_page_costs_the_same_however_many_links(coordinator: Any) -> None:
    client = client_for(coordinator)
    few = _linked(coordinator, 1)
    many = _linked(coordinator, 4)
    assert count_queries(
        client, reverse("dissemination:publication_edit", args=[few.pk])
    ) == count_queries(client, reverse("dissemination:publication_edit", args=[many.pk]))


def test_the_panel_costs_the_same_however_many_download_days(
    coordinator: Any, published: Publication, draft: Publication
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    DownloadCount.objects.bulk_create(
        DownloadCount(
            publication=published, day=timezone.localdate() - dt.timedelta(days=d), count=1
        )
        for d in range(40)
    )
    counts = []
    for publication in (draft, published):
        publication_organiser_context(user=coordinator, publication=publication)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            publication_organiser_context(user=coordinator, publication=publication)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
