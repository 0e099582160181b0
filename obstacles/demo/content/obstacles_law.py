"""Published demo entries: regulation and medical-device law; data protection, secrecy and
cloud services.

Written as the innovation offices, companies and researchers of the four programme regions met
these obstacles. References are by title (laws, rulings, agencies' guidance), never invented
addresses.
"""

from ...models import Severity
from ..specs import ObstacleSpec
from .titles import (
    AI_TRAINING,
    APP_OR_DEVICE,
    CLOUD_STOPPED,
    DPA_PER_REGION,
    DPIA_AGAIN,
    RULE_11,
    SCHREMS,
    TEST_DATA_LOCKED,
)

LOW, MEDIUM, HIGH, BLOCKING = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.BLOCKING

PUBLISHED_LAW: list[ObstacleSpec] = [
    # --- Regulation and medical-device law ---------------------------------------------------
    ObstacleSpec(
        title=APP_OR_DEVICE,
        description=(
            "Många företag som kommer in via en väg in kan inte svara på om deras app är en "
            "medicinteknisk produkt eller en vanlig hälsoapp. Svaret avgör om vården får testa "
            "den på patienter utan en klinisk prövning, och vilka krav som gäller för "
            "dokumentation och uppföljning.\n\n"
            "I triageforumet har vi flera gånger fått skjuta upp ärenden en eller två månader "
            "medan företaget tar fram en kvalificering och klassning enligt MDR."
        ),
        category="regulation-mdr",
        step="entry",
        actors=("company", "healthcare"),
        region="vasterbotten",
        severity=HIGH,
        evidence=(
            "Förordning (EU) 2017/745 om medicintekniska produkter (MDR), artikel 2 och bilaga "
            "VIII\n"
            "MDCG 2019-11: Guidance on Qualification and Classification of Software in "
            "Regulation (EU) 2017/745 – MDR and Regulation (EU) 2017/746 – IVDR\n"
            "Läkemedelsverkets vägledning om medicinteknisk programvara\n"
            "Fem av tolv förfrågningar till en väg in i Region Västerbotten under ett år saknade "
            "en kvalificering."
        ),
        mitigation=(
            "Vi ber företaget fylla i en kort kvalificeringsmall före triage (avsett ändamål, "
            "målgrupp, vad programvaran beräknar) och hänvisar till Läkemedelsverkets "
            "innovationskontor för frågor om gränsdragning."
        ),
        author="vb",
        met_by=("nordic", "caresense", "ost", "upp", "vgr"),
    ),
    ObstacleSpec(
        title=RULE_11,
        description=(
            "Under MDR, software that provides information used to take diagnostic or "
            "therapeutic decisions is at least class IIa (rule 11). Several triage and "
            "decision-support products that were class I under the old directive now need a "
            "notified body before they can be placed on the market.\n\n"
            "For a small company this means a certification project of a year or more, and "
            "the region cannot move from test to routine use in the meantime."
        ),
        category="regulation-mdr",
        step="test",
        actors=("company", "healthcare"),
        region=None,
        severity=BLOCKING,
        evidence=(
            "Regulation (EU) 2017/745 (MDR), Annex VIII, rule 11\n"
            "MDCG 2019-11: Guidance on Qualification and Classification of Software in "
            "Regulation (EU) 2017/745 – MDR and Regulation (EU) 2017/746 – IVDR\n"
            "Nordic Medtech AB: our own up-classification from class I to class IIa, "
            "14 months from gap analysis to certificate."
        ),
        mitigation=(
            "Plan the notified body from the start and book early. Keep the clinical test in "
            "the region as a clinical investigation, so it produces the clinical evidence the "
            "technical documentation needs instead of delaying it."
        ),
        author="nordic",
        language="en",
        met_by=("halsanorr", "caresense", "vgr", "upp"),
    ),
    ObstacleSpec(
        title="Brist på anmälda organ förlänger vägen till CE-märkning",
        description=(
            "Det finns få anmälda organ som är utsedda enligt MDR, och de har långa köer. "
            "Företag vi samverkar med väntar ofta mer än ett halvår bara på att få en offert "
            "och ett startdatum för granskningen.\n\n"
            "Under tiden kan regionen bara använda produkten i en klinisk prövning, vilket "
            "gör att tester som är klara inte kan gå vidare till införande."
        ),
        category="regulation-mdr",
        step="",
        actors=("company",),
        region=None,
        severity=HIGH,
        evidence=(
            "Förordning (EU) 2023/607 om förlängda övergångsbestämmelser i MDR\n"
            "Europeiska kommissionens förteckning över anmälda organ (NANDO)\n"
            "Swedish Medtechs medlemsenkäter om MDR-omställningen"
        ),
        mitigation=(
            "Kontakta flera anmälda organ parallellt tidigt i utvecklingen. Regionen kan "
            "planera testet så att det ger underlag till den kliniska utvärderingen."
        ),
        author="caresense",
        met_by=("nordic", "halsanorr"),
    ),
    ObstacleSpec(
        title="Egentillverkade verktyg i vården faller under MDR utan att någon vet om det",
        description=(
            "Kliniker bygger egna beräkningsstöd, kalkylark och AI-modeller för "
            "riskbedömning. Om de används för enskilda patienters vård kan de vara "
            "egentillverkade medicintekniska produkter, med krav enligt artikel 5.5 i MDR.\n\n"
            "När ett företag vill vidareutveckla ett sådant verktyg tillsammans med regionen "
            "saknas ofta både dokumentation och en ansvarig tillverkare."
        ),
        category="regulation-mdr",
        step="needs",
        actors=("healthcare", "company"),
        region="uppsala",
        severity=MEDIUM,
        evidence=(
            "Förordning (EU) 2017/745 (MDR), artikel 5.5 om egentillverkning inom "
            "hälso- och sjukvården\n"
            "Läkemedelsverkets information om egentillverkade medicintekniska produkter"
        ),
        mitigation=(
            "Innovationsnoden inventerar egentillverkade verktyg i behovsanalysen och "
            "beslutar vem som är tillverkare innan ett företag kopplas in."
        ),
        author="upp",
        met_by=("uu", "vgr"),
    ),
    ObstacleSpec(
        title="Klinisk prövning kräver både etikprövning och ansökan till Läkemedelsverket",
        description=(
            "En klinisk prövning av en medicinteknisk produkt som inte är CE-märkt kräver "
            "ansökan till Läkemedelsverket och godkännande från Etikprövningsmyndigheten. "
            "Företagen underskattar hur lång tid det tar och vilka dokument som krävs.\n\n"
            "Vi har haft tester där personalen var utbildad och patienterna tillfrågade, men "
            "där starten sköts upp i fyra månader i väntan på beslut."
        ),
        category="regulation-mdr",
        step="test",
        actors=("healthcare", "company", "academia"),
        region="vastra-gotaland",
        severity=MEDIUM,
        evidence=(
            "Lagen (2003:460) om etikprövning av forskning som avser människor\n"
            "Förordning (EU) 2017/745 (MDR), kapitel VI om klinisk utvärdering och "
            "kliniska prövningar\n"
            "Läkemedelsverkets vägledning om ansökan om klinisk prövning av medicinteknik"
        ),
        mitigation=(
            "Ta in regionens forskningsstöd redan i avtalssteget och skicka ansökningarna "
            "parallellt. Läkemedelsverket erbjuder möten inför en ansökan."
        ),
        author="vgr",
        met_by=("nordic", "uu", "upp"),
    ),
    # --- Data protection, secrecy and cloud services -----------------------------------------
    ObstacleSpec(
        title=CLOUD_STOPPED,
        description=(
            "Företagets plattform för hemmonitorering lagrar mätvärden hos en molnleverantör "
            "med amerikanskt moderbolag. Regionens informationssäkerhetsfunktion kunde inte "
            "godkänna lösningen: risken för röjande av uppgifter under hälso- och "
            "sjukvårdssekretess bedömdes som för hög.\n\n"
            "Testet med patienter med hjärtsvikt sköts upp i fem månader medan företaget "
            "flyttade lagringen och vi gjorde om riskbedömningen."
        ),
        category="data-protection-cloud",
        step="agreement",
        actors=("healthcare", "company", "patients"),
        region="ostergotland",
        severity=BLOCKING,
        evidence=(
            "Offentlighets- och sekretesslagen (2009:400), 25 kap. 1 § och 10 kap. 2 a §\n"
            "eSams rättsliga uttalande om röjande och molntjänster (2018)\n"
            "SOU 2021:1 Säker och kostnadseffektiv it-drift – rättsliga förutsättningar för "
            "utkontraktering\n"
            "Regionens riskbedömning inför testet (diarieförd, kan begäras ut)"
        ),
        mitigation=(
            "Lagring hos en leverantör inom EU utan åtkomst från tredjeland, kryptering med "
            "nycklar som regionen förvaltar, och en ny bedömning efter lagändringen om "
            "teknisk bearbetning och lagring (10 kap. 2 a § OSL, från 1 juli 2023)."
        ),
        author="ost",
        met_by=("nordic", "caresense", "halsanorr", "uu", "vb", "upp", "vgr"),
    ),
    ObstacleSpec(
        title=SCHREMS,
        description=(
            "After the Schrems II ruling, our customers' data protection officers ask for "
            "transfer impact assessments for every sub-processor that might access data from "
            "outside the EU, including support staff and monitoring tools.\n\n"
            "Each region reached its own conclusion on the same set of providers, so a "
            "solution approved in one region was refused in the next."
        ),
        category="data-protection-cloud",
        step="agreement",
        actors=("company", "healthcare"),
        region=None,
        severity=HIGH,
        evidence=(
            "Court of Justice of the EU, case C-311/18 (Schrems II), 16 July 2020\n"
            "EDPB Recommendations 01/2020 on measures that supplement transfer tools\n"
            "European Commission adequacy decision on the EU–US Data Privacy Framework, "
            "10 July 2023"
        ),
        mitigation=(
            "Keep data and support within the EU, check whether a US provider is certified "
            "under the Data Privacy Framework, and share one transfer assessment between the "
            "regions that use the same solution."
        ),
        author="caresense",
        language="en",
        met_by=("nordic", "halsanorr", "ost", "vgr", "upp"),
    ),
    ObstacleSpec(
        title=DPA_PER_REGION,
        description=(
            "Varje region har sin egen mall för personuppgiftsbiträdesavtal, med olika krav "
            "på underbiträden, incidentrapportering och revision. Ett litet företag får "
            "förhandla samma frågor med varje ny kund.\n\n"
            "För oss har det tagit mellan tre och nio månader per region innan avtalet var "
            "påskrivet."
        ),
        category="data-protection-cloud",
        step="agreement",
        actors=("company",),
        region=None,
        severity=MEDIUM,
        evidence=(
            "Dataskyddsförordningen (EU) 2016/679, artikel 28\n"
            "Nordic Medtech AB: fyra biträdesavtal med regioner 2024–2026"
        ),
        mitigation=(
            "Använd EU-kommissionens standardavtalsklausuler mellan personuppgiftsansvariga "
            "och personuppgiftsbiträden som grund; flera regioner godtar dem med en regional "
            "bilaga."
        ),
        author="nordic",
        met_by=("caresense", "halsanorr", "vgr"),
    ),
    ObstacleSpec(
        title=AI_TRAINING,
        description=(
            "Ett företag och en klinik vill träna en modell som förutsäger återinläggningar, "
            "med journaldata från regionen. Patientdatalagen tillåter behandling för vård, "
            "uppföljning och forskning, men det är oklart vilken grund som gäller när "
            "resultatet blir en kommersiell produkt.\n\n"
            "Juristerna på regionen och företaget har kommit till olika slutsatser, och "
            "projektet står still."
        ),
        category="data-protection-cloud",
        step="needs",
        actors=("healthcare", "company", "academia"),
        region="vastra-gotaland",
        severity=BLOCKING,
        evidence=(
            "Patientdatalagen (2008:355), 2 kap. 4 § om ändamål\n"
            "Dataskyddsförordningen (EU) 2016/679, artiklarna 6 och 9\n"
            "IMY:s pilot med regulatorisk testverksamhet om federerad maskininlärning i vården"
        ),
        mitigation=(
            "Lägg upp arbetet som ett forskningsprojekt med etikprövning, eller träna "
            "modellen inom regionens miljö så att företaget aldrig tar emot personuppgifter."
        ),
        author="vgr",
        met_by=("uu", "nordic", "ost"),
    ),
    ObstacleSpec(
        title=DPIA_AGAIN,
        description=(
            "Samma lösning har bedömts i tre regioner, och varje region gör en egen "
            "konsekvensbedömning avseende dataskydd från början. Företaget svarar på i stort "
            "sett samma frågor i tre olika mallar.\n\n"
            "Bedömningarna tar två till fyra månader var och ger ändå olika krav."
        ),
        category="data-protection-cloud",
        step="agreement",
        actors=("company", "healthcare"),
        region=None,
        severity=MEDIUM,
        evidence=(
            "Dataskyddsförordningen (EU) 2016/679, artikel 35\n"
            "IMY:s vägledning om konsekvensbedömning avseende dataskydd"
        ),
        mitigation=(
            "Dela en gemensam grundbedömning mellan regionerna och låt varje region bara "
            "bedöma sina egna avvikelser."
        ),
        author="halsanorr",
        met_by=("nordic", "caresense", "vb"),
    ),
    ObstacleSpec(
        title=TEST_DATA_LOCKED,
        description=(
            "Testbädden kräver att alla mätdata från patienterna stannar i regionens nät. "
            "Företaget får därför inte tillgång till loggar och rådata när något går fel, "
            "och felsökning sker via skärmdelning med regionens IT.\n\n"
            "Ett fel i synkningen av en våg tog tre veckor att hitta."
        ),
        category="data-protection-cloud",
        step="test",
        actors=("company", "healthcare"),
        region="uppsala",
        severity=MEDIUM,
        evidence=(
            "Testbäddens regler för hantering av patientdata (Region Uppsala)\n"
            "Offentlighets- och sekretesslagen (2009:400), 25 kap. 1 §"
        ),
        mitigation=(
            "Avidentifierade tekniska loggar utan personuppgifter kan lämnas till företaget "
            "enligt en rutin som testbädden och företaget kommer överens om i avtalet."
        ),
        author="caresense",
        met_by=("nordic",),
    ),
]
