"""Demo partnerships: one on every step of the default template, plus paused, completed, stale."""

import datetime as dt

from django.utils import timezone

from ..models import Partnership, PartyKind
from ..services.partnerships import (
    checklist_set,
    obstacle_note_add,
    partnership_close,
    partnership_pause,
    party_add,
    party_member_add,
)
from ..workflow import PartnershipAction
from .agreements import _accept_for, _agreement_ready
from .cast import (
    CARESENSE,
    HALSA_NORR,
    NORDIC_MEDTECH,
    OSTERGOTLAND,
    UPPSALA,
    UPPSALA_UNIVERSITY,
    VASTERBOTTEN,
    VGR,
    Cast,
)
from .steps import _clear_step, _direct, _drive, _fresh, _from_proposal, _talk, _tick_optional


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
