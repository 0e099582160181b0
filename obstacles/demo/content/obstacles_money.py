"""Published demo entries: public procurement and competition neutrality; financing,
reimbursement and billing models.

Written as the innovation offices, companies and researchers of the four programme regions met
these obstacles. References are by title (laws, rulings, agencies' guidance), never invented
addresses.
"""

from ...models import Severity
from ..specs import ObstacleSpec
from .titles import (
    DIRECT_AWARD,
    FRAMEWORKS,
    HEAD_START,
    PILOT_FUNDING,
    STAFF_TIME,
    TWO_YEARS,
    WRONG_BUDGET,
)

LOW, MEDIUM, HIGH, BLOCKING = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.BLOCKING

PUBLISHED_MONEY: list[ObstacleSpec] = [
    # --- Public procurement and competition neutrality ---------------------------------------
    ObstacleSpec(
        title=HEAD_START,
        description=(
            "Verksamhetschefer tackar nej till dialog med ett enskilt företag av rädsla för att "
            "det ska ses som ett otillåtet försprång när regionen senare upphandlar. Ofta gäller "
            "det att bara beskriva behovet eller visa hur arbetet går till på avdelningen.\n\n"
            "Rädslan gör att behov inte blir kända och att bra lösningar aldrig testas."
        ),
        category="procurement-lou",
        step="needs",
        actors=("healthcare", "company"),
        region="vastra-gotaland",
        severity=HIGH,
        evidence=(
            "Lagen (2016:1145) om offentlig upphandling, 4 kap. 1 § om likabehandling och "
            "öppenhet\n"
            "Upphandlingsmyndighetens vägledning om dialog inför upphandling\n"
            "SKR:s och Swedish Medtechs samverkansregler"
        ),
        mitigation=(
            "Dokumentera dialogen, beskriv behovet öppet för alla intresserade leverantörer "
            "och se till att resultat från testet som påverkar en kommande upphandling "
            "görs tillgängliga för alla."
        ),
        author="vgr",
        met_by=("nordic", "caresense", "halsanorr", "ost", "upp", "vb"),
    ),
    ObstacleSpec(
        title=TWO_YEARS,
        description=(
            "Testet av sårdokumentation med foto i hemsjukvården visade tydlig nytta, men "
            "regionen kan inte köpa lösningen utan upphandling. Från avslutat test till "
            "tecknat avtal räknar upphandlingsenheten med ungefär två år.\n\n"
            "Under tiden går personalen tillbaka till det gamla arbetssättet och företaget "
            "har svårt att finansiera sin verksamhet."
        ),
        category="procurement-lou",
        step="dissemination",
        actors=("healthcare", "company", "patients"),
        region="ostergotland",
        severity=HIGH,
        evidence=(
            "Lagen (2016:1145) om offentlig upphandling\n"
            "Regionens upphandlingsplan (upphandlingsenheten)\n"
            "Utvärderingen av testet i samverkansprojektet om sårdokumentation"
        ),
        mitigation=(
            "Bestäm vägen till införande redan i avtalssteget. Ett innovationspartnerskap "
            "enligt LOU kan omfatta både utveckling och senare köp."
        ),
        author="ost",
        met_by=("halsanorr", "nordic", "caresense", "vgr", "upp"),
    ),
    ObstacleSpec(
        title=DIRECT_AWARD,
        description=(
            "För att kunna köpa in testutrustning utan upphandling måste piloten hållas under "
            "direktupphandlingsgränsen. Det gör att vi testar med tio patienter i stället för "
            "de femtio som behövs för att kunna dra slutsatser.\n\n"
            "Resultaten blir sedan för svaga för ett beslut om införande."
        ),
        category="procurement-lou",
        step="test",
        actors=("healthcare", "company"),
        region="uppsala",
        severity=MEDIUM,
        evidence=(
            "Lagen (2016:1145) om offentlig upphandling, 19 kap. om direktupphandling\n"
            "Upphandlingsmyndighetens vägledning om förkommersiell upphandling"
        ),
        mitigation=(
            "Förkommersiell upphandling av forsknings- och utvecklingstjänster, eller ett "
            "test där företaget står för utrustningen och regionen för personalens tid."
        ),
        author="upp",
        met_by=("caresense", "vgr"),
    ),
    ObstacleSpec(
        title=FRAMEWORKS,
        description=(
            "Regions buy most software through framework agreements that run for four years. "
            "A supplier that was not on the agreement when it was signed cannot sell to the "
            "region until the next procurement, however well a pilot went.\n\n"
            "For a new digital health company this can mean a wait of several years after a "
            "successful test."
        ),
        category="procurement-lou",
        step="dissemination",
        actors=("company",),
        region=None,
        severity=HIGH,
        evidence=(
            "Swedish Public Procurement Act (2016:1145), chapter 7 on framework agreements\n"
            "Framework agreements of Adda and of the National Procurement Services at "
            "Kammarkollegiet"
        ),
        mitigation=(
            "Dynamic purchasing systems, which new suppliers may join at any time, or an "
            "innovation partnership for solutions that do not exist yet."
        ),
        author="halsanorr",
        language="en",
        met_by=("nordic", "caresense"),
    ),
    ObstacleSpec(
        title="Kravspecifikationen skrivs utifrån den lösning regionen redan har",
        description=(
            "När regionen upphandlar efter ett test skrivs kraven ofta utifrån den befintliga "
            "lösningens funktioner och gränssnitt. Nya arbetssätt som testet visade på går då "
            "inte att erbjuda.\n\n"
            "Företaget som var med i testet uppfyllde inte ett skall-krav som bara den "
            "gamla leverantören kunde uppfylla."
        ),
        category="procurement-lou",
        step="dissemination",
        actors=("company", "healthcare"),
        region="vasterbotten",
        severity=MEDIUM,
        evidence=(
            "Lagen (2016:1145) om offentlig upphandling, 9 kap. om tekniska specifikationer\n"
            "Upphandlingsmyndighetens vägledning om funktionskrav"
        ),
        mitigation=(
            "Skriv funktionskrav som beskriver vad vården behöver uppnå, och låt "
            "behovsägaren och testets utvärdering vara med när kraven tas fram."
        ),
        author="halsanorr",
        met_by=("nordic", "vb"),
    ),
    # --- Financing, reimbursement and billing models -----------------------------------------
    ObstacleSpec(
        title=STAFF_TIME,
        description=(
            "Vårdenheterna har ingen budget för den tid sjuksköterskor och läkare lägger på "
            "ett test. Regionens debiteringsmodell tar betalt av företaget, men nystartade "
            "företag har inte råd.\n\n"
            "Resultatet blir att testet görs på övertid eller inte alls."
        ),
        category="financing",
        step="needs",
        actors=("healthcare", "company"),
        region="vasterbotten",
        severity=BLOCKING,
        evidence=(
            "Regionens debiteringsmodell för personaltid och testresurser\n"
            "Slutrapporten från Innovationsacceleratorer (Vinnova dnr 2017-02464)"
        ),
        mitigation=(
            "En regional innovationsfond som ersätter enheten för personaltid i godkända "
            "tester, och Vinnovas utlysningar där regionen står som part."
        ),
        author="vb",
        met_by=("halsanorr", "caresense", "nordic", "uu", "ost", "upp", "vgr"),
    ),
    ObstacleSpec(
        title=WRONG_BUDGET,
        description=(
            "Egenmonitorering vid hjärtsvikt minskar återinläggningarna på sjukhuset, men "
            "kostnaderna för utrustning och uppföljning hamnar i primärvården. Ingen enskild "
            "budget går ihop, även om regionen som helhet sparar pengar.\n\n"
            "Beslutet om att fortsätta efter testet har därför fastnat mellan två "
            "förvaltningar."
        ),
        category="financing",
        step="evaluation",
        actors=("healthcare",),
        region="ostergotland",
        severity=HIGH,
        evidence=(
            "Utvärderingen av testet med egenmonitorering vid hjärtsvikt\n"
            "Myndigheten för vård- och omsorgsanalys, rapporter om styrning och ersättning "
            "i hälso- och sjukvården"
        ),
        mitigation=(
            "Ett ledningsbeslut som flyttar medel mellan förvaltningarna under införandet, "
            "förberett redan vid ledningsförankringen i steg två."
        ),
        author="ost",
        met_by=("nordic", "vgr", "upp"),
    ),
    ObstacleSpec(
        title="Ersättningsmodellen i primärvården ger ingen ersättning för digital uppföljning",
        description=(
            "Vårdcentralerna ersätts för fysiska besök och vissa digitala vårdkontakter, men "
            "inte för att följa patienters mätvärden på distans. En vårdcentral som arbetar "
            "med egenmonitorering förlorar därför intäkter.\n\n"
            "Flera vårdcentraler har avstått från att delta i testet av det skälet."
        ),
        category="financing",
        step="dissemination",
        actors=("healthcare", "patients"),
        region="uppsala",
        severity=HIGH,
        evidence=(
            "Regionens förfrågningsunderlag för vårdval i primärvården (LOV)\n"
            "Lagen (2008:962) om valfrihetssystem"
        ),
        mitigation=(
            "Lägg till distansuppföljning som en egen kontakttyp i ersättningsmodellen; "
            "flera regioner har gjort det inför nästa års förfrågningsunderlag."
        ),
        author="upp",
        met_by=("caresense", "nordic", "ost"),
    ),
    ObstacleSpec(
        title=PILOT_FUNDING,
        description=(
            "Our pilots are financed by project money that ends when the test ends. The "
            "region's decision on routine use comes months later, in the next budget year, "
            "and in between the service is switched off and the staff go back to the old "
            "way of working.\n\n"
            "Restarting after such a gap costs almost as much as the first pilot."
        ),
        category="financing",
        step="dissemination",
        actors=("company", "healthcare"),
        region=None,
        severity=HIGH,
        evidence=(
            "Innovation accelerators final report (Vinnova ref. 2017-02464)\n"
            "CareSense AB: two pilots switched off for 6 and 9 months before a decision"
        ),
        mitigation=(
            "Agree a bridging budget, and the date of the decision on routine use, at the "
            "management anchoring step."
        ),
        author="caresense",
        language="en",
        met_by=("nordic", "halsanorr", "vb"),
    ),
    ObstacleSpec(
        title="Företagen får veta priset för testresurser för sent",
        description=(
            "Regionens prislista för personaltid, lokaler och testbäddens utrustning finns, "
            "men företaget får se den först när avtalet skrivs. Då har företaget redan lagt "
            "en budget som inte räcker.\n\n"
            "Några företag har dragit sig ur efter att ha sett kostnaden."
        ),
        category="financing",
        step="entry",
        actors=("company",),
        region="vastra-gotaland",
        severity=LOW,
        evidence=(
            "Regionens debiteringsmodell för testbädd och personaltid\n"
            "Två avbrutna ärenden i regionens innovationsplattform under ett år"
        ),
        mitigation=(
            "Publicera prislistan på regionens webbplats och ta upp kostnaden redan vid "
            "första mötet i triageforumet."
        ),
        author="vgr",
        met_by=("halsanorr",),
    ),
]
