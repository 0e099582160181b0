"""Demo proposals in every state that does not start a partnership, and the steps that move them."""

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from portal.accounts.models import User

from ..models import Call, Proposal, ReviewAssignment
from ..services.proposals import (
    proposal_accept,
    proposal_create_draft,
    proposal_decline,
    proposal_request_changes,
    proposal_submit,
    proposal_withdraw,
    review_assign,
    review_save,
)
from .cast import (
    CARESENSE,
    DEMO_NAMESPACE,
    HALSA_NORR,
    NORDIC_MEDTECH,
    OSTERGOTLAND,
    RACE,
    SELF_MONITORING_CALL,
    UPPSALA,
    VASTERBOTTEN,
    VGR,
    Cast,
)

# --- Proposals -------------------------------------------------------------------------------

Step = Callable[[Cast, Proposal], Proposal]


def _submit(cast: Cast, proposal: Proposal) -> Proposal:
    return proposal_submit(actor=cast.people[_org_number(proposal)], proposal=proposal)


def _org_number(proposal: Proposal) -> str:
    return str(proposal.organisation.org_number)


def _coordinator_of(cast: Cast, proposal: Proposal) -> User:
    codes = {region.pk: code for code, region in cast.regions.items()}
    return cast.coordinators[codes[proposal.region_id]]


def _request_changes(message: str) -> Step:
    def step(cast: Cast, proposal: Proposal) -> Proposal:
        return proposal_request_changes(
            actor=_coordinator_of(cast, proposal), proposal=proposal, message=message
        )

    return step


def _decline(reason: str) -> Step:
    def step(cast: Cast, proposal: Proposal) -> Proposal:
        return proposal_decline(
            actor=_coordinator_of(cast, proposal), proposal=proposal, reason=reason
        )

    return step


def _accept(message: str) -> Step:
    def step(cast: Cast, proposal: Proposal) -> Proposal:
        return proposal_accept(
            actor=_coordinator_of(cast, proposal), proposal=proposal, message=message
        )

    return step


def _withdraw(reason: str) -> Step:
    def step(cast: Cast, proposal: Proposal) -> Proposal:
        return proposal_withdraw(
            actor=cast.people[_org_number(proposal)], proposal=proposal, reason=reason
        )

    return step


def _proposal(
    cast: Cast,
    *,
    org: str,
    region: str,
    title: str,
    summary: str,
    care_need: str = "",
    solution: str = "",
    trl: int | None = None,
    device_class: str = "undetermined",
    ce_marked: bool = False,
    kind: str = "",
    brings: str = "",
    asks: str = "",
    call: Call | None = None,
    then: Iterable[Step] = (),
) -> Proposal:
    """One proposal, drafted by the organisation's demo member and moved by `then`."""
    existing = Proposal.objects.filter(title=title).first()
    if existing is not None:
        return existing
    author = cast.people[org]
    data: dict[str, Any] = {
        "title": title,
        "summary": summary,
        "care_need": care_need,
        "solution": solution,
        "trl": trl,
        "device_class": device_class,
        "ce_marked": ce_marked,
        "collaboration_kind": kind,
        "company_brings": brings,
        "company_asks": asks,
        "contact_name": author.name,
        "contact_email": author.email,
        "contact_phone": "070-123 45 67",
    }
    proposal = proposal_create_draft(
        actor=author,
        organisation=cast.organisations[org],
        region=cast.regions[region],
        call=call,
        data=data,
        client_token=uuid.uuid5(DEMO_NAMESPACE, title),
    )
    for step in then:
        proposal = step(cast, proposal)
    return proposal


def _review(cast: Cast, proposal: Proposal, *, submit_by: User | None, scores: list[int]) -> None:
    """Ask the demo reviewer and the Uppsala coordinator to score; `submit_by` submits."""
    coordinator = cast.coordinators[UPPSALA]
    for reviewer in (cast.reviewer, coordinator):
        review_assign(actor=coordinator, proposal=proposal, reviewer=reviewer)
    if submit_by is None:
        return
    review = ReviewAssignment.objects.get(proposal=proposal, reviewer=submit_by)
    criteria = list(proposal.call.criteria.order_by("order", "id"))  # type: ignore[union-attr]
    notes = [
        "Tydlig nytta: färre oplanerade besök på mottagningen.",
        "Kräver integration med journalsystemet; bilderna måste lagras inom EU.",
        "CE-märkt som klass I; pilotdata från en klinik finns.",
    ]
    review_save(
        actor=submit_by,
        review=review,
        expected_version=review.version,
        scores={
            c.pk: (score, note) for c, score, note in zip(criteria, scores, notes, strict=False)
        },
        comment="Lovande förslag som passar tävlingens behov väl. Rekommenderas till finalen.",
        submit=True,
    )


