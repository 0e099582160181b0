"""A ready report's file is served only while it shows the data as it is now. The partnership
report's fingerprint (a few aggregate queries on PostgreSQL) changes exactly when something the
report prints changes, and the request's page and the download, which recompute it, cost a
fixed, small number of queries however much the partnership holds."""

from typing import Any

import pytest
from django.test import Client

from obstacles.models import Mitigation, Obstacle
from obstacles.workflow import MitigationStatus
from partnerships.models import (
    AgreementClause,
    ChecklistCheck,
    EventKind,
    PartnershipEvent,
    PartnershipMessage,
    PartyKind,
    ProcessStep,
)
from partnerships.services.partnerships import (
    checklist_set,
    message_post,
    party_add,
    party_member_add,
)
from portal.accounts.models import User
from reports.kinds import get_kind
from reports.kinds.base import digest
from reports.models import ReportKind
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_process import *  # noqa: F403  (the fixtures)
from tests.reports.ready import ready_request, view_costs
from tests.reports.test_kind_partnership import _grow, company, scene  # noqa: F401

pytestmark = pytest.mark.django_db

SPEC = get_kind(ReportKind.PARTNERSHIP)
# The walk's budget for every page (tests/security/test_url_walk.py MAX_QUERIES).
MAX_QUERIES = 15


def _printed(params: dict[str, Any], language: str = "en") -> str:
    """The hash of everything the report prints (its whole context): the exact reference."""
    return digest(SPEC.build_context(params, language))


def _follows(world: dict[str, Any], change: Any) -> None:
    """`change` alters what the report prints, and the fingerprint notices."""
    params = world["params"]
    printed, before = _printed(params), SPEC.fingerprint(params, "en")
    change()
    assert _printed(params) != printed, "the change is not printed: a useless test"
    assert SPEC.fingerprint(params, "en") != before


# --- The fingerprint follows what is printed ----------------------------------------------------


def test_fingerprint_differs_between_the_languages(scene: dict[str, Any]) -> None:  # noqa: F811
    assert SPEC.fingerprint(scene["params"], "sv") != SPEC.fingerprint(scene["params"], "en")


def test_fingerprint_follows_a_party_members_name(scene: dict[str, Any]) -> None:  # noqa: F811
    member = scene["partnership"].parties.get(kind=PartyKind.COMPANY).members.first()
    # Users have no updated_at: the name itself is hashed.
    _follows(scene, lambda: User.objects.filter(pk=member.user_id).update(name="Åke Nyname"))


def test_fingerprint_follows_a_steps_guidance(scene: dict[str, Any]) -> None:  # noqa: F811
    step = scene["partnership"].current_step
    _follows(
        scene,
        lambda: ProcessStep.objects.filter(pk=step.pk).update(
            guidance_en="<p>Ask the legal department first.</p>"
        ),
    )


def test_fingerprint_follows_a_checklist_note(scene: dict[str, Any]) -> None:  # noqa: F811
    checks = ChecklistCheck.objects.filter(partnership=scene["partnership"])
    assert checks.exists()
    _follows(scene, lambda: checks.update(note="Utvecklingspartner, inte kund"))


def test_fingerprint_follows_an_agreement_clause_value(scene: dict[str, Any]) -> None:  # noqa: F811
    row = next(
        row
        for row in AgreementClause.objects.filter(agreement=scene["agreement"]).select_related(
            "clause"
        )
        if row.clause.variables and row.clause.variables[0].get("type", "text") == "text"
    )
    name = row.clause.variables[0]["name"]
    _follows(
        scene,
        lambda: AgreementClause.objects.filter(pk=row.pk).update(
            values={**row.values, name: "Ett helt nytt värde"}
        ),
    )


def test_fingerprint_follows_a_mitigation_unpublished(scene: dict[str, Any]) -> None:  # noqa: F811
    published = Mitigation.objects.filter(obstacles=scene["entry"], status="published")
    assert published.count() == 1
    _follows(scene, lambda: published.update(status=MitigationStatus.SUBMITTED))


def test_fingerprint_follows_a_common_obstacle_ahead_re_ranked(scene: dict[str, Any]) -> None:  # noqa: F811
    # Number 5 (met by 5) overtakes number 6 (met by 6): the same five, in another order.
    common = scene["common"]
    _follows(
        scene,
        lambda: Obstacle.objects.filter(pk=common[5].pk).update(endorsement_count=60),
    )


