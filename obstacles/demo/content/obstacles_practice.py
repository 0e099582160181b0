"""Published demo entries: IT infrastructure and interoperability; evidence, evaluation and
health economics; agreements, intellectual property and contracts.

Written as the innovation offices, companies and researchers of the four programme regions met
these obstacles. References are by title (laws, rulings, agencies' guidance), never invented
addresses.
"""

from ...models import Severity
from ..specs import ObstacleSpec
from .titles import (
    EHR_FREEZE,
    HEALTH_ECONOMICS,
    IP_UNCLEAR,
    LEGAL_REVIEW,
    NDA_PUBLIC_ACCESS,
    NO_EHR_IMPORT,
    NO_FHIR,
    NO_TEST_ENV,
    OUTCOMES,
    RESULTS_NOT_ACCEPTED,
    SITHS,
    SMALL_PILOTS,
)

LOW, MEDIUM, HIGH, BLOCKING = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.BLOCKING

PUBLISHED_PRACTICE: list[ObstacleSpec] = [
    # --- IT infrastructure and interoperability ----------------------------------------------
    ObstacleSpec(
        title=NO_EHR_IMPORT,
        description=(
            "Patienterna väger sig och mäter blodtryck hemma, men värdena kan inte föras in i "
            "journalen automatiskt: journalsystemet saknar ett öppet gränssnitt för mätvärden "
            "från andra system. Sjuksköterskan skriver av värdena för hand.\n\n"
            "Det tar tid och ger risk för fel, och det var det vanligaste klagomålet i "
            "utvärderingen."
        ),
        category="it-interoperability",
        step="test",
        actors=("healthcare", "patients", "company"),
        region="ostergotland",
        severity=HIGH,
        evidence=(
            "Samverkansprojektet Egenmonitorering vid hjärtsvikt: personalens tidsloggar\n"
            "HL7 FHIR R4, resursen Observation"
        ),
        mitigation=(
            "Mätvärdena skickas via regionens integrationsplattform som FHIR-observationer "
            "och visas i journalens översikt; kräver beställning hos journalleverantören."
        ),
        author="ost",
        met_by=("nordic", "caresense", "halsanorr", "vb", "upp", "vgr", "uu"),
    ),
    ObstacleSpec(
        title=SITHS,
        description=(
            "Personalen ska logga in i företagets webbtjänst med SITHS-kort, och behörigheter "
            "ska hämtas från HSA-katalogen. För ett litet företag tar anslutningen flera "
            "månader, och testet kan inte börja innan den är klar.\n\n"
            "Alternativet, separata lösenord, godkänns inte av regionen."
        ),
        category="it-interoperability",
        step="test",
        actors=("company", "healthcare"),
        region="vasterbotten",
        severity=MEDIUM,
        evidence=(
            "Ineras tjänster SITHS och HSA\nSambi, identitetsfederationen för vård och omsorg"
        ),
        mitigation=(
            "Anslut tjänsten till Sambi tidigt, så kan alla regioner i federationen använda "
            "samma inloggning."
        ),
        author="halsanorr",
        met_by=("nordic", "caresense"),
    ),
    ObstacleSpec(
        title=NO_FHIR,
        description=(
            "Each region and EHR vendor expects home-monitoring data in its own format. We "
            "have built three integrations for the same kind of data: blood pressure, weight "
            "and oxygen saturation.\n\n"
            "Without shared profiles every new region means a new integration project."
        ),
        category="it-interoperability",
        step="test",
        actors=("company", "healthcare"),
        region=None,
        severity=MEDIUM,
        evidence=(
            "HL7 FHIR R4, the Vital Signs profiles\n"
            "HL7 Sweden's national base profiles\n"
            "Inera's national service platform and its service contracts"
        ),
        mitigation=(
            "Use the FHIR Vital Signs profiles and HL7 Sweden's base profiles, and ask the "
            "regions to require them in procurements."
        ),
        author="nordic",
        language="en",
        met_by=("caresense", "halsanorr", "ost", "vgr"),
    ),
    ObstacleSpec(
        title=EHR_FREEZE,
        description=(
            "Regionen byter vårdinformationsmiljö, och under bytet beställs inga nya "
            "integrationer mot journalen. Tester som behöver data från eller till journalen "
            "kan därför inte starta på flera år.\n\n"
            "Det gäller även lösningar som redan har testats med gott resultat i andra "
            "regioner."
        ),
        category="it-interoperability",
        step="needs",
        actors=("healthcare", "company"),
        region="vastra-gotaland",
        severity=BLOCKING,
        evidence="Programmet Framtidens vårdinformationsmiljö (VGR), beslut om integrationsstopp",
        mitigation=(
            "Tester utan journalintegration (fristående lösning med manuell överföring) och "
            "en lista över integrationer som ska prioriteras när bytet är klart."
        ),
        author="vgr",
        met_by=("nordic", "halsanorr", "caresense"),
    ),
    ObstacleSpec(
        title=NO_TEST_ENV,
        description=(
            "Företagen får inte använda riktiga patientuppgifter när de utvecklar, och det "
            "finns ingen testmiljö med realistiska, påhittade patienter. Fel upptäcks därför "
            "först när lösningen används skarpt.\n\n"
            "Vi hittade till exempel att samordningsnummer inte hanterades först i "
            "testets andra vecka."
        ),
        category="it-interoperability",
        step="test",
        actors=("company", "healthcare"),
        region="uppsala",
        severity=MEDIUM,
        evidence=(
            "Ineras testmiljöer för den nationella tjänsteplattformen\n"
            "Erfarenheter från två tester i Region Uppsala"
        ),
        mitigation=(
            "Syntetiska testpatienter (med personnummer och samordningsnummer från "
            "Skatteverkets testpersonnummer) i en testmiljö som regionen delar med företagen."
        ),
        author="caresense",
        met_by=("nordic", "halsanorr", "upp"),
    ),
    ObstacleSpec(
        title="Medicintekniska produkter får inte anslutas till regionens nätverk",
        description=(
            "Uppkopplade mätinstrument räknas som medicinteknik och ska ligga i ett separat "
            "nätverk, men det nätverket finns inte på vårdcentralerna. Testet fick använda "
            "mobilt nät, som inte täcker alla undersökningsrum.\n\n"
            "Reglerna är rimliga men ingen visste vem som fick fatta beslut om ett undantag."
        ),
        category="it-interoperability",
        step="test",
        actors=("healthcare", "company"),
        region="vastra-gotaland",
        severity=MEDIUM,
        evidence=(
            "IEC 80001-1 om riskhantering för it-nätverk med medicintekniska produkter\n"
            "Regionens riktlinje för medicinteknisk säkerhet"
        ),
        mitigation=(
            "Ta med medicinteknisk avdelning och nätverksansvariga i avtalssteget och "
            "bestäm anslutningen innan testet startar."
        ),
        author="nordic",
        met_by=("caresense",),
    ),
    # --- Evidence, evaluation and health economics -------------------------------------------
    ObstacleSpec(
        title=SMALL_PILOTS,
        description=(
            "De flesta tester omfattar tio till trettio patienter under några månader. "
            "Resultaten visar att lösningen fungerar i praktiken, men räcker inte för att "
            "visa effekt på vårdens resultat eller kostnader.\n\n"
            "Beslutsfattarna efterfrågar evidens som ingen enskild pilot kan ge."
        ),
        category="evidence-evaluation",
        step="evaluation",
        actors=("healthcare", "company", "academia"),
        region=None,
        severity=HIGH,
        evidence=(
            "SBU:s metodbok för utvärdering av metoder i hälso- och sjukvården\n"
            "Regionernas samverkan kring medicinteknik (MTP-rådet)"
        ),
        mitigation=(
            "Planera utvärderingen med akademin från början, med gemensamma mått i flera "
            "regioner så att data kan slås samman."
        ),
        author="uu",
        met_by=("nordic", "caresense", "halsanorr", "ost", "vb", "upp", "vgr"),
    ),
    ObstacleSpec(
        title=OUTCOMES,
        description=(
            "The care unit, the company and the evaluating researchers each had different "
            "ideas of what the pilot should show. Nobody wrote the outcome measures down "
            "before the test started.\n\n"
            "At the evaluation the data we needed for the most important question had not "
            "been collected."
        ),
        category="evidence-evaluation",
        step="needs",
        actors=("healthcare", "company", "academia"),
        region="vasterbotten",
        severity=MEDIUM,
        evidence="Evaluation of the remote monitoring pilot for COPD, Region Västerbotten",
        mitigation=(
            "Agree the outcome measures, how they are collected and by whom, as part of the "
            "needs and benefit analysis."
        ),
        author="caresense",
        language="en",
        met_by=("uu", "vb", "upp"),
    ),
    ObstacleSpec(
        title=HEALTH_ECONOMICS,
        description=(
            "Regionens beslutsunderlag kräver en hälsoekonomisk analys, men varken "
            "vårdenheten, företaget eller testbädden har avsatt pengar eller kompetens för "
            "den. Analysen blir en uppskattning i slutet av projektet.\n\n"
            "Den räcker sällan för att övertyga ekonomidirektören."
        ),
        category="evidence-evaluation",
        step="evaluation",
        actors=("academia", "company", "healthcare"),
        region="uppsala",
        severity=MEDIUM,
        evidence=(
            "TLV:s hälsoekonomiska bedömningar av medicinteknik\n"
            "Beslutsunderlag från Region Uppsalas innovationstävling"
        ),
        mitigation=(
            "Budgetera för den hälsoekonomiska analysen redan i avtalet och låt en "
            "oberoende part göra den."
        ),
        author="upp",
        met_by=("uu", "caresense", "ost"),
    ),
    ObstacleSpec(
        title=RESULTS_NOT_ACCEPTED,
        description=(
            "Ett test som har utvärderats i en region godtas inte som underlag i nästa. "
            "Företaget får göra om samma test med nya patienter, nya avtal och en ny "
            "utvärdering.\n\n"
            "Det tar två till tre år per region och gör det omöjligt för små företag att "
            "växa nationellt."
        ),
        category="evidence-evaluation",
        step="",
        actors=("company", "healthcare"),
        region=None,
        severity=HIGH,
        evidence=(
            "Regionernas samverkan kring medicinteknik (MTP-rådet): nationella "
            "rekommendationer\n"
            "Digital Hälsa Norr AB: samma test i tre regioner 2022–2026"
        ),
        mitigation=(
            "Gemensamma utvärderingsprotokoll mellan regioner och en nationell "
            "rekommendation när resultaten räcker."
        ),
        author="halsanorr",
        met_by=("nordic", "caresense", "vb", "vgr"),
    ),
    ObstacleSpec(
        title="Patienternas erfarenheter samlas inte in systematiskt",
        description=(
            "Utvärderingarna mäter tid och kostnader i vården, men patienternas upplevelse "
            "fångas med några citat. Det gör det svårt att visa vad lösningen betyder för "
            "patienten och anhöriga."
        ),
        category="evidence-evaluation",
        step="evaluation",
        actors=("patients", "healthcare"),
        region="ostergotland",
        severity=LOW,
        evidence=("Nationell Patientenkät (SKR)\nUtvärderingen av egenmonitorering vid hjärtsvikt"),
        mitigation=(
            "Använd validerade enkäter om patientrapporterade utfall och erfarenheter "
            "(PROM och PREM) före och efter testet."
        ),
        author="ost",
        met_by=("uu",),
    ),
    # --- Agreements, intellectual property and contracts -------------------------------------
    ObstacleSpec(
        title=IP_UNCLEAR,
        description=(
            "När vårdpersonal och företag utvecklar en lösning tillsammans är det oklart vem "
            "som äger resultatet. Lärarundantaget gäller forskare vid universitet men inte "
            "regionens anställda, och regionens mall säger inget om licenser.\n\n"
            "Förhandlingen om rättigheterna tog längre tid än utvecklingen."
        ),
        category="agreements-ip",
        step="agreement",
        actors=("company", "healthcare", "academia"),
        region="vastra-gotaland",
        severity=HIGH,
        evidence=(
            "Lagen (1949:345) om rätten till arbetstagares uppfinningar\n"
            "Lärarundantaget (1 § andra stycket i samma lag)\n"
            "Avtalsförhandlingen i samverkansprojektet om digital rehabilitering efter stroke"
        ),
        mitigation=(
            "Bestäm äganderätten med en färdig klausul i avtalet: företaget äger resultatet "
            "och regionen får en kostnadsfri licens för eget bruk, eller tvärtom."
        ),
        author="vgr",
        met_by=("nordic", "uu", "caresense", "upp"),
    ),
    ObstacleSpec(
        title=NDA_PUBLIC_ACCESS,
        description=(
            "Companies ask the region to sign a non-disclosure agreement before they share "
            "technical details. The region cannot promise confidentiality beyond what the "
            "Public Access to Information and Secrecy Act allows: documents it receives may "
            "have to be released on request.\n\n"
            "Foreign companies in particular find this hard to accept."
        ),
        category="agreements-ip",
        step="agreement",
        actors=("company",),
        region=None,
        severity=MEDIUM,
        evidence=(
            "Freedom of the Press Act, chapter 2, on public documents\n"
            "Public Access to Information and Secrecy Act (2009:400), chapter 31, section 16, "
            "on business relations with an authority"
        ),
        mitigation=(
            "Explain the principle of public access early, ask the company to mark what it "
            "considers trade secrets and why, and use the agreement's confidentiality clause "
            "that refers to the Act instead of a separate NDA."
        ),
        author="caresense",
        language="en",
        met_by=("nordic", "halsanorr", "uu"),
    ),
    ObstacleSpec(
        title="Avtalsmall saknas för behovsdialog",
        description=(
            "En behovsdialog med ett företag är ingen upphandling och inget test, men "
            "regionen vill ändå ha ett avtal om sekretess och offentlighet. Det finns ingen "
            "mall, så varje dialog börjar med att juristen skriver ett nytt avtal."
        ),
        category="agreements-ip",
        step="entry",
        actors=("company", "healthcare"),
        region="uppsala",
        severity=LOW,
        evidence="Region Uppsalas innovationsnoder: avtal om behovsdialog 2025–2026",
        mitigation=(
            "Portalens avtalsstöd har en avtalstyp för behovsdialog med klausuler om "
            "sekretess, offentlighet, varaktighet och konkurrensneutralitet."
        ),
        author="upp",
        met_by=("caresense",),
    ),
    ObstacleSpec(
        title=LEGAL_REVIEW,
        description=(
            "Regionens jurister granskar varje samverkansavtal, och kön är lång. Ett test som "
            "skulle pågå i tre månader väntade i fem månader på ett påskrivet avtal.\n\n"
            "Företaget fick under tiden betala personal som inte kunde arbeta med testet."
        ),
        category="agreements-ip",
        step="agreement",
        actors=("company", "healthcare"),
        region="vasterbotten",
        severity=HIGH,
        evidence="Ärendeloggen för avtalsgranskning, Region Västerbotten",
        mitigation=(
            "Förgranskade avtalsmallar för de vanligaste samverkansformerna, så att "
            "juristen bara granskar avvikelser."
        ),
        author="halsanorr",
        met_by=("nordic", "caresense", "vb", "ost"),
    ),
    ObstacleSpec(
        title="Rätten att publicera krockar med företagets affärshemligheter",
        description=(
            "Forskarna som utvärderar ett test vill publicera resultaten, även om de är "
            "negativa. Företaget vill granska och kunna stoppa publiceringen av uppgifter om "
            "produkten.\n\n"
            "Utan en klausul om detta från början blev utvärderingsrapporten liggande i ett "
            "halvår."
        ),
        category="agreements-ip",
        step="evaluation",
        actors=("academia", "company"),
        region="uppsala",
        severity=MEDIUM,
        evidence=(
            "Vetenskapsrådets skrift God forskningssed\n"
            "Uppsala universitets riktlinjer för uppdragsforskning"
        ),
        mitigation=(
            "En publiceringsklausul i avtalet: företaget får granska manus i 30 dagar och "
            "begära att affärshemligheter tas bort, men inte stoppa publiceringen."
        ),
        author="uu",
        met_by=("caresense", "upp"),
    ),
]
