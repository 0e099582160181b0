"""Published demo entries: organisation, leadership and culture; competence and capacity.

Written as the innovation offices, companies and researchers of the four programme regions met
these obstacles. References are by title (laws, rulings, agencies' guidance), never invented
addresses.
"""

from ...models import Severity
from ..specs import ObstacleSpec
from .titles import (
    BRIBERY_FEAR,
    HOW_REGIONS_DECIDE,
    NO_STAFF_TIME,
    NO_WAY_IN,
    NOT_ANCHORED,
    OWNER_LEAVES,
    SECURITY_QUEUE,
)

LOW, MEDIUM, HIGH, BLOCKING = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.BLOCKING

PUBLISHED_PEOPLE: list[ObstacleSpec] = [
    # --- Organisation, leadership and culture ------------------------------------------------
    ObstacleSpec(
        title=NO_STAFF_TIME,
        description=(
            "Sjuksköterskor och läkare som vill delta i ett test måste göra det utöver sina "
            "ordinarie arbetsuppgifter. När bemanningen är ansträngd är testet det första som "
            "prioriteras bort.\n\n"
            "I två tester på medicinkliniken rekryterades bara hälften av de planerade "
            "patienterna."
        ),
        category="organisation-culture",
        step="test",
        actors=("healthcare",),
        region="uppsala",
        severity=HIGH,
        evidence=(
            "Socialstyrelsens årliga bedömning av tillgång och efterfrågan på legitimerad "
            "personal i hälso- och sjukvård\n"
            "Rekryteringsloggar från två tester på Akademiska sjukhuset"
        ),
        mitigation=(
            "Innovationsnoder där en del av en tjänst är avsatt för innovationsarbete, "
            "och personaltid som planeras in i schemat när testet godkänns."
        ),
        author="upp",
        met_by=("caresense", "nordic", "uu", "ost", "vb", "vgr"),
    ),
    ObstacleSpec(
        title=NOT_ANCHORED,
        description=(
            "Ett lovande test av digital rehabilitering avslutades när kliniken slogs ihop "
            "med en annan. Den nya ledningen kände inte till testet och hade inte fattat "
            "något beslut om det.\n\n"
            "Företaget hade lagt ett års utveckling på anpassningar för regionen."
        ),
        category="organisation-culture",
        step="needs",
        actors=("healthcare", "company"),
        region="vastra-gotaland",
        severity=BLOCKING,
        evidence=(
            "Slutrapporten från Innovationsacceleratorer (Vinnova dnr 2017-02464): "
            "ledningens förankring var det som bar projekt hela vägen till införande\n"
            "SKR:s innovationsguide"
        ),
        mitigation=(
            "Ett uttalat beslut av en ledningssponsor innan testet startar, med namngiven "
            "behovsägare och en plan för vad som händer vid förändringar i organisationen."
        ),
        author="vgr",
        met_by=("nordic", "halsanorr", "vb", "ost"),
    ),
    ObstacleSpec(
        title=OWNER_LEAVES,
        description=(
            "Behovsägaren är ofta en enhetschef som driver frågan personligen. När chefen "
            "slutar eller byter tjänst finns ingen som tar över, och testet rinner ut i "
            "sanden.\n\n"
            "Det har hänt i tre av våra samverkansprojekt under de senaste två åren."
        ),
        category="organisation-culture",
        step="test",
        actors=("healthcare", "company"),
        region="vasterbotten",
        severity=MEDIUM,
        evidence="Uppföljning av samverkansprojekt i Region Västerbotten 2024–2026",
        mitigation=(
            "Skriv in en ersättare för behovsägaren i avtalet och låt ledningssponsorn utse "
            "en ny behovsägare inom en månad."
        ),
        author="vb",
        met_by=("halsanorr", "caresense"),
    ),
    ObstacleSpec(
        title=NO_WAY_IN,
        description=(
            "A company that contacts the region is passed between the innovation office, the "
            "procurement unit, IT and individual clinics. Nobody registers the request, and "
            "the company gets different answers from different people.\n\n"
            "Several companies told us they gave up after months without a clear answer."
        ),
        category="organisation-culture",
        step="entry",
        actors=("company",),
        region=None,
        severity=MEDIUM,
        evidence=(
            "Innovation accelerators final report (Vinnova ref. 2017-02464): Region "
            "Västerbotten's one way in (en väg in)\n"
            "Interviews with member companies, Swedish Medtech"
        ),
        mitigation=(
            "One way in: every request gets a case number, a named contact and an answer "
            "within a set time, as Region Västerbotten does."
        ),
        author="nordic",
        language="en",
        met_by=("caresense", "halsanorr", "uu"),
    ),
    ObstacleSpec(
        title=BRIBERY_FEAR,
        description=(
            "Medarbetare tackar nej till möten och studiebesök hos företag eftersom de är "
            "osäkra på vad samverkansreglerna och mutreglerna tillåter. Även en lunch i "
            "samband med ett arbetsmöte upplevs som riskabel.\n\n"
            "Osäkerheten gör att kontakter som vore helt i sin ordning aldrig blir av."
        ),
        category="organisation-culture",
        step="entry",
        actors=("healthcare", "company"),
        region="uppsala",
        severity=MEDIUM,
        evidence=(
            "SKR:s och Swedish Medtechs samverkansregler\n"
            "Institutet Mot Mutors kod om gåvor, belöningar och andra förmåner i "
            "näringslivet (Näringslivskoden)\n"
            "Brottsbalken 10 kap. 5 a–5 e §§ om mutbrott"
        ),
        mitigation=(
            "Innovationskontoret erbjuder en kort genomgång av samverkansreglerna och "
            "dokumenterar varje samverkan med ett beslut eller avtal, som reglerna kräver."
        ),
        author="upp",
        met_by=("nordic", "caresense"),
    ),
    # --- Competence and capacity -------------------------------------------------------------
    ObstacleSpec(
        title="Regionen saknar regulatorisk kompetens för att bedöma företagens underlag",
        description=(
            "Triageforumet ska bedöma mognad och CE-märkning, men ingen i forumet har "
            "arbetat med MDR. Vi kan därför inte avgöra om ett företags klassning är rimlig "
            "eller om en produkt får användas i det test som föreslås.\n\n"
            "Ärenden skickas runt till medicinteknik och juridik utan att någon tar ansvar."
        ),
        category="competence-capacity",
        step="entry",
        actors=("healthcare",),
        region="vasterbotten",
        severity=MEDIUM,
        evidence="Triageforumets protokoll i Region Västerbotten",
        mitigation=(
            "En utsedd regulatorisk kontaktperson på medicinteknisk avdelning som deltar i "
            "triageforumet, och nätverk med andra regioners innovationskontor."
        ),
        author="vb",
        met_by=("ost", "upp", "vgr"),
    ),
    ObstacleSpec(
        title=HOW_REGIONS_DECIDE,
        description=(
            "Många små företag förstår inte hur en region är organiserad: vem som äger ett "
            "behov, vem som får fatta beslut om ett test och varför politiska beslut och "
            "budgetår styr tidplanen.\n\n"
            "De lägger mycket tid på att sälja in till enskilda kliniker som inte kan fatta "
            "beslutet."
        ),
        category="competence-capacity",
        step="",
        actors=("company",),
        region=None,
        severity=MEDIUM,
        evidence=(
            "Frågor till innovationskontoren i de fyra regionerna i Innovationsacceleratorer\n"
            "Kommunallagen (2017:725) om hur regioner styrs"
        ),
        mitigation=(
            "Processguiden för samverkan i portalen och innovationskliniker där företaget "
            "möter både kliniker och beslutsfattare."
        ),
        author="ost",
        met_by=("nordic", "caresense", "halsanorr", "uu", "vb"),
    ),
    ObstacleSpec(
        title="Too few health economists to evaluate pilots",
        description=(
            "Decision makers ask for health economic evidence, but the region has only a "
            "handful of health economists and they work on large investments. Pilots of "
            "digital solutions are evaluated by project staff without that training.\n\n"
            "The resulting cost analyses are rarely accepted by the budget owners."
        ),
        category="competence-capacity",
        step="evaluation",
        actors=("academia", "healthcare"),
        region=None,
        severity=MEDIUM,
        evidence=(
            "The Dental and Pharmaceutical Benefits Agency (TLV): health economic assessments "
            "of medical devices\n"
            "Uppsala University: requests for evaluation support from regions, 2025–2026"
        ),
        mitigation=(
            "Involve academia as an independent evaluating party from the agreement step, "
            "with the evaluation financed in the project budget."
        ),
        author="uu",
        language="en",
        met_by=("upp", "caresense"),
    ),
    ObstacleSpec(
        title=SECURITY_QUEUE,
        description=(
            "Alla nya digitala lösningar ska granskas av regionens informationssäkerhets- och "
            "IT-arkitekturfunktion innan de får användas i ett test. Kön är fyra till sex "
            "månader.\n\n"
            "Granskningen är nödvändig, men ingen skillnad görs mellan en lösning med "
            "patientdata och en utan."
        ),
        category="competence-capacity",
        step="agreement",
        actors=("healthcare", "company"),
        region="ostergotland",
        severity=HIGH,
        evidence=(
            "Ärendeloggen för säkerhetsgranskningar i Region Östergötland\n"
            "MSB:s metodstöd för systematiskt informationssäkerhetsarbete"
        ),
        mitigation=(
            "Informationsklassning först: lösningar utan känslig information går en "
            "förenklad väg, och företagen får en checklista att fylla i innan granskningen."
        ),
        author="ost",
        met_by=("nordic", "caresense", "halsanorr", "vgr"),
    ),
]
