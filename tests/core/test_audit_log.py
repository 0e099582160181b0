"""The portal admins' audit log (`/audit/`): who may open it, the filters, bad input, the
links, the CSV export, the query count, and that every action the services write has a name.
"""

import ast
import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from partnerships.models import Agreement
from portal.accounts.roles import Role
from portal.accounts.services import role_grant
from portal.core.audit import audit_record
from portal.core.models import AuditEvent
from portal.core.selectors_audit import ACTION_LABELS, action_label
from regions.models import Region, RegionRole
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_process import (
    make_admin,
    make_company_member,
    make_partnership,
    make_region_person,
)
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

URL = "/audit/"
EXPORT = "/audit/export.csv"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_the_url_names_are_the_documented_ones() -> None:
    assert reverse("core:audit_log") == URL
    assert reverse("core:audit_log_export") == EXPORT


# --- Who may open it -----------------------------------------------------------------------------


def _person(kind: str, with_mfa: Callable[[Any], Any]) -> Any:
    if kind == "anonymous":
        return None
    if kind == "signed_in":
        return UserFactory()
    if kind == "company_member":
        return make_company_member()
    if kind == "coordinator":
        return make_region_person("uppsala")
    if kind == "sponsor":
        return make_region_person("uppsala", RegionRole.SPONSOR)
    if kind == "reviewer":
        reviewer = UserFactory()
        role_grant(user=reviewer, role=Role.OBSTACLE_REVIEWER)
        return with_mfa(reviewer)
    if kind == "django_staff":  # admin-site access alone is not the portal admin role
        return with_mfa(UserFactory(is_staff=True))
    if kind == "portal_admin":
        return make_admin()
    if kind == "superuser":
        return with_mfa(UserFactory(is_superuser=True, is_staff=True))
    raise AssertionError(kind)


NOT_ALLOWED = ["signed_in", "company_member", "coordinator", "sponsor", "reviewer", "django_staff"]


@pytest.mark.parametrize("kind", NOT_ALLOWED)
@pytest.mark.parametrize(
    "url,headers",
    [(URL, {}), (URL + "?area=roles", {"HX-Request": "true"}), (EXPORT, {})],
    ids=["page", "htmx-fragment", "export"],
)
def test_everyone_but_portal_admins_gets_404(
    client: Client, with_mfa: Any, kind: str, url: str, headers: dict[str, str]
) -> None:
    audit_record(actor=None, action="role.grant", target=UserFactory(), data={"role": "x"})
    client.force_login(_person(kind, with_mfa))
    response = client.get(url, headers=headers)
    assert response.status_code == 404
    assert b"role.grant" not in response.content


@pytest.mark.parametrize("url", [URL, EXPORT])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("kind", ["portal_admin", "superuser"])
def test_portal_admins_see_the_log(client: Client, with_mfa: Any, kind: str) -> None:
    target = OrganisationFactory(name="Syntolkarna AB")
    audit_record(actor=None, action="organisation.update", target=target)
    client.force_login(_person(kind, with_mfa))
    response = client.get(URL)
    assert response.status_code == 200
    assert "Syntolkarna AB" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_only_portal_admins_have_the_menu_link(client: Client, with_mfa: Any) -> None:
    link = f'href="{URL}"'
    client.force_login(make_region_person("uppsala"))
    assert link not in client.get("/").content.decode()
    client.force_login(make_admin())
    assert link in client.get("/").content.decode()


def test_a_post_is_refused(client: Client) -> None:
    client.force_login(make_admin())
    assert client.post(URL).status_code == 405


# --- Rows and filters --------------------------------------------------------------------------


def _at(event: AuditEvent, when: dt.datetime) -> AuditEvent:
    AuditEvent.objects.filter(pk=event.pk).update(created_at=when)
    event.refresh_from_db()
    return event


def _ids(response: Any) -> list[int]:
    """The ids of the audit rows on the page, in order."""
    return [int(n) for n in re.findall(r'data-event="(\d+)"', response.content.decode())]


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(make_admin())
    return client


