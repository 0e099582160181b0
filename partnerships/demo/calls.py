"""Demo calls: the innovation race, a joint call of two regions and a closed call."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from ..models import Call
from ..services.calls import call_create, call_set_published, call_update
from .cast import (
    HALSA_NORR,
    OSTERGOTLAND,
    RACE,
    REMOTE_CARE_CALL,
    SELF_MONITORING_CALL,
    UPPSALA,
    VASTERBOTTEN,
    VGR,
    Cast,
)
from .proposals import _decline, _proposal, _submit

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
