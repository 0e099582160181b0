"""Co-sharing demo data: calls, proposals in every state and partnerships on every step.

Called by `manage.py seed_demo` (inside its transaction) after the demo regions, organisations and
people exist. Every row is written through the services, so rights, timelines, audit rows and
gate checks are the real ones. Idempotent: each scene is keyed by the title of its call, proposal
or partnership, and a scene whose row exists is left alone, so a second run creates nothing.

The content is demo data in the working language (Swedish, some English as companies write it);
it is not translated through the catalogs because it is what users would type.
"""

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from portal.accounts.models import Membership, Organisation, User
from regions.models import Region

from .agreement_rules import RULE_KEYS
from .models import (
    Agreement,
    AgreementVersion,
    Call,
    GateRole,
    Partnership,
    PartnershipParty,
    PartyKind,
    Proposal,
    ReviewAssignment,
)
from .services.agreements import agreement_accept, agreement_start, agreement_update
from .services.agreements import rule_check_set as agreement_rule_check_set
from .services.calls import call_create, call_set_published, call_update
from .services.partnerships import (
    checklist_set,
    gate_approve,
    message_post,
    obstacle_note_add,
    partnership_advance,
    partnership_close,
    partnership_create,
    partnership_pause,
    party_add,
    party_member_add,
)
from .services.proposals import (
    proposal_accept,
    proposal_create_draft,
    proposal_decline,
    proposal_request_changes,
    proposal_submit,
    proposal_withdraw,
    review_assign,
    review_save,
)
from .workflow import PartnershipAction

# Drafts are created with a client token derived from the title: a re-run finds the same row.
DEMO_NAMESPACE = uuid.UUID("5b0f3c1e-2d9a-4c1b-9a57-6f0c1d2e3a4b")

# Region codes of the four programme regions.
OSTERGOTLAND, VASTERBOTTEN, UPPSALA, VGR = "05", "24", "03", "14"

NORDIC_MEDTECH = "556677-8899"
CARESENSE = "559123-4561"
HALSA_NORR = "556900-1125"
UPPSALA_UNIVERSITY = "202100-2932"

# Calls.
RACE = "Innovationstävling: trygg hemgång efter operation"
SELF_MONITORING_CALL = "Egenmonitorering i hemmet vid kronisk sjukdom"
REMOTE_CARE_CALL = "Vård på distans i glesbygd"


