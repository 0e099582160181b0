"""Demo knowledge articles, part 2: procurement of cloud services, patient data and access
control, interoperability; and one draft still being written."""

from ..specs import ArticleSpec
from .titles import (
    AI_TRAINING,
    CLOUD_STOPPED,
    EHR_FREEZE,
    FRAMEWORKS,
    HEAD_START,
    NO_EHR_IMPORT,
    NO_FHIR,
    NO_TEST_ENV,
    SITHS,
    TEST_DATA_LOCKED,
    TWO_YEARS,
)

PROCUREMENT = ArticleSpec(
    title="Upphandling av molntjänster: LOU, ramavtal och krav som håller",
    summary=(
        "Hur en region köper en molnbaserad tjänst efter ett test: när LOU gäller, vad "
        "ramavtal från Adda och Kammarkollegiet kan och inte kan ge, och vilka krav som "
        "behöver finnas med i förfrågningsunderlaget."
    ),
    body=(
        "En region som vill fortsätta använda en molntjänst efter ett test måste i regel "
        "upphandla den enligt lagen om offentlig upphandling (LOU). Testet i sig kan ofta "
        "göras utan upphandling, till exempel när företaget lånar ut lösningen och regionen "
        "bidrar med personaltid, men ett köp av tjänsten är ett offentligt kontrakt. Att "
        "köpa direkt av det företag som deltog i testet är bara möjligt under "
        "direktupphandlingsgränsen eller i de särskilda fall lagen medger.\n\n"
        "Många regioner använder ramavtal. Adda, som ägs av SKR, och Statens inköpscentral "
        "vid Kammarkollegiet har ramavtal för programvaror, it-tjänster och molntjänster. Ett "
        "ramavtal sparar tid, men bara om den tjänst som testats finns hos någon av "
        "ramavtalsleverantörerna och om regionen är avropsberättigad. Ett nytt företag som "
        "inte är med i ramavtalet får vänta till nästa upphandling. Ett dynamiskt "
        "inköpssystem, där nya leverantörer kan ansluta under hela avtalstiden, är ett "
        "alternativ som passar marknader med många nya aktörer.\n\n"
        "När det inte finns någon färdig lösning på marknaden kan regionen använda ett "
        "innovationspartnerskap, där utveckling och senare köp ingår i samma upphandling, "
        "eller en förkommersiell upphandling av forsknings- och utvecklingstjänster. "
        "Upphandlingsmyndigheten har vägledningar för båda.\n\n"
        "För molntjänster finns krav som är lätta att glömma. Kraven på "
        "informationssäkerhet bör bygga på regionens informationsklassning: var uppgifterna "
        "lagras, vem som kan nå dem, kryptering och nyckelhantering, loggning och "
        "säkerhetskopiering. Avtalet behöver ett personuppgiftsbiträdesavtal och en "
        "förteckning över underbiträden, och regionen bör kunna godkänna nya underbiträden. "
        "Kraven på sekretess behöver spegla bedömningen enligt offentlighets- och "
        "sekretesslagen. Till sist behövs en exitplan: hur regionen får tillbaka sina "
        "uppgifter i ett användbart format när avtalet upphör.\n\n"
        "Samverkan före upphandlingen är tillåten och ofta nödvändig, men den får inte ge "
        "ett företag ett otillbörligt försprång. Likabehandling och öppenhet enligt 4 kap. "
        "1 § LOU innebär att regionen bör dokumentera dialogen, ge andra leverantörer samma "
        "möjligheter och göra resultat som påverkar kraven tillgängliga för alla. Kraven ska "
        "beskriva vad vården behöver uppnå, inte hur en viss produkt fungerar. SKR:s och "
        "Swedish Medtechs samverkansregler ger samma budskap: samverkan formaliseras och får "
        "inte snedvrida en senare upphandling."
    ),
    references=(
        "Lagen (2016:1145) om offentlig upphandling, särskilt 4 kap. 1 § och 7 kap.\n"
        "Upphandlingsmyndighetens vägledningar om innovationspartnerskap och "
        "förkommersiell upphandling\n"
        "Adda: ramavtal för programvaror och it-tjänster\n"
        "Statens inköpscentral vid Kammarkollegiet: ramavtal för programvaror och "
        "molntjänster\n"
        "SKR:s och Swedish Medtechs samverkansregler"
    ),
    topic="cloud_procurement",
    obstacles=(FRAMEWORKS, TWO_YEARS, HEAD_START, CLOUD_STOPPED),
    author="vgr",
)