@pytest.fixture
def scene(db: Any) -> dict[str, AuditEvent]:
    """One row per area, by different people, at known Stockholm times."""
    admin = make_admin()
    karin = UserFactory(name="Karin Kontroll", email="karin@region.example.se")
    olle = UserFactory(name="Olle Företag", email="olle@foretag.example.se")
    organisation = OrganisationFactory(name="Hjärtljud AB")
    partnership = make_partnership(company=organisation)
    agreement = Agreement.objects.create(partnership=partnership)
    region = Region.objects.get(slug="uppsala")
    AuditEvent.objects.all().delete()  # what building the scene wrote is not part of it
    rows = {
        "partnership": audit_record(
            actor=karin,
            action="partnership.move_back",
            target=partnership,
            reason="Behovsanalysen saknar ägare",
        ),
        "agreement": audit_record(actor=olle, action="agreement.accept", target=agreement),
        "role": audit_record(
            actor=admin, action="role.grant", target=olle, data={"role": "obstacle_reviewer"}
        ),
        "region_role": audit_record(
            actor=admin,
            action="region.assign_role",
            target=region,
            data={"user": karin.pk, "role": "coordinator"},
        ),
        "region": audit_record(actor=karin, action="region.update", target=region),
        "organisation": audit_record(actor=olle, action="organisation.update", target=organisation),
    }
    # Times: 31 March 23:30 UTC is 1 April 01:30 in Stockholm (summer time).
    times = {
        "partnership": dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC),
        "agreement": dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC),
        "role": dt.datetime(2026, 4, 2, 9, 0, tzinfo=STOCKHOLM),
        "region_role": dt.datetime(2026, 4, 3, 9, 0, tzinfo=STOCKHOLM),
        "region": dt.datetime(2026, 4, 4, 9, 0, tzinfo=STOCKHOLM),
        "organisation": dt.datetime(2026, 4, 5, 9, 0, tzinfo=STOCKHOLM),
    }
    return {name: _at(event, times[name]) for name, event in rows.items()}


