"""Demo mitigations: how the regions and companies got past the obstacles, where it worked.

Partnership titles are those of the Co-sharing demo (`partnerships.demo.partnerships`); the
author of a mitigation that names a partnership is one who may open it (its region's
coordinator).
"""

from ..specs import MitigationSpec
from .titles import (
    BRIBERY_FEAR,
    CLOUD_STOPPED,
    DIRECT_AWARD,
    DPA_PER_REGION,
    DPIA_AGAIN,
    HEAD_START,
    HEALTH_ECONOMICS,
    IP_UNCLEAR,
    LEGAL_REVIEW,
    NDA_PUBLIC_ACCESS,
    NO_EHR_IMPORT,
    NO_FHIR,
    NO_STAFF_TIME,
    NO_TEST_ENV,
    NO_WAY_IN,
    NOT_ANCHORED,
    OUTCOMES,
    OWNER_LEAVES,
    SCHREMS,
    SECURITY_QUEUE,
    SMALL_PILOTS,
    STAFF_TIME,
    TWO_YEARS,
)

HEART_FAILURE = "Egenmonitorering vid hjärtsvikt"
COPD = "Fjärrmonitorering av patienter med KOL"
PRESSURE_ULCERS = "Trycksårsprevention med sensormadrass"
STROKE = "Digital rehabilitering efter stroke"