PATIENT_DATA = ArticleSpec(
    title="Patientdata i molnet: åtkomststyrning och loggning enligt patientdatalagen",
    summary=(
        "Vad patientdatalagen och Socialstyrelsens föreskrifter kräver av behörigheter och "
        "loggar, och vad det betyder för en molntjänst och för leverantörens support."
    ),
    body=(
        "Patientdatalagen (PDL) styr hur vårdgivare behandlar personuppgifter i hälso- och "
        "sjukvården. För en molnbaserad lösning är två krav särskilt viktiga: att åtkomsten "
        "till uppgifterna begränsas till det som behövs, och att all åtkomst loggas och "
        "följs upp.\n\n"
        "Enligt 4 kap. 2 § PDL ska vårdgivaren bestämma villkor för tilldelning av "
        "behörighet till uppgifter om patienter. Behörigheten ska begränsas till vad som "
        "behövs för att den enskilde ska kunna utföra sina arbetsuppgifter. Socialstyrelsens "
        "föreskrifter (HSLF-FS 2016:40) kräver att tilldelningen bygger på en behovs- och "
        "riskanalys. Integritetsskyddsmyndigheten (IMY) har i tillsyn av flera stora "
        "vårdgivare påtalat just brister i sådana analyser och beslutat om sanktionsavgifter.\n\n"
        "Enligt 4 kap. 3 § PDL ska vårdgivaren se till att åtkomst dokumenteras och kan "
        "kontrolleras, och göra systematiska och återkommande kontroller av om någon har tagit "
        "del av uppgifter utan att ha rätt till det. Patienten har rätt att få veta vem som "
        "har tagit del av uppgifter om honom eller henne. En molntjänst som inte kan leverera "
        "loggar i ett format som regionens logguppföljning kan läsa är därför svår att "
        "godkänna.\n\n"
        "Leverantörens egen åtkomst är en fråga för sig. Om företagets support eller "
        "drifttekniker kan se patientuppgifter är det också åtkomst som ska vara behörig, "
        "begränsad och loggad. Regionen behöver veta vilka personer det gäller, var de finns "
        "och hur åtkomsten godkänns. Ofta är den bästa lösningen att supporten arbetar med "
        "tekniska loggar utan personuppgifter och att åtkomst till patientdata bara ges "
        "tillfälligt, efter regionens godkännande.\n\n"
        "Inloggningen ska vara stark. I svensk vård används SITHS-kort eller motsvarande "
        "e-legitimation för personal, och behörigheter hämtas ofta från HSA-katalogen. En "
        "lösning som ansluts till identitetsfederationen Sambi kan använda samma inloggning "
        "hos flera vårdgivare.\n\n"
        "Data från patienter i hemmet, till exempel mätvärden, blir en del av vårddokumentationen "
        "när vården använder dem. Då gäller journalföringsreglerna, och regionen behöver "
        "bestämma om värdena ska föras in i journalen och hur länge de ska sparas. Frågan om "
        "uppgifterna får användas för annat än vården av patienten, till exempel för att "
        "träna en AI-modell, avgörs av ändamålsbestämmelserna i 2 kap. PDL och kräver en egen "
        "bedömning."
    ),
    references=(
        "Patientdatalagen (2008:355), 2 kap. och 4 kap. 2–3 §§\n"
        "Socialstyrelsens föreskrifter och allmänna råd om journalföring och behandling av "
        "personuppgifter i hälso- och sjukvården (HSLF-FS 2016:40)\n"
        "IMY:s tillsyn av vårdgivares tilldelning av behörigheter i journalsystem\n"
        "Ineras tjänster SITHS och HSA; identitetsfederationen Sambi"
    ),
    topic="patient_data",
    obstacles=(TEST_DATA_LOCKED, SITHS, AI_TRAINING, NO_EHR_IMPORT),
    author="reviewer",
)