def test_fingerprint_follows_a_new_party_and_a_named_person(
    scene: dict[str, Any],  # noqa: F811
    coordinator: Any,
) -> None:
    partnership = scene["partnership"]
    _follows(
        scene,
        lambda: party_add(
            actor=coordinator,
            partnership=partnership,
            organisation=OrganisationFactory(name="Norrsken Diagnostik AB"),
            kind=PartyKind.COMPANY,
        ),
    )
    party = partnership.parties.get(
        kind=PartyKind.COMPANY, organisation__name="Norrsken Diagnostik AB"
    )
    _follows(
        scene,
        lambda: party_member_add(
            actor=coordinator,
            partnership=partnership,
            party=party,
            user=UserFactory(name="Örjan Öst"),
            role="Projektledare",
        ),
    )


def test_fingerprint_ignores_what_the_report_does_not_show(
    scene: dict[str, Any],  # noqa: F811
    company: Any,  # noqa: F811
    company_member: Any,
) -> None:
    params, partnership = scene["params"], scene["partnership"]
    printed, before = _printed(params), SPEC.fingerprint(params, "en")

    PartnershipEvent.objects.create(
        partnership=partnership, actor=company_member, kind=EventKind.MESSAGE, text="En händelse"
    )
    PartnershipMessage.objects.filter(partnership=partnership).update(body="Ändrat meddelande")
    MembershipFactory(organisation=company, user=UserFactory(name="Ny Kollega"))
    Obstacle.objects.filter(title="Hinder vid triage").update(endorsement_count=77)  # behind
    Obstacle.objects.filter(pk=scene["common"][0].pk).update(endorsement_count=1)  # still 7th

    assert _printed(params) == printed
    assert SPEC.fingerprint(params, "en") == before


def test_a_message_changes_only_the_last_activity_which_is_printed(
    scene: dict[str, Any],  # noqa: F811
    company_member: Any,
) -> None:
    """Posting a message moves the partnership's "Last activity", which the report prints: the
    file is then (rightly) not the data as it is now."""
    before = SPEC.fingerprint(scene["params"], "en")
    message_post(actor=company_member, partnership=scene["partnership"], body="Hej")
    assert SPEC.fingerprint(scene["params"], "en") != before


# --- The page and the download: fresh, and a fixed number of queries ---------------------------


def test_page_and_download_of_a_partnership_report_cost_the_same_however_big(
    scene: dict[str, Any],  # noqa: F811
    coordinator: Any,
    company_member: Any,
) -> None:
    client = Client()
    client.force_login(coordinator)
    small = view_costs(client, ready_request(coordinator, SPEC.kind.value, scene["params"]))

    partnership = scene["partnership"]
    _grow(scene, company_member, 5)  # notes linked to entries with mitigations, documents
    for item in partnership.current_step.checklist.all():
        checklist_set(
            actor=company_member, partnership=partnership, item=item, done=True, note="ok"
        )
    for n in range(3):
        party = party_add(
            actor=coordinator,
            partnership=partnership,
            organisation=OrganisationFactory(name=f"Partner {n} AB"),
            kind=PartyKind.COMPANY,
        )
        for m in range(2):
            party_member_add(
                actor=coordinator,
                partnership=partnership,
                party=party,
                user=UserFactory(name=f"Person {n}-{m}"),
                role="Kontakt",
            )
    big = view_costs(client, ready_request(coordinator, SPEC.kind.value, scene["params"]))

    assert big == small
    assert small["detail"] <= MAX_QUERIES and small["download"] <= MAX_QUERIES, small


@pytest.mark.parametrize(
    "kind",
    [
        "process_guide",
        "obstacles",
        "partnership",
        "region_activity",
    ],
)
def test_every_kinds_page_and_download_stay_within_the_walks_budget(
    scene: dict[str, Any],  # noqa: F811
    coordinator: Any,
    kind: str,
) -> None:
    """The request's page and the download of a ready report, for each kind (the agreement's:
    tests/reports/test_kind_agreement.py), within the URL walk's 15 queries."""
    spec = get_kind(kind)
    params = {
        "process_guide": {"region": ""},
        "obstacles": spec.initial_params(),
        "region_activity": spec.initial_params(region="uppsala"),
        "partnership": scene["params"],
    }[kind]
    client = Client()
    client.force_login(coordinator)
    costs = view_costs(client, ready_request(coordinator, kind, params))
    assert max(costs.values()) <= MAX_QUERIES, costs