MITIGATIONS: list[MitigationSpec] = [
    MitigationSpec(
        title="Informationsklassning med KLASSA innan säkerhetsgranskningen",
        description=(
            "Innovationskontoret och informationssäkerhetssamordnaren klassar informationen i "
            "lösningen tillsammans med företaget vid första mötet i avtalssteget, med SKR:s "
            "verktyg KLASSA. Lösningar utan känsliga uppgifter går sedan en förenklad väg.\n\n"
            "Väntetiden för säkerhetsgranskning sjönk från fem till två månader för de "
            "lösningar som klassades först."
        ),
        obstacles=(SECURITY_QUEUE, CLOUD_STOPPED),
        region="ostergotland",
        author="ost",
    ),
    MitigationSpec(
        title="Kryptering med nycklar som regionen förvaltar",
        description=(
            "Mätvärdena krypteras innan de lämnar patientens hem, och nycklarna förvaltas i "
            "regionens egen nyckeltjänst. Molnleverantören lagrar bara krypterade data och kan "
            "inte läsa dem.\n\n"
            "Tillsammans med lagring inom EU godkände informationssäkerhetsfunktionen "
            "lösningen, och testet kunde starta."
        ),
        obstacles=(CLOUD_STOPPED, SCHREMS),
        region="ostergotland",
        author="ost",
        partnership=HEART_FAILURE,
    ),
    MitigationSpec(
        title="One transfer impact assessment shared between regions",
        description=(
            "The regions that use the same remote monitoring service agreed on one transfer "
            "impact assessment, maintained by the company and reviewed by one region's data "
            "protection officer on behalf of the others. Each region only adds its own "
            "decision and any local deviations.\n\n"
            "The second and third region approved the service in weeks instead of months."
        ),
        obstacles=(SCHREMS, DPIA_AGAIN),
        region=None,
        author="caresense",
        language="en",
    ),
    MitigationSpec(
        title="EU:s standardavtalsklausuler som grund för biträdesavtalet",
        description=(
            "I stället för regionens egen mall använde vi EU-kommissionens "
            "standardavtalsklausuler mellan personuppgiftsansvariga och "
            "personuppgiftsbiträden, med en kort regional bilaga om incidentrapportering och "
            "loggar.\n\n"
            "Juristerna behövde bara granska bilagan, och avtalet var klart på tre veckor."
        ),
        obstacles=(DPA_PER_REGION,),
        region="vastra-gotaland",
        author="vgr",
    ),
    MitigationSpec(
        title="Behovsdialog som är öppen för alla leverantörer",
        description=(
            "Kliniken beskrev behovet i en öppen inbjudan på regionens webbplats och höll "
            "samma dialogmöte med alla fyra företag som anmälde intresse. Anteckningarna "
            "diariefördes och publicerades.\n\n"
            "Upphandlingsenheten bedömde att ingen leverantör fått ett otillåtet försprång, "
            "och verksamheten vågade fortsätta dialogen."
        ),
        obstacles=(HEAD_START,),
        region="vastra-gotaland",
        author="vgr",
    ),
    MitigationSpec(
        title="Innovationspartnerskap i stället för test följt av upphandling",
        description=(
            "Regionen upphandlade ett innovationspartnerskap enligt LOU, där utveckling, test "
            "och ett senare köp ingår i samma upphandling. När testet visade nytta kunde "
            "regionen gå direkt till införande utan en ny upphandling.\n\n"
            "Förberedelserna tog längre tid, men vägen från test till drift kortades med "
            "över ett år."
        ),
        obstacles=(TWO_YEARS, DIRECT_AWARD),
        region="uppsala",
        author="upp",
    ),
    MitigationSpec(
        title="Förkommersiell upphandling finansierar en tillräckligt stor pilot",
        description=(
            "Regionen köpte forsknings- och utvecklingstjänster från tre företag i en "
            "förkommersiell upphandling, i konkurrens och med delad risk. Piloten kunde "
            "omfatta sextio patienter i stället för tio.\n\n"
            "Regionen behåller rätten att använda resultaten, och företagen äger sina "
            "lösningar."
        ),
        obstacles=(DIRECT_AWARD, STAFF_TIME),
        region="vasterbotten",
        author="vb",
    ),
    MitigationSpec(
        title="Regional innovationsfond ersätter vårdenhetens tid",
        description=(
            "Regionens innovationsfond ersätter vårdenheten för den personaltid som ett "
            "godkänt test kräver, enligt regionens debiteringsmodell. Företaget betalar bara "
            "för sina egna kostnader.\n\n"
            "I testet med fjärrmonitorering vid KOL kunde två sjuksköterskor ägna en dag i "
            "veckan åt testet."
        ),
        obstacles=(STAFF_TIME, NO_STAFF_TIME),
        region="vasterbotten",
        author="vb",
        partnership=COPD,
    ),
    MitigationSpec(
        title="Ledningssponsor med ett beslut i ledningsgruppen",
        description=(
            "Varje samverkansprojekt har en namngiven ledningssponsor som godkänner "
            "ledningsförankringen i steg två, med ett protokollfört beslut i "
            "förvaltningens ledningsgrupp. Beslutet säger vem som är behovsägare och vem "
            "som tar över vid förändringar.\n\n"
            "Sedan vi började med det har inget test avbrutits vid en omorganisation."
        ),
        obstacles=(NOT_ANCHORED, OWNER_LEAVES),
        region="vastra-gotaland",
        author="vgr",
    ),
    MitigationSpec(
        title="En väg in: ärendenummer, kontaktperson och svar inom två veckor",
        description=(
            "Alla förfrågningar från företag registreras i en väg in och får ett "
            "ärendenummer och en namngiven kontaktperson. Triageforumet svarar inom två "
            "veckor, också när svaret är nej.\n\n"
            "Företagen vet var ärendet står, och klinikerna slipper ta emot säljsamtal."
        ),
        obstacles=(NO_WAY_IN, BRIBERY_FEAR),
        region="vasterbotten",
        author="vb",
    ),
    MitigationSpec(
        title="Innovationsnoder med avsatt tid i verksamheten",
        description=(
            "Varje innovationsnod har en sjuksköterska eller läkare med tjugo procent av "
            "tjänsten avsatt för innovationsarbete. Noden tar emot behov, hjälper till att "
            "rekrytera patienter till tester och är kontakt mot företagen.\n\n"
            "Rekryteringen till tester nådde målet i fyra av fem tester efter att noderna "
            "infördes."
        ),
        obstacles=(NO_STAFF_TIME,),
        region="uppsala",
        author="upp",
    ),
    MitigationSpec(
        title="FHIR-gränssnitt via regionens integrationsplattform",
        description=(
            "Företaget skickar mätvärdena som FHIR-observationer till regionens "
            "integrationsplattform, som för in dem i journalen. Sjuksköterskan ser värdena i "
            "journalens översikt och behöver inte skriva av dem.\n\n"
            "Integrationen beställdes hos journalleverantören redan i avtalssteget, vilket "
            "var nödvändigt för att den skulle vara klar till testet."
        ),
        obstacles=(NO_EHR_IMPORT, NO_FHIR),
        region="ostergotland",
        author="ost",
        partnership=HEART_FAILURE,
    ),
    MitigationSpec(
        title="Utvärderingsplan tillsammans med akademin från första dagen",
        description=(
            "Forskare från universitetet deltog redan i behovsanalysen och skrev "
            "utvärderingsplanen tillsammans med vårdenheten och företaget: vilka mått, hur de "
            "samlas in och av vem. Planen blev en bilaga till avtalet.\n\n"
            "Utvärderingen kunde svara på ledningens frågor, inklusive en enkel "
            "hälsoekonomisk analys."
        ),
        obstacles=(SMALL_PILOTS, OUTCOMES, HEALTH_ECONOMICS),
        region="uppsala",
        author="upp",
        partnership=PRESSURE_ULCERS,
    ),
    MitigationSpec(
        title="Färdig avtalsklausul om resultat och licens",
        description=(
            "Avtalet för gemensam utveckling har en färdig klausul om resultat: företaget "
            "äger det som utvecklas, och regionen får en kostnadsfri, tidsobegränsad licens "
            "att använda det i den egna verksamheten.\n\n"
            "Förhandlingen om rättigheterna tog två möten i stället för fyra månader."
        ),
        obstacles=(IP_UNCLEAR, LEGAL_REVIEW),
        region="vastra-gotaland",
        author="vgr",
        partnership=STROKE,
    ),
    MitigationSpec(
        title="A confidentiality clause that refers to the Secrecy Act",
        description=(
            "Instead of a separate NDA, the agreement's confidentiality clause states that "
            "the region handles the company's documents under the Public Access to "
            "Information and Secrecy Act, and asks the company to mark trade secrets and "
            "explain the harm disclosure would cause.\n\n"
            "Companies accept it once they see that a secrecy assessment is made for each "
            "request."
        ),
        obstacles=(NDA_PUBLIC_ACCESS,),
        region=None,
        author="nordic",
        language="en",
    ),
    # Waiting for a reviewer.
    MitigationSpec(
        title="Syntetiska testpatienter i en delad testmiljö",
        description=(
            "Regionen och tre företag delar en testmiljö med syntetiska patienter som har "
            "testpersonnummer, samordningsnummer och realistiska journaluppgifter. Företagen "
            "testar sina integrationer där innan ett test med riktiga patienter börjar."
        ),
        obstacles=(NO_TEST_ENV,),
        region="uppsala",
        author="caresense",
        published=False,
    ),
    MitigationSpec(
        title="Förgranskade avtalsmallar för de vanligaste samverkansformerna",
        description=(
            "Regionens jurister har förgranskat mallar för behovsdialog, testbädd och "
            "klinisk utvärdering. Innovationskontoret fyller i dem, och juristen granskar "
            "bara avvikelser från mallen."
        ),
        obstacles=(LEGAL_REVIEW,),
        region="vasterbotten",
        author="vb",
        published=False,
    ),
]