@dataclass
class Cast:
    """The demo people, organisations and regions that seed_demo created."""

    admin: User
    reviewer: User
    academic: User
    regions: dict[str, Region]
    coordinators: dict[str, User]
    sponsors: dict[str, User]
    organisations: dict[str, Organisation]
    # The first demo member of each organisation: the one who writes and accepts for it.
    people: dict[str, User]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _cast() -> Cast:
    regions = {
        code: Region.objects.get(code=code) for code in (OSTERGOTLAND, VASTERBOTTEN, UPPSALA, VGR)
    }
    slugs = {
        OSTERGOTLAND: "ostergotland",
        VASTERBOTTEN: "vasterbotten",
        UPPSALA: "uppsala",
        VGR: "vgr",
    }
    organisations = {
        number: Organisation.objects.get(org_number=number)
        for number in (NORDIC_MEDTECH, CARESENSE, HALSA_NORR, UPPSALA_UNIVERSITY)
    }
    people = {}
    for number, organisation in organisations.items():
        membership = (
            Membership.objects.filter(
                organisation=organisation, user__email__endswith="@demo.example"
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            people[number] = membership.user
    return Cast(
        admin=_user("admin@demo.example"),
        reviewer=_user("reviewer@demo.example"),
        academic=_user("academic@demo.example"),
        regions=regions,
        coordinators={
            code: _user(f"coordinator.{slug}@demo.example") for code, slug in slugs.items()
        },
        sponsors={code: _user(f"sponsor.{slug}@demo.example") for code, slug in slugs.items()},
        organisations=organisations,
        people=people,
    )


# --- Calls -----------------------------------------------------------------------------------


def _call(
    cast: Cast,
    *,
    title: str,
    lead: str,
    regions: Iterable[str],
    description: str,
    opens_in_days: int,
    closes_in_days: int,
    criteria: Iterable[dict[str, Any]] = (),
) -> Call:
    existing = Call.objects.filter(title=title).first()
    if existing is not None:
        return existing
    now = timezone.now()
    regions = list(regions)
    # A region is put behind a call only by its own coordinators; a call of several regions is
    # set up by the portal admin here, as if each region's coordinator had agreed.
    creator = cast.admin if set(regions) - {lead} else cast.coordinators[lead]
    call = call_create(
        actor=creator,
        lead_region=cast.regions[lead],
        regions=[cast.regions[code] for code in regions],
        data={
            "title": title,
            "description": description,
            "opens_at": now + dt.timedelta(days=opens_in_days),
            "closes_at": now + dt.timedelta(days=closes_in_days),
        },
        criteria=criteria,
    )
    return call_set_published(actor=creator, call=call, published=True)


def seed_calls(cast: Cast) -> dict[str, Call]:
    race = _call(
        cast,
        title=RACE,
        lead=UPPSALA,
        regions=[UPPSALA],
        description=(
            "Region Uppsala bjuder in företag till en behovsdriven innovationstävling. Patienter "
            "skrivs ut allt tidigare efter operation och behöver följas upp tryggt hemma: sår, "
            "smärta, rörlighet och tidiga tecken på komplikationer. Vi söker lösningar som kan "
            "testas på Akademiska sjukhuset och i primärvården under 2027. Finalen hålls på "
            "Innovationsnod Akademiska sjukhuset."
        ),
        opens_in_days=-14,
        closes_in_days=45,
        criteria=[
            {
                "title": "Nytta för patienter och vårdpersonal",
                "description": "Tryggare hemgång, färre återinläggningar, mindre dubbelarbete.",
                "weight": 50,
            },
            {
                "title": "Genomförbarhet i vården",
                "description": "Passar arbetssätt, journalsystem och dataskydd (GDPR, PDL, OSL).",
                "weight": 30,
            },
            {
                "title": "Mognad och evidens",
                "description": "TRL, CE-märkning enligt MDR och resultat från tidigare tester.",
                "weight": 20,
            },
        ],
    )
    self_monitoring = _call(
        cast,
        title=SELF_MONITORING_CALL,
        lead=VGR,
        regions=[VGR, OSTERGOTLAND],
        description=(
            "Västra Götalandsregionen och Region Östergötland söker tillsammans lösningar där "
            "patienter med hjärtsvikt, KOL eller diabetes mäter sina värden hemma och vården "
            "följer dem på distans. Test sker i Testbädd Sahlgrenska och Testbädd "
            "egenmonitorering i Östergötland.\n\n"
            "Västra Götalandsregionen and Region Östergötland jointly invite solutions for "
            "self-monitoring at home."
        ),
        opens_in_days=-7,
        closes_in_days=60,
    )
    remote = Call.objects.filter(title=REMOTE_CARE_CALL).first()
    if remote is None:
        # The call closed a month ago; it is created open so that its answer could be sent,
        # then closed through the same service a coordinator would use.
        remote = _call(
            cast,
            title=REMOTE_CARE_CALL,
            lead=VASTERBOTTEN,
            regions=[VASTERBOTTEN],
            description=(
                "Region Västerbotten sökte lösningar för vård på distans i glesbygd: digitala "
                "vårdbesök, provtagning nära patienten och stöd till distriktssköterskor i "
                "inlandet. Ansökan är stängd; förslagen bedöms av En väg in."
            ),
            opens_in_days=-120,
            closes_in_days=1,
        )
        _proposal(
            cast,
            org=HALSA_NORR,
            region=VASTERBOTTEN,
            call=remote,
            title="Videobesök med digitalt stetoskop i hemmet",
            summary=(
                "Distriktssköterskan lyssnar på hjärta och lungor via ett digitalt stetoskop som "
                "patienten håller, under ett videobesök."
            ),
            care_need="Långa resor till hälsocentralen för korta kontroller.",
            solution="Surfplatta, digitalt stetoskop och en tjänst för videobesök.",
            trl=5,
            device_class="mdr_iia",
            kind="clinical",
            then=[
                _submit,
                _decline(
                    "Tack för förslaget. Regionen har redan en upphandlad tjänst för videobesök "
                    "och kan inte testa en parallell lösning utan att riskera "
                    "konkurrensneutraliteten inför nästa upphandling."
                ),
            ],
        )
        now = timezone.now()
        remote = call_update(
            actor=cast.coordinators[VASTERBOTTEN],
            call=remote,
            expected_version=remote.version,
            regions=[cast.regions[VASTERBOTTEN]],
            data={
                "opens_at": now - dt.timedelta(days=120),
                "closes_at": now - dt.timedelta(days=30),
            },
        )
    return {RACE: race, SELF_MONITORING_CALL: self_monitoring, REMOTE_CARE_CALL: remote}


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


# --- Partnerships ------------------------------------------------------------------------------


def _values(partnership: Partnership, purpose: str) -> dict[str, str]:
    year = timezone.localdate().year + 1
    return {
        "purpose": purpose,
        "ip_owner": "bolaget",
        "confidentiality_years": "5",
        "data_controller": partnership.region.name_sv,
        "staff_hours": "120",
        "staff_rate": "850",
        "test_resource_hours": "40",
        "test_resource_rate": "1200.50",
        "publication_delay_days": "30",
        "start_date": f"{year}-01-15",
        "end_date": f"{year}-12-15",
        "notice_days": "30",
    }


def _agreement_ready(cast: Cast, partnership: Partnership, purpose: str) -> Agreement:
    """Start the agreement, fill in every value and confirm every collaboration rule."""
    coordinator = _coordinator(cast, partnership)
    agreement = agreement_start(actor=coordinator, partnership=partnership)
    agreement.refresh_from_db()
    agreement = agreement_update(
        actor=coordinator,
        agreement=agreement,
        expected_version=agreement.version,
        region_role=agreement.region_role,
        language=agreement.language,
        clause_keys=list(agreement.clauses.values_list("clause__key", flat=True)),
        values=_values(partnership, purpose),
    )
    for rule in sorted(RULE_KEYS):
        agreement_rule_check_set(actor=coordinator, agreement=agreement, rule=rule, done=True)
    return agreement


def _accept_for(cast: Cast, agreement: Agreement, party: PartnershipParty) -> None:
    latest = AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()
    assert latest is not None
    if party.kind == PartyKind.REGION:
        actor = _coordinator(cast, agreement.partnership)
    else:
        actor = cast.people[str(party.organisation.org_number)]  # type: ignore[union-attr]
    agreement_accept(
        actor=actor,
        agreement=agreement,
        party=party,
        version_number=latest.number,
        checksum=latest.checksum,
    )


def _agreement_in_force(cast: Cast, partnership: Partnership, purpose: str) -> None:
    agreement = _agreement_ready(cast, partnership, purpose)
    for party in partnership.parties.select_related("organisation").order_by("pk"):
        _accept_for(cast, agreement, party)


def _code(cast: Cast, partnership: Partnership) -> str:
    return next(code for code, r in cast.regions.items() if r.pk == partnership.region_id)


def _coordinator(cast: Cast, partnership: Partnership) -> User:
    return cast.coordinators[_code(cast, partnership)]


def _fresh(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_related("current_step", "region").get(pk=partnership.pk)


def _clear_step(cast: Cast, partnership: Partnership, purpose: str) -> None:
    """Tick the required items of the current step and meet its gate."""
    partnership = _fresh(partnership)
    step = partnership.current_step
    coordinator = _coordinator(cast, partnership)
    for item in step.checklist.filter(required=True).order_by("order"):
        checklist_set(actor=coordinator, partnership=partnership, item=item, done=True)
    if step.gate_role == GateRole.COORDINATOR:
        gate_approve(
            actor=coordinator,
            partnership=partnership,
            step=step,
            comment="Klart för nästa steg enligt triageforumet."
            if step.key == "entry"
            else "Godkänt.",
        )
    elif step.gate_role == GateRole.SPONSOR:
        gate_approve(
            actor=cast.sponsors[_code(cast, partnership)],
            partnership=partnership,
            step=step,
            comment="Förankrat i ledningsgruppen; behovsägaren avsätter tid för personalen.",
        )
    elif step.gate_role == GateRole.PARTIES:
        _agreement_in_force(cast, partnership, purpose)


def _drive(cast: Cast, partnership: Partnership, *, to: str, purpose: str) -> Partnership:
    """Advance through the steps, clearing each, until the partnership stands at step `to`."""
    partnership = _fresh(partnership)
    while partnership.current_step.key != to:
        _clear_step(cast, partnership, purpose)
        partnership_advance(
            actor=_coordinator(cast, partnership),
            partnership=partnership,
            expected_step_id=partnership.current_step_id,
        )
        partnership = _fresh(partnership)
    return partnership


def _from_proposal(
    cast: Cast, *, org: str, region: str, title: str, summary: str, kind: str, **more: Any
) -> Partnership | None:
    """An accepted proposal and the partnership it started; None when the scene exists."""
    if Proposal.objects.filter(title=title).exists():
        return None
    proposal = _proposal(
        cast,
        org=org,
        region=region,
        title=title,
        summary=summary,
        kind=kind,
        then=[
            _submit,
            _accept("Välkomna! Vi bokar ett första möte med behovsägaren."),
        ],
        **more,
    )
    return Partnership.objects.get(proposal=proposal)


def _direct(
    cast: Cast, *, region: str, title: str, summary: str, kind: str, orgs: Iterable[str]
) -> Partnership | None:
    """A partnership a coordinator started without a proposal; None when the scene exists."""
    if Partnership.objects.filter(title=title).exists():
        return None
    return partnership_create(
        actor=cast.coordinators[region],
        region=cast.regions[region],
        title=title,
        summary=summary,
        collaboration_kind=kind,
        organisations=[cast.organisations[number] for number in orgs],
    )


def _talk(cast: Cast, partnership: Partnership, *lines: tuple[User, str]) -> None:
    for author, body in lines:
        message_post(actor=author, partnership=partnership, body=body)


def _tick_optional(cast: Cast, partnership: Partnership, note: str = "") -> None:
    partnership = _fresh(partnership)
    for item in partnership.current_step.checklist.filter(required=False):
        checklist_set(
            actor=_coordinator(cast, partnership),
            partnership=partnership,
            item=item,
            done=True,
            note=note,
        )


def seed_partnerships(cast: Cast) -> None:
    """One partnership on every step of the default template, plus paused, completed, stale."""
    company = cast.people[NORDIC_MEDTECH]
    caresense = cast.people[CARESENSE]
    halsa = cast.people[HALSA_NORR]

    # Entry and triage (Västerbotten, en väg in): just accepted, first item ticked.
    p = _from_proposal(
        cast,
        org=HALSA_NORR,
        region=VASTERBOTTEN,
        title="Digital hudmottagning med AI-stöd i inlandet",
        summary=(
            "Distriktssköterskan fotograferar hudförändringar med dermatoskop; en AI-modell "
            "prioriterar remisser till hudkliniken i Umeå."
        ),
        care_need="Långa väntetider och resor till hudkliniken för patienter i inlandet.",
        solution="Dermatoskop till mobilen, AI-prioritering och bildremiss.",
        trl=6,
        device_class="mdr_iia",
        kind="clinical",
    )
    if p is not None:
        first = _fresh(p).current_step.checklist.order_by("order").first()
        if first is not None:
            checklist_set(
                actor=cast.coordinators[VASTERBOTTEN], partnership=p, item=first, done=True
            )
        _talk(
            cast,
            p,
            (
                cast.coordinators[VASTERBOTTEN],
                "Välkomna in! Triageforumet tar upp er förfrågan den 12:e.",
            ),
            (halsa, "Tack! Vi skickar CE-intyget och klassningen enligt MDR innan dess."),
        )

    # Needs and benefit analysis (Uppsala): checklist complete, waiting for the sponsor.
    p = _from_proposal(
        cast,
        org=CARESENSE,
        region=UPPSALA,
        title="Trycksårsprevention med sensormadrass",
        summary=(
            "En tunn sensormatta under madrassen visar hur länge patienten legat i samma "
            "ställning och påminner om vändning."
        ),
        care_need="Trycksår på vårdavdelningar och korttidsboenden.",
        solution="Sensormatta, surfplatta på expeditionen och larm i personalens telefon.",
        trl=7,
        device_class="mdr_i",
        ce_marked=True,
        kind="testbed",
    )
    if p is not None:
        p = _drive(cast, p, to="needs", purpose="Test av sensormadrass")
        coordinator = cast.coordinators[UPPSALA]
        for item in p.current_step.checklist.filter(required=True):
            checklist_set(actor=coordinator, partnership=p, item=item, done=True)
        _talk(
            cast,
            p,
            (
                coordinator,
                "Behovsägare är avdelningschefen på geriatriken. Nyttoanalysen är uppladdad.",
            ),
            (caresense, "Bra! Vi kan leverera tio mattor i januari."),
        )

    # Agreement (VGR): started, values in, rules confirmed, the region has accepted.
    p = _direct(
        cast,
        region=VGR,
        title="Digital rehabilitering efter stroke",
        summary=(
            "Träningsprogram med rörelsesensorer som patienten använder hemma; fysioterapeuten "
            "följer framstegen och justerar programmet på distans."
        ),
        kind="codev",
        orgs=[NORDIC_MEDTECH, UPPSALA_UNIVERSITY],
    )
    if p is not None:
        p = _drive(cast, p, to="agreement", purpose="")
        agreement = _agreement_ready(
            cast, p, "Gemensam utveckling av hemträning efter stroke med rörelsesensorer"
        )
        region_party = p.parties.get(kind=PartyKind.REGION)
        _accept_for(cast, agreement, region_party)
        _talk(
            cast,
            p,
            (cast.coordinators[VGR], "Regionen har godkänt version 2 av avtalet."),
            (company, "Vår jurist läser avtalet den här veckan."),
        )

    # Test and co-creation (Östergötland): the agreement is in force, the test is running.
    p = _from_proposal(
        cast,
        org=NORDIC_MEDTECH,
        region=OSTERGOTLAND,
        title="Egenmonitorering vid hjärtsvikt",
        summary=(
            "Patienter med hjärtsvikt väger sig och mäter blodtryck hemma varje morgon; "
            "hjärtsviktssjuksköterskan följer trenderna och ringer vid avvikelser."
        ),
        care_need="Återinläggningar på grund av vätskeansamling som upptäcks för sent.",
        solution="Uppkopplad våg och blodtrycksmätare, app och översikt för mottagningen.",
        trl=8,
        device_class="mdr_iia",
        ce_marked=True,
        kind="clinical",
    )
    if p is not None:
        p = _drive(
            cast, p, to="test", purpose="Klinisk utvärdering av egenmonitorering vid hjärtsvikt"
        )
        coordinator = cast.coordinators[OSTERGOTLAND]
        first = p.current_step.checklist.order_by("order").first()
        if first is not None:
            checklist_set(actor=coordinator, partnership=p, item=first, done=True)
        obstacle_note_add(
            actor=coordinator,
            partnership=p,
            step=p.current_step,
            text=(
                "Mätvärdena kan inte föras in i journalen automatiskt: journalsystemet saknar "
                "ett öppet gränssnitt, så sjuksköterskan skriver av värdena för hand."
            ),
        )
        _talk(
            cast,
            p,
            (coordinator, "Tolv patienter är inskrivna i testet."),
            (company, "Vi har rättat felet med synkningen av vågen."),
        )

    # Evaluation (Västerbotten): academia evaluates independently.
    p = _direct(
        cast,
        region=VASTERBOTTEN,
        title="Fjärrmonitorering av patienter med KOL",
        summary="Pulsoximeter och symtomdagbok i hemmet för patienter med svår KOL.",
        kind="testbed",
        orgs=[CARESENSE],
    )
    if p is not None:
        party = party_add(
            actor=cast.coordinators[VASTERBOTTEN],
            partnership=p,
            organisation=cast.organisations[UPPSALA_UNIVERSITY],
            kind=PartyKind.ACADEMIA,
            role="Oberoende utvärdering",
        )
        party_member_add(
            actor=cast.coordinators[VASTERBOTTEN],
            partnership=p,
            party=party,
            user=cast.academic,
            role="Forskare, hälsoekonomi",
        )
        p = _drive(cast, p, to="evaluation", purpose="Test av fjärrmonitorering vid KOL")
        _talk(
            cast,
            p,
            (cast.academic, "Utkastet till utvärderingsrapporten är klart för synpunkter."),
            (caresense, "Tack, vi återkommer med våra lärdomar före fredag."),
        )

    # Dissemination and implementation (Östergötland).
    p = _direct(
        cast,
        region=OSTERGOTLAND,
        title="Sårdokumentation med foto i hemsjukvården",
        summary="Bilder av svårläkta sår i hemsjukvården, med mätning av sårytan över tid.",
        kind="testbed",
        orgs=[HALSA_NORR],
    )
    if p is not None:
        p = _drive(cast, p, to="dissemination", purpose="Test av sårdokumentation med foto")
        _talk(
            cast,
            p,
            (cast.coordinators[OSTERGOTLAND], "Resultaten presenteras på Vitalis i april."),
        )

    # Paused (Uppsala), at the needs step.
    p = _direct(
        cast,
        region=UPPSALA,
        title="Läkemedelsrobot i hemtjänsten",
        summary="En robot som delar ut läkemedel i hemmet och larmar om en dos inte tas.",
        kind="testbed",
        orgs=[CARESENSE],
    )
    if p is not None:
        p = _drive(cast, p, to="needs", purpose="")
        partnership_pause(
            actor=cast.coordinators[UPPSALA],
            partnership=p,
            reason="Kommunen måste först besluta om finansieringen av hemtjänstens del.",
        )

    # Completed (VGR): the whole process, closed with a decision on the route forward.
    p = _direct(
        cast,
        region=VGR,
        title="Digital triage på vårdcentral",
        summary=(
            "Patienter beskriver sina besvär i ett digitalt formulär innan de kontaktar "
            "vårdcentralen; sjuksköterskan får ett förslag på vårdnivå."
        ),
        kind="clinical",
        orgs=[HALSA_NORR],
    )
    if p is not None:
        p = _drive(cast, p, to="dissemination", purpose="Klinisk utvärdering av digital triage")
        _tick_optional(cast, p, note="Presenterat på VGR:s innovationsdag.")
        _clear_step(cast, p, purpose="")
        partnership_close(
            actor=cast.coordinators[VGR],
            partnership=p,
            action=PartnershipAction.COMPLETE,
            reason="Utvärderingen visade nytta; regionen går vidare till upphandling enligt LOU.",
        )

    # Stale (VGR): at the needs step, nothing has happened for 45 days.
    title = "Rörelsesensorer för nattillsyn på särskilt boende"
    p = _direct(
        cast,
        region=VGR,
        title=title,
        summary="Sensorer som ersätter nattliga tillsynsbesök som väcker de boende.",
        kind="testbed",
        orgs=[NORDIC_MEDTECH],
    )
    if p is not None:
        _drive(cast, p, to="needs", purpose="")
        # Demo only: no service backdates activity (every write touches `last_activity_at`), so
        # the stale partnership is made with a direct update to show the dashboard's warning.
        Partnership.objects.filter(pk=p.pk).update(
            last_activity_at=timezone.now() - dt.timedelta(days=45)
        )


def seed_cosharing_demo(*, stdout: Any = None) -> None:
    """Load the Co-sharing demo; call inside seed_demo's transaction, after its people exist."""
    cast = _cast()
    calls = seed_calls(cast)
    seed_proposals(cast, calls)
    seed_partnerships(cast)
    if stdout is not None:
        stdout.write(
            f"Co-sharing demo: {Call.objects.count()} calls, {Proposal.objects.count()} "
            f"proposals, {Partnership.objects.count()} partnerships."
        )
