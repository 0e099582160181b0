"""The Co-sharing entry page and the region pipeline, per role: what each person sees, what they
do not, when a gate waits or a partnership is stale, and a page cost that does not grow with rows.

Partnerships are made as raw rows here (on the national default template when migration 0002
loaded it), because the point is what the pages read, not how a partnership got there.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import (
    Agreement,
    AgreementAcceptance,
    AgreementVersion,
    ChecklistCheck,
    GateApproval,
    Partnership,
    PartnershipParty,
    PartyKind,
    ProcessStep,
    ProcessTemplate,
)
from partnerships.selectors.dashboards import (
    company_dashboards,
    is_stale,
    region_pipelines,
    sponsor_gates_waiting,
)
from partnerships.workflow import AgreementStatus, PartnershipStatus, ProposalStatus
from portal.accounts.models import Organisation
from portal.accounts.roles import Role
from portal.accounts.services import organisation_create, role_grant
from regions.models import Region, RegionRole
from regions.services import region_assign_role
from tests.factories import UserFactory, _org_number
from tests.factories_partnerships import CallFactory, ProposalFactory

pytestmark = pytest.mark.django_db

STEPS = [
    ("entry", "Inkommande och triage", "Entry and triage", "coordinator"),
    ("needs", "Behovs- och nyttoanalys", "Needs and benefit analysis", "sponsor"),
    ("agreement", "Avtal", "Agreement", "parties"),
    ("test", "Test och samskapande", "Test and co-creation", "coordinator"),
]


# --- URL names other modules provide ------------------------------------------------------------


def _stub_urlconf() -> list[Any]:
    """The project's URLs plus stand-ins for Co-sharing page names not built yet (the
    partnership page), so these tests run while the other modules are written. Once every name
    exists the real URLconf is used unchanged."""
    from django.http import HttpResponse
    from django.urls import include, path

    import partnerships.urls
    from portal import urls as portal_urls

    def stub(request: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse("stub")

    names = {p.name for p in partnerships.urls.urlpatterns if hasattr(p, "name")}
    extra = [path("<int:pk>/", stub, name="detail")] if "detail" not in names else []
    patterns = [*partnerships.urls.urlpatterns, *extra]
    return [
        path("partnerships/", include((patterns, "partnerships"))),
        *[p for p in portal_urls.urlpatterns if "partnerships" not in str(p.pattern)],
    ]


urlpatterns = _stub_urlconf()


@pytest.fixture(autouse=True)
def _partnership_page_url(settings: Any) -> None:
    from django.urls import NoReverseMatch

    try:
        reverse("partnerships:detail", args=[1])
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


# --- Building rows -------------------------------------------------------------------------------


def dash_template() -> ProcessTemplate:
    """The national default template if migration 0002 loaded it, otherwise a small stand-in."""
    template = ProcessTemplate.objects.filter(
        family="co-sharing", region__isnull=True, is_current=True
    ).first()
    if template is not None:
        return template
    template = ProcessTemplate.objects.create(
        family="co-sharing", name_sv="Samverkansprocessen", name_en="The Co-sharing process"
    )
    for order, (key, name_sv, name_en, gate) in enumerate(STEPS, start=1):
        step = ProcessStep.objects.create(
            template=template,
            order=order,
            key=key,
            name_sv=name_sv,
            name_en=name_en,
            gate_role=gate,
        )
        step.checklist.create(order=1, text_sv="Krav", text_en="Required", required=True)
        step.checklist.create(order=2, text_sv="Frivillig", text_en="Optional", required=False)
    return template


def step(key: str) -> ProcessStep:
    return dash_template().steps.get(key=key)


def region(slug: str = "uppsala") -> Region:
    return Region.objects.get(slug=slug)


def admin_user() -> Any:
    from allauth.mfa.models import Authenticator

    admin = UserFactory(email="dash-admin@portal.example.se", name="Portal Admin")
    role_grant(user=admin, role=Role.PORTAL_ADMIN)
    Authenticator.objects.get_or_create(
        user=admin, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return admin


def region_person(slug: str, role: RegionRole = RegionRole.COORDINATOR, **kwargs: Any) -> Any:
    from allauth.mfa.models import Authenticator

    person = UserFactory(**kwargs)
    region_assign_role(actor=admin_user(), region=region(slug), user=person, role=role)
    Authenticator.objects.get_or_create(
        user=person, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return person


_orgs = iter(range(7000, 9999))


def company(name: str = "CareSense AB", **kwargs: Any) -> tuple[Any, Organisation]:
    """A company member and their organisation (made through the service)."""
    person = UserFactory(**kwargs)
    organisation = organisation_create(
        creator=person,
        data={
            "kind": "company",
            "name": name,
            "org_number": _org_number(next(_orgs)),
            "website": "",
            "description": "",
        },
    )
    return person, organisation


def partnership(
    *,
    organisation: Organisation | None = None,
    region_slug: str = "uppsala",
    step_key: str = "entry",
    title: str = "Remote wound monitoring",
    status: str = PartnershipStatus.ACTIVE,
    last_activity_at: dt.datetime | None = None,
    **kwargs: Any,
) -> Partnership:
    """A partnership row with the region as a party and the organisation as company party."""
    the_step = step(step_key)
    row = Partnership.objects.create(
        title=title,
        region=region(region_slug),
        template=the_step.template,
        current_step=the_step,
        status=status,
        last_activity_at=last_activity_at or timezone.now(),
        **kwargs,
    )
    PartnershipParty.objects.create(partnership=row, kind=PartyKind.REGION, region=row.region)
    if organisation is not None:
        PartnershipParty.objects.create(
            partnership=row, kind=PartyKind.COMPANY, organisation=organisation
        )
    return row


def tick_required(row: Partnership) -> None:
    for item in row.current_step.checklist.filter(required=True):
        ChecklistCheck.objects.get_or_create(partnership=row, item=item)


def html(response: Any) -> str:
    return response.content.decode()


# --- Who sees what on the entry page ------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("partnerships:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_someone_without_organisation_or_role_gets_an_explanation(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(UserFactory())
    response = client.get(reverse("partnerships:dashboard"))
    assert response.status_code == 200
    page = html(response)
    assert "How to get started" in page
    assert reverse("accounts:onboarding") in page
    assert reverse("regions:list") in page


def test_company_sees_its_own_drafts_proposals_and_partnerships_only(client) -> None:  # type: ignore[no-untyped-def]
    member, org = company("CareSense AB")
    _, other_org = company("Rival Health AB")
    draft = ProposalFactory(organisation=org, title="Our draft idea")
    waiting = ProposalFactory(
        organisation=org,
        title="Needs more detail",
        status=ProposalStatus.CHANGES_REQUESTED,
        submitted_at=timezone.now(),
    )
    ProposalFactory(organisation=other_org, title="Rival secret draft")
    ProposalFactory(
        organisation=other_org,
        title="Rival sent proposal",
        status=ProposalStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    partnership(organisation=org, title="Our wound pilot")
    partnership(organisation=other_org, title="Rival pilot")
    client.force_login(member)

    response = client.get(reverse("partnerships:dashboard"))

    page = html(response)
    assert "Our draft idea" in page
    assert reverse("partnerships:proposal_edit", args=[draft.pk]) in page
    assert "Needs more detail" in page and "Waiting for you" in page
    assert reverse("partnerships:proposal_detail", args=[waiting.pk]) in page
    assert "Our wound pilot" in page
    assert reverse("partnerships:proposal_new") in page
    for secret in ("Rival secret draft", "Rival sent proposal", "Rival pilot", "Rival Health AB"):
        assert secret not in page
    assert "How to get started" not in page


def test_a_member_of_another_company_sees_nothing_of_it(client) -> None:  # type: ignore[no-untyped-def]
    _, org = company("CareSense AB")
    outsider, _ = company("Other AB")
    partnership(organisation=org, title="CareSense pilot")
    ProposalFactory(organisation=org, title="CareSense draft")
    client.force_login(outsider)
    page = html(client.get(reverse("partnerships:dashboard")))
    assert "CareSense" not in page


def test_company_is_told_when_the_agreement_waits_for_its_acceptance(client) -> None:  # type: ignore[no-untyped-def]
    member, org = company()
    row = partnership(organisation=org, step_key="agreement", title="Agreement pilot")
    agreement = Agreement.objects.create(partnership=row, status=AgreementStatus.DRAFT)
    v1 = AgreementVersion.objects.create(agreement=agreement, number=1, text="v1", checksum="a")
    ours = row.parties.get(organisation=org)
    AgreementAcceptance.objects.create(version=v1, party=ours, checksum="a")

    (board,) = company_dashboards(user=member)
    assert not board.partnerships[0].agreement_waiting  # accepted the latest version

    AgreementVersion.objects.create(agreement=agreement, number=2, text="v2", checksum="b")
    (board,) = company_dashboards(user=member)
    assert board.partnerships[0].agreement_waiting  # a new version waits for us
    client.force_login(member)
    assert "The agreement waits for your organisation" in html(
        client.get(reverse("partnerships:dashboard"))
    )

    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.IN_FORCE)
    (board,) = company_dashboards(user=member)
    assert not board.partnerships[0].agreement_waiting


def test_company_is_told_about_open_required_checklist_items(client) -> None:  # type: ignore[no-untyped-def]
    member, org = company()
    row = partnership(organisation=org, step_key="needs")
    required = row.current_step.checklist.filter(required=True).count()
    assert required > 0

    (board,) = company_dashboards(user=member)
    assert board.partnerships[0].open_required == required
    assert board.partnerships[0].waiting_for_us

    tick_required(row)
    (board,) = company_dashboards(user=member)
    assert board.partnerships[0].open_required == 0
    assert board.partnerships[0].gate_waiting  # now the sponsor's turn, not ours
    assert not board.partnerships[0].waiting_for_us


def test_open_calls_are_listed(client) -> None:  # type: ignore[no-untyped-def]
    member, _ = company()
    CallFactory(title="Home monitoring challenge")
    CallFactory(
        title="Closed call",
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    CallFactory(title="Unpublished call", published=False)
    client.force_login(member)
    page = html(client.get(reverse("partnerships:dashboard")))
    assert "Home monitoring challenge" in page
    assert "Closed call" not in page and "Unpublished call" not in page


def test_coordinator_sees_only_their_regions_pipeline(client) -> None:  # type: ignore[no-untyped-def]
    coordinator = region_person("uppsala")
    _, org = company()
    partnership(organisation=org, title="Uppsala pilot", step_key="needs")
    partnership(organisation=org, title="Östergötland pilot", region_slug="ostergotland")
    ProposalFactory(status=ProposalStatus.SUBMITTED, submitted_at=timezone.now())
    ProposalFactory(status=ProposalStatus.DRAFT)  # a draft never counts as intake
    client.force_login(coordinator)

    response = client.get(reverse("partnerships:dashboard"))

    page = html(response)
    assert "Uppsala pilot" in page
    assert "Östergötland pilot" not in page
    assert reverse("partnerships:pipeline", args=["uppsala"]) in page
    assert reverse("partnerships:intake") in page
    (board,) = response.context["pipelines"]
    assert board.region.slug == "uppsala"
    assert {s: n for s, _, n in board.intake}[ProposalStatus.SUBMITTED] == 1
    lanes = {lane.key: lane.count for lane in board.lanes}
    assert lanes["needs"] == 1 and lanes["entry"] == 0


def test_admin_picks_a_region(client) -> None:  # type: ignore[no-untyped-def]
    admin = admin_user()
    partnership(title="Västerbotten clinic", region_slug="vasterbotten")
    client.force_login(admin)
    page = html(client.get(reverse("partnerships:dashboard")))
    assert 'name="region"' in page
    assert "Västerbotten clinic" not in page
    page = html(client.get(reverse("partnerships:dashboard") + "?region=vasterbotten"))
    assert "Västerbotten clinic" in page


def test_lanes_follow_the_template_order_with_a_list_and_heading_per_step(client) -> None:  # type: ignore[no-untyped-def]
    coordinator = region_person("uppsala")
    partnership(title="In entry", step_key="entry")
    partnership(title="In test", step_key="test")
    (board,) = region_pipelines(regions=[region()])
    keys = [lane.key for lane in board.lanes]
    template_keys = list(dash_template().steps.order_by("order").values_list("key", flat=True))
    assert keys == template_keys
    client.force_login(coordinator)
    page = html(client.get(reverse("partnerships:pipeline", args=["uppsala"])))
    for lane in board.lanes:
        assert f'id="lane-uppsala-{lane.key}"' in page
    assert page.index("In entry") < page.index("In test")


# --- Gates waiting, stale and paused -------------------------------------------------------------


def test_a_gate_waits_once_required_items_are_ticked_and_until_it_is_approved() -> None:
    row = partnership(step_key="entry")
    (board,) = region_pipelines(regions=[region()])
    assert board.gates_waiting == []  # required items still open

    tick_required(row)
    (board,) = region_pipelines(regions=[region()])
    assert [p.pk for p in board.gates_waiting] == [row.pk]

    approval = GateApproval.objects.create(partnership=row, step=row.current_step)
    (board,) = region_pipelines(regions=[region()])
    assert board.gates_waiting == []

    approval.voided_at = timezone.now()  # moving back voids it: the gate waits again
    approval.save()
    (board,) = region_pipelines(regions=[region()])
    assert [p.pk for p in board.gates_waiting] == [row.pk]


def test_a_parties_gate_or_a_paused_partnership_never_waits_for_a_person() -> None:
    agreement_row = partnership(step_key="agreement")
    paused = partnership(step_key="entry", status=PartnershipStatus.PAUSED)
    tick_required(agreement_row)
    tick_required(paused)
    (board,) = region_pipelines(regions=[region()])
    assert board.gates_waiting == []
    assert [p.pk for p in board.paused] == [paused.pk]


def test_stale_means_active_with_no_activity_for_more_than_30_days() -> None:
    now = timezone.now()
    fresh = partnership(
        title="Fresh", last_activity_at=now - dt.timedelta(days=30) + dt.timedelta(minutes=1)
    )
    stale = partnership(title="Stale", last_activity_at=now - dt.timedelta(days=30, minutes=1))
    paused = partnership(
        title="Paused old",
        status=PartnershipStatus.PAUSED,
        last_activity_at=now - dt.timedelta(days=90),
    )
    assert not is_stale(fresh, now=now)
    assert is_stale(stale, now=now)
    assert not is_stale(paused, now=now)
    (board,) = region_pipelines(regions=[region()], now=now)
    assert [p.pk for p in board.stale] == [stale.pk]


def test_sponsor_sees_gates_waiting_for_them_in_their_region_only(client) -> None:  # type: ignore[no-untyped-def]
    sponsor = region_person("uppsala", RegionRole.SPONSOR)
    mine = partnership(step_key="needs", title="Needs anchoring in Uppsala")
    theirs = partnership(
        step_key="needs", title="Needs anchoring elsewhere", region_slug="ostergotland"
    )
    coordinator_gate = partnership(step_key="entry", title="Coordinator gate")
    for row in (mine, theirs, coordinator_gate):
        tick_required(row)

    assert [p.pk for p in sponsor_gates_waiting(user=sponsor)] == [mine.pk]
    client.force_login(sponsor)
    page = html(client.get(reverse("partnerships:dashboard")))
    assert "Needs anchoring in Uppsala" in page
    assert "Needs anchoring elsewhere" not in page
    assert "Gates waiting for your approval" in page
    assert reverse("partnerships:pipeline", args=["uppsala"]) in page


# --- The pipeline page: who may open it ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator", 200),
        ("sponsor", 200),
        ("admin", 200),
        ("other_coordinator", 404),
        ("company", 404),
        ("nobody", 404),
    ],
)
@pytest.mark.parametrize("name", ["partnerships:pipeline", "partnerships:pipeline_export"])
def test_pipeline_pages_are_for_the_regions_people(client, who, expected, name) -> None:  # type: ignore[no-untyped-def]
    people = {
        "coordinator": lambda: region_person("uppsala"),
        "sponsor": lambda: region_person("uppsala", RegionRole.SPONSOR),
        "admin": admin_user,
        "other_coordinator": lambda: region_person("ostergotland"),
        "company": lambda: company()[0],
        "nobody": UserFactory,
    }
    client.force_login(people[who]())
    partnership(title="Secret pilot")
    response = client.get(reverse(name, args=["uppsala"]))
    assert response.status_code == expected
    if expected == 404:
        assert b"Secret pilot" not in response.content


def test_an_unknown_region_is_404_even_for_an_admin(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin_user())
    assert client.get(reverse("partnerships:pipeline", args=["atlantis"])).status_code == 404


@pytest.mark.parametrize("name", ["partnerships:pipeline", "partnerships:pipeline_export"])
def test_anonymous_visitors_are_sent_to_sign_in_from_the_pipeline(client, name) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse(name, args=["uppsala"]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_pipeline_page_shows_closed_partnerships_apart(client) -> None:  # type: ignore[no-untyped-def]
    coordinator = region_person("uppsala")
    partnership(title="Finished pilot", status=PartnershipStatus.COMPLETED)
    client.force_login(coordinator)
    response = client.get(reverse("partnerships:pipeline", args=["uppsala"]))
    board = response.context["board"]
    assert [p.title for p in board.closed] == ["Finished pilot"]
    assert sum(lane.count for lane in board.lanes) == 0


# --- Cost does not grow with rows ----------------------------------------------------------------


def _queries(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def _fill(org: Organisation, n: int, offset: int) -> None:
    now = timezone.now()
    keys = ["entry", "needs", "agreement", "test"]
    for i in range(n):
        row = partnership(
            organisation=org,
            title=f"Pilot {offset + i}",
            step_key=keys[i % 4],
            status=PartnershipStatus.PAUSED if i % 5 == 4 else PartnershipStatus.ACTIVE,
            last_activity_at=now - dt.timedelta(days=40 * (i % 2)),
        )
        if i % 3 == 0:
            tick_required(row)
        if keys[i % 4] == "agreement":
            agreement = Agreement.objects.create(partnership=row)
            AgreementVersion.objects.create(agreement=agreement, number=1, text="t", checksum="c")
        ProposalFactory(organisation=org, title=f"Draft {offset + i}")
        ProposalFactory(
            organisation=org,
            title=f"Sent {offset + i}",
            status=ProposalStatus.SUBMITTED,
            submitted_at=now,
        )


@pytest.mark.parametrize("who", ["company", "coordinator", "pipeline", "export"])
def test_pages_run_a_fixed_number_of_queries(client, who) -> None:  # type: ignore[no-untyped-def]
    member, org = company()
    coordinator = region_person("uppsala")
    CallFactory()
    url = {
        "company": reverse("partnerships:dashboard"),
        "coordinator": reverse("partnerships:dashboard"),
        "pipeline": reverse("partnerships:pipeline", args=["uppsala"]),
        "export": reverse("partnerships:pipeline_export", args=["uppsala"]),
    }[who]
    client.force_login(member if who == "company" else coordinator)

    _fill(org, 3, 0)
    few = _queries(client, url)
    _fill(org, 9, 100)
    many = _queries(client, url)

    assert few == many