def seed_proposals(cast: Cast, calls: dict[str, Call]) -> None:
    """Proposals in every state that does not start a partnership (accepted ones: below)."""
    _proposal(
        cast,
        org=NORDIC_MEDTECH,
        region=VASTERBOTTEN,
        title="Fallsensorer för äldre i ordinärt boende",
        summary=(
            "Radarsensorer i taket som larmar hemtjänsten vid fall, utan kamera och utan att "
            "den äldre behöver bära något."
        ),
        care_need="Äldre som bor ensamma ligger ofta länge efter ett fall innan de hittas.",
        kind="testbed",
        trl=6,
    )
    wound = _proposal(
        cast,
        org=CARESENSE,
        region=UPPSALA,
        call=calls[RACE],
        title="Sårfoton från hemmet efter operation",
        summary=(
            "Patienten fotograferar operationssåret med mobilen enligt en guide; "
            "sjuksköterskan bedömer bilderna och ringer upp vid tecken på infektion."
        ),
        care_need=(
            "Många återbesök efter operation gäller bara en kontroll av såret. Infektioner "
            "upptäcks ibland för sent."
        ),
        solution=(
            "En app med bildguide och färgkalibrering, en vy för mottagningen med prioritering "
            "och lagring inom EU."
        ),
        trl=7,
        device_class="mdr_i",
        ce_marked=True,
        kind="clinical",
        brings="Appen, utbildning av personal och support under testet.",
        asks="En kirurgisk mottagning som testar med 40 patienter under tre månader.",
        then=[_submit],
    )
    if not ReviewAssignment.objects.filter(proposal=wound).exists():
        _review(cast, wound, submit_by=cast.reviewer, scores=[5, 3, 4])
    triage = _proposal(
        cast,
        org=HALSA_NORR,
        region=UPPSALA,
        call=calls[RACE],
        title="AI triage for primary care after discharge",
        summary=(
            "A symptom questionnaire with an AI model that suggests the level of care for "
            "patients who call their health centre in the first weeks after surgery."
        ),
        care_need="Health centres get many calls from recently operated patients.",
        solution="A web questionnaire, a triage model and a work list for the nurses.",
        trl=5,
        device_class="mdr_iia",
        kind="codev",
        brings="The triage model and data scientists.",
        asks="Nurses who help us tune the questions; anonymised call statistics.",
        then=[_submit],
    )
    if not ReviewAssignment.objects.filter(proposal=triage).exists():
        _review(cast, triage, submit_by=None, scores=[])
    _proposal(
        cast,
        org=NORDIC_MEDTECH,
        region=VGR,
        call=calls[SELF_MONITORING_CALL],
        title="Home spirometry for patients with COPD",
        summary=(
            "Patients blow into a connected spirometer twice a week; the care unit sees the "
            "trend and is alerted at early signs of exacerbation."
        ),
        care_need="COPD exacerbations are detected late and lead to emergency admissions.",
        solution="A CE-marked spirometer, an app and a dashboard for the COPD nurse.",
        trl=8,
        device_class="mdr_iia",
        ce_marked=True,
        kind="testbed",
        brings="Thirty spirometers, the app and training.",
        asks="A test bed and a COPD nurse for six months.",
        then=[_submit],
    )
    _proposal(
        cast,
        org=NORDIC_MEDTECH,
        region=OSTERGOTLAND,
        title="Blodtrycksmätning i hemmet med automatisk överföring",
        summary="En blodtrycksmätare som skickar värdena direkt till vårdcentralen.",
        care_need="Patienter med högt blodtryck mäter hemma men värdena når sällan vården.",
        solution="Bluetooth-mätare, app och överföring till journalen.",
        trl=7,
        device_class="mdr_iia",
        ce_marked=True,
        kind="testbed",
        then=[
            _submit,
            _request_changes(
                "Tack! Beskriv hur värdena förs över till journalsystemet och var de lagras, "
                "och om ni har ett personuppgiftsbiträdesavtal att föreslå."
            ),
        ],
    )
    _proposal(
        cast,
        org=CARESENSE,
        region=UPPSALA,
        title="Smart medicindosett med påminnelser",
        summary="En dosett som påminner och registrerar när medicinen tas.",
        care_need="Äldre med många läkemedel missar doser.",
        solution="Dosett med sensorer och app för anhöriga.",
        trl=6,
        kind="testbed",
        then=[_submit, _withdraw("Vi prioriterar en annan produkt under 2026.")],
    )