INTEROPERABILITY = ArticleSpec(
    title="Interoperability: HL7 FHIR and Inera's national services",
    summary=(
        "What a company needs to know about exchanging data with Swedish regions: HL7 FHIR, "
        "Inera's national service platform and its service contracts, Swedish identifiers "
        "and terminologies, and how to plan an integration in a partnership."
    ),
    body=(
        "A digital solution that is tested in a Swedish region almost always needs to "
        "exchange data with the region's systems: the electronic health record (EHR), the "
        "directory of staff and units, and sometimes the national services that patients "
        "and staff use. Planning this early is the difference between a pilot that starts on "
        "time and one that waits months for an integration.\n\n"
        "HL7 FHIR is the international standard most new integrations use. It describes "
        "clinical information as resources, such as Patient, Observation and Device, "
        "exchanged over a REST interface. Measurements taken at home, for example blood "
        "pressure and weight, fit the Observation resource and the Vital Signs profiles of "
        "FHIR R4. SMART on FHIR describes how an app is launched from the EHR with the "
        "right patient and user. HL7 Sweden works on Swedish base profiles that add national "
        "identifiers and rules to the international standard.\n\n"
        "Inera, the joint digitalisation company of the regions and municipalities, runs "
        "the national e-health services: 1177 for residents, the national patient summary "
        "(NPÖ), the HSA directory of staff and units, and SITHS for staff identity. Many of "
        "them are reached through the national service platform, where each kind of information "
        "exchange is described by a service contract. A company that wants to read or write "
        "information through the platform has to follow the contract and be approved for "
        "it.\n\n"
        "Swedish data has its own details. Patients are identified by a personal identity "
        "number (personnummer) or, for people who are not registered in Sweden, a "
        "coordination number (samordningsnummer) or a region's reserve number; a solution "
        "that only handles personnummer will fail in practice. Staff and units are "
        "identified by HSA-id. Socialstyrelsen is the Swedish release centre for SNOMED CT, "
        "and laboratory results use NPU codes.\n\n"
        "In a partnership, the integration belongs in the agreement step, not the test. Agree "
        "on which data flows in each direction, which standard and profiles are used, who "
        "orders the work from the EHR vendor and who pays for it, and what happens if the "
        "integration is late. Ask for a test environment with synthetic patients, and check "
        "whether the region has a freeze on new integrations, for example while it replaces "
        "its EHR.\n\n"
        "Finally, think beyond the first region. An integration that follows international "
        "and national profiles can be reused in the next region; one built for a single "
        "EHR's own interface usually cannot."
    ),
    references=(
        "HL7 FHIR Release 4, including the Vital Signs profiles\n"
        "SMART App Launch (HL7)\n"
        "HL7 Sweden: Swedish base profiles for FHIR\n"
        "Inera: the national service platform and its service contracts; HSA; SITHS\n"
        "Socialstyrelsen: the Swedish national release centre for SNOMED CT"
    ),
    topic="interoperability",
    obstacles=(NO_FHIR, NO_EHR_IMPORT, EHR_FREEZE, NO_TEST_ENV, SITHS),
    author="reviewer",
    language="en",
)

EXIT_DRAFT = ArticleSpec(
    title="Exitplan och dataportabilitet i avtal om molntjänster",
    summary=(
        "Hur regionen får tillbaka sina uppgifter när ett avtal om en molntjänst upphör, "
        "och vad som bör stå i avtalet redan från början."
    ),
    body=(
        "Utkast. När ett test eller ett avtal om en molntjänst upphör måste regionen kunna "
        "få tillbaka sina uppgifter i ett format som går att använda, och leverantören måste "
        "radera sina kopior. Det gäller även data som bara finns i leverantörens system, "
        "till exempel mätvärden som aldrig har förts in i journalen.\n\n"
        "Artikeln ska beskriva vad avtalet bör säga om format, tidsfrister, kostnader, "
        "radering och bevarande enligt arkivlagen, och hur det hänger ihop med kraven i "
        "förfrågningsunderlaget vid en senare upphandling."
    ),
    references="Arkivlagen (1990:782)\nDataskyddsförordningen (EU) 2016/679, artikel 28",
    topic="cloud_procurement",
    obstacles=(CLOUD_STOPPED,),
    author="upp",
    published=False,
    last_reviewed="",
)

ARTICLES_PRACTICE = [PROCUREMENT, PATIENT_DATA, INTEROPERABILITY, EXIT_DRAFT]