def _shown(client: Client, query: str = "") -> list[int]:
    response = client.get(URL + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return _ids(response)


def test_newest_first_with_every_area(admin_client: Client, scene: dict[str, AuditEvent]) -> None:
    order = ["organisation", "region", "region_role", "role", "partnership", "agreement"]
    assert _shown(admin_client) == [scene[name].pk for name in order]


@pytest.mark.parametrize(
    "area,expected",
    [
        ("partnerships", ["partnership"]),
        ("agreements", ["agreement"]),
        ("roles", ["organisation", "region_role", "role"]),
        ("regions", ["region"]),
        ("obstacles", []),
    ],
)
def test_the_area_filter(
    admin_client: Client, scene: dict[str, AuditEvent], area: str, expected: list[str]
) -> None:
    assert _shown(admin_client, f"area={area}") == [scene[name].pk for name in expected]


def test_the_action_filter_offers_the_actions_in_the_log(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    page = admin_client.get(URL).content.decode()
    assert '<option value="agreement.accept">Agreement accepted</option>' in page
    assert 'value="obstacle.publish"' not in page  # no such row
    assert _shown(admin_client, "action=agreement.accept") == [scene["agreement"].pk]


def test_an_action_written_after_the_list_was_kept_can_be_chosen(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    admin_client.get(URL)  # the list of actions is kept for a few minutes
    newest = audit_record(actor=None, action="unit.delete", target=scene["region"].actor)
    assert _shown(admin_client, "action=unit.delete") == [newest.pk]


@pytest.mark.parametrize(
    "who,expected",
    [
        ("karin", ["region", "partnership"]),  # name or email, any case
        ("FORETAG.example", ["organisation", "agreement"]),
        ("Olle Före", ["organisation", "agreement"]),
    ],
)
def test_the_who_filter(
    admin_client: Client, scene: dict[str, AuditEvent], who: str, expected: list[str]
) -> None:
    assert _shown(admin_client, f"who={who}") == [scene[name].pk for name in expected]


def test_the_what_filter_takes_a_name_or_a_number(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    assert _shown(admin_client, "target=hjärtljud") == [scene["organisation"].pk]
    region_id = scene["region"].target_id
    assert set(_shown(admin_client, f"target={region_id}")) >= {
        scene["region"].pk,
        scene["region_role"].pk,
    }


def test_the_reason_filter(admin_client: Client, scene: dict[str, AuditEvent]) -> None:
    assert _shown(admin_client, "reason=saknar ägare") == [scene["partnership"].pk]


def test_the_date_filters_are_stockholm_days_with_both_ends_included(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    # 31 March 23:30 UTC is already 1 April in Stockholm.
    assert _shown(admin_client, "date_to=2026-03-31") == [scene["agreement"].pk]
    assert _shown(admin_client, "date_from=2026-04-01&date_to=2026-04-02") == [
        scene["role"].pk,
        scene["partnership"].pk,
    ]
    assert _shown(admin_client, "date_from=2026-04-05") == [scene["organisation"].pk]


def test_filters_combine(admin_client: Client, scene: dict[str, AuditEvent]) -> None:
    assert _shown(admin_client, "area=roles&who=olle") == [scene["organisation"].pk]


def test_the_table_shows_who_what_and_the_details(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    page = admin_client.get(URL).content.decode()
    row = _row_html(page, scene["role"].pk)
    assert "Role given" in row and "<code>role.grant</code>" in row
    assert "Olle Företag" in row  # the target
    assert "Obstacle reviewer" in row  # the role's name in the details, not its code
    assert "2026-04-02 09:00" in row  # Stockholm time
    partnership_row = _row_html(page, scene["partnership"].pk)
    assert "Karin Kontroll" in partnership_row
    assert "karin@region.example.se" in partnership_row
    assert "Behovsanalysen saknar ägare" in partnership_row


def _row_html(page: str, pk: int) -> str:
    match = re.search(rf'<tr data-event="{pk}">(.*?)</tr>', page, re.S)
    assert match, f"row {pk} not on the page"
    return match.group(1)


def test_objects_link_to_their_page_or_their_parents(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    page = admin_client.get(URL).content.decode()
    partnership_url = f"/partnerships/{scene['partnership'].target_id}/"
    assert f'href="{partnership_url}"' in _row_html(page, scene["partnership"].pk)
    # An agreement has no page of its own: its partnership's.
    assert f'href="{partnership_url}"' in _row_html(page, scene["agreement"].pk)
    region = Region.objects.get(slug="uppsala")
    assert f'href="{region.get_absolute_url()}"' in _row_html(page, scene["region"].pk)
    # A person has no page: no link.
    assert "<a " not in _row_html(page, scene["role"].pk).split("audit-what")[1].split("</td>")[0]


def test_an_object_that_is_gone_is_shown_without_a_link(admin_client: Client) -> None:
    organisation = OrganisationFactory(name="Borta AB")
    event = audit_record(actor=None, action="organisation.update", target=organisation)
    url = organisation.get_absolute_url()
    assert f'href="{url}"' in _row_html(admin_client.get(URL).content.decode(), event.pk)
    organisation.delete()
    row = _row_html(admin_client.get(URL).content.decode(), event.pk)
    assert "Borta AB" in row
    assert url not in row


def test_user_text_is_escaped(admin_client: Client) -> None:
    organisation = OrganisationFactory(name='<script>alert("x")</script>')
    audit_record(
        actor=None,
        action="<b>odd</b>",
        target=organisation,
        reason="<img src=x onerror=alert(1)>",
        data={"<i>key</i>": "<u>value</u>"},
    )
    page = admin_client.get(URL).content.decode()
    for raw in ("<script>alert", "<b>odd", "<img src=x", "<i>key", "<u>value"):
        assert raw not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_fifty_a_page(admin_client: Client) -> None:
    target = OrganisationFactory()
    AuditEvent.objects.all().delete()
    for _ in range(51):
        audit_record(actor=None, action="organisation.update", target=target)
    first = admin_client.get(URL)
    assert len(_ids(first)) == 50
    assert "51 records" in first.content.decode()
    second = admin_client.get(URL + "?page=2")
    assert len(_ids(second)) == 1


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("date_from", "2026-13-01", "Enter a date between 2000-01-01 and 2100-12-31"),
        ("date_from", "31/3/2026", "Enter a date between 2000-01-01 and 2100-12-31"),
        ("date_to", "0001-01-01", "Enter a date between 2000-01-01 and 2100-12-31"),
        ("date_to", "9999-12-31", "Enter a date between 2000-01-01 and 2100-12-31"),
        ("area", "everything", "Select a valid choice"),
        ("action", "drop.table", "Select a valid choice"),
        ("who", "x" * 201, "at most 200 characters"),
        ("reason", "ok\x00", "Null characters are not allowed"),
    ],
)
def test_bad_filters_are_errors_beside_the_field_and_show_no_rows(
    admin_client: Client, scene: dict[str, AuditEvent], field: str, value: str, message: str
) -> None:
    response = admin_client.get(URL, {"who": "karin", field: value})
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.S)
    assert error and message in error.group(1), page
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error', page), "error not tied to field"
    assert _ids(response) == []
    assert "Correct the filters marked above to see the log." in page
    if field.startswith("date"):
        assert f'value="{value}"' in page  # what was typed is kept


def test_from_after_to_is_an_error_on_the_to_date(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    response = admin_client.get(URL, {"date_from": "2026-04-05", "date_to": "2026-04-01"})
    page = response.content.decode()
    assert response.status_code == 200
    error = re.search(r'id="id_date_to_error">(.*?)</ul>', page, re.S)
    assert error and "must not be before the from date" in error.group(1)
    assert 'value="2026-04-05"' in page and 'value="2026-04-01"' in page


@pytest.mark.parametrize("number", ["0", "-1", "abc", "99999", "1e9"])
def test_out_of_range_pages_show_a_page(
    admin_client: Client, scene: dict[str, AuditEvent], number: str
) -> None:
    response = admin_client.get(URL, {"page": number})
    assert response.status_code == 200
    assert _ids(response)


def test_filters_stored_data_unchanged(admin_client: Client, scene: dict[str, AuditEvent]) -> None:
    before = list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "created_at"))
    admin_client.get(URL, {"date_from": "x", "who": "<script>"})
    admin_client.get(EXPORT, {"date_from": "x"})
    after = list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "created_at"))
    assert after == before


# --- htmx ---------------------------------------------------------------------------------------


def test_the_htmx_answer_is_the_results_with_the_form_and_count_out_of_band(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    response = admin_client.get(URL, {"area": "agreements"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert '<form id="audit-filters"' in page and 'hx-swap-oob="true"' in page
    assert re.search(r'<p id="audit-count" hx-swap-oob="innerHTML">1 record\s*</p>', page)
    assert _ids(response) == [scene["agreement"].pk]
    assert "HX-Request" in response["Vary"]


def test_the_htmx_answer_to_bad_input_carries_the_errors(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    response = admin_client.get(URL, {"date_to": "never"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'id="id_date_to_error"' in page
    assert 'class="error-summary" role="alert"' in page


def test_a_history_restore_gets_the_whole_page(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    response = admin_client.get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


# --- Cost ---------------------------------------------------------------------------------------


def _mixed_rows(count: int) -> None:
    """`count` rows of each kind the log links (an object, a part of one) or does not."""
    partnership = make_partnership()
    agreement = Agreement.objects.create(partnership=partnership)
    region = Region.objects.get(slug="uppsala")
    for i in range(count):
        actor = UserFactory()
        audit_record(actor=actor, action="partnership.advance", target=partnership)
        audit_record(actor=actor, action="agreement.accept", target=agreement)
        audit_record(actor=actor, action="region.update", target=region)
        audit_record(actor=actor, action="role.grant", target=actor, data={"role": "x", "n": i})
        audit_record(actor=None, action="organisation.update", target=OrganisationFactory())


def test_a_page_costs_the_same_queries_whatever_its_size(admin_client: Client) -> None:
    _mixed_rows(1)
    few = count_queries(admin_client, URL)
    _mixed_rows(12)  # 65 rows: a full page of 50, every kind on it, and a second page
    assert count_queries(admin_client, URL) == few
    assert count_queries(admin_client, URL + "?page=2") == few
    assert few <= 15


def test_the_export_costs_the_same_queries_whatever_its_size(admin_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def export_queries() -> int:
        admin_client.get(EXPORT)
        with CaptureQueriesContext(connection) as ctx:
            b"".join(admin_client.get(EXPORT).streaming_content)
        return len(ctx.captured_queries)

    _mixed_rows(1)
    few = export_queries()
    _mixed_rows(12)
    assert export_queries() == few


# --- CSV export ---------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_export_has_the_filtered_rows_and_is_logged(
    admin_client: Client, scene: dict[str, AuditEvent], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="portal.security"):
        response = admin_client.get(EXPORT, {"area": "roles", "who": "olle"})
        rows = _csv(response)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert response["Cache-Control"] == "private, no-store"
    header, *body = rows
    assert header[:4] == ["When", "Who", "Email address", "Action"]
    assert len(body) == 1
    assert body[0][0] == "2026-04-05 09:00"
    assert body[0][1:6] == [
        "Olle Företag",
        "olle@foretag.example.se",
        "Organisation changed",
        "organisation.update",
        "organisation",
    ]
    assert body[0][7] == "Hjärtljud AB"
    exports = [
        r.security for r in caplog.records if getattr(r, "security", {}).get("event") == "export"
    ]  # type: ignore[attr-defined]
    assert len(exports) == 1
    assert exports[0]["export"] == "audit_log"
    assert exports[0]["rows"] == 1
    assert exports[0]["filters"] == {"area": "roles", "who": "olle"}


def test_the_export_is_safe_from_formula_injection(admin_client: Client) -> None:
    organisation = OrganisationFactory(name='=HYPERLINK("http://evil")')
    AuditEvent.objects.all().delete()
    audit_record(actor=None, action="organisation.update", target=organisation, reason="+1+1")
    _header, row = _csv(admin_client.get(EXPORT))
    assert row[7] == '\'=HYPERLINK("http://evil")'
    assert row[8] == "'+1+1"
    assert row[1] == "The portal (automatic)"


def test_the_export_with_bad_filters_goes_back_to_the_page(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    response = admin_client.get(EXPORT, {"date_from": "soon", "who": "olle"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?who=olle&date_from=soon"


def test_the_export_link_carries_the_filters(
    admin_client: Client, scene: dict[str, AuditEvent]
) -> None:
    page = admin_client.get(URL, {"who": "olle", "area": "roles", "page": "1"}).content.decode()
    assert f'href="{EXPORT}?area=roles&amp;who=olle"' in page


# --- Action names --------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
SERVICE_DIRS = [
    "portal/accounts",
    "regions",
    "partnerships/services",
    "obstacles/services",
    "dissemination/services",
    "reports/services",
]


def _written_actions() -> set[str]:
    """Every action code the services pass to audit_record as a literal, plus the moves they
    write as f"<thing>.{move}" (from the workflow tables)."""
    from dissemination.workflow import EVENT_MOVES, LESSON_MOVES, PUBLICATION_MOVES
    from obstacles.workflow import ARTICLE_MOVES, MITIGATION_MOVES, OBSTACLE_MOVES
    from partnerships.workflow import PartnershipAction, ProposalAction

    prefixes = {code.split(".")[0] for code in ACTION_LABELS}
    found: set[str] = set()
    for folder in SERVICE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                value = node.value if isinstance(node, ast.Constant) else None
                dotted = isinstance(value, str) and re.fullmatch(r"[a-z_]+\.[a-z_]+", value)
                if dotted and str(value).split(".")[0] in prefixes:
                    found.add(str(value))
    moves = {
        "proposal": [a.value for a in ProposalAction],
        "partnership": [a.value for a in PartnershipAction],
        "obstacle": [str(m) for m in OBSTACLE_MOVES],
        "mitigation": [str(m) for m in MITIGATION_MOVES],
        "article": [str(m) for m in ARTICLE_MOVES],
        "event": [str(m) for m in EVENT_MOVES],
        "publication": [str(m) for m in PUBLICATION_MOVES],
        "lesson": [str(m) for m in LESSON_MOVES],
    }
    for thing, names in moves.items():
        found.update(f"{thing}.{name}" for name in names)
    return found


def test_every_action_the_services_write_has_a_readable_name() -> None:
    written = _written_actions()
    assert len(written) > 100
    missing = sorted(code for code in written if code not in ACTION_LABELS)
    assert not missing, f"give these actions a name in ACTION_LABELS: {missing}"


def test_an_unknown_action_is_shown_as_its_code() -> None:
    assert action_label("something.new") == "something.new"
    assert action_label("role.grant") == "Role given"
