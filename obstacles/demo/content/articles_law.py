"""Demo knowledge articles, part 1: cloud services and secrecy, third-country transfers, and
information security classification (the Co-creation deep dive on cloud-based solutions)."""

from ..specs import ArticleSpec
from .titles import (
    CLOUD_STOPPED,
    DPA_PER_REGION,
    DPIA_AGAIN,
    SCHREMS,
    SECURITY_QUEUE,
    TEST_DATA_LOCKED,
)

CLOUD_SECRECY = ArticleSpec(
    title="Molntjänster och sekretess: röjande och lagändringen 2023",
    summary=(
        "När får en region lämna uppgifter under hälso- och sjukvårdssekretess till en "
        "molnleverantör? Om begreppet röjande, eSams rättsliga uttalande och den nya "
        "bestämmelsen i 10 kap. 2 a § offentlighets- och sekretesslagen."
    ),
    body=(
        "Uppgifter om patienters hälsa skyddas av hälso- och sjukvårdssekretessen i 25 kap. "
        "1 § offentlighets- och sekretesslagen (OSL). Sekretessen innebär ett förbud mot att "
        "röja uppgiften, muntligt, genom att lämna ut en handling eller på något annat sätt. "
        "Frågan för den som vill använda en molntjänst är därför om regionen röjer uppgifter "
        "när de lagras eller bearbetas hos en extern leverantör.\n\n"
        "Under flera år var svaret osäkert. eSam, myndigheternas samverkansprogram för "
        "digitalisering, publicerade 2018 ett rättsligt uttalande om röjande och molntjänster. "
        "Där bedömdes att det kan vara ett röjande om leverantörens personal har möjlighet att "
        "ta del av uppgifterna, och att tekniska skydd som kryptering och avtalade begränsningar "
        "därför har betydelse. Uttalandet ledde till att många regioner avstod från publika "
        "molntjänster för känsliga uppgifter, eller krävde omfattande riskbedömningar.\n\n"
        "Regeringens utredning om säker och kostnadseffektiv it-drift (SOU 2021:1) föreslog en "
        "uttrycklig regel. Sedan den 1 juli 2023 gäller 10 kap. 2 a § OSL: sekretess hindrar "
        "inte att en uppgift lämnas till en tjänsteleverantör som enbart ska utföra teknisk "
        "bearbetning eller teknisk lagring för myndighetens räkning, om det inte är olämpligt "
        "med hänsyn till omständigheterna. Samtidigt infördes en lagstadgad tystnadsplikt för "
        "leverantörens personal.\n\n"
        "Lagändringen gör det lättare att använda molntjänster, men den löser inte allt. "
        "Bestämmelsen gäller bara teknisk bearbetning och lagring: en leverantör som själv "
        "analyserar uppgifterna, till exempel för att förbättra sin produkt, omfattas inte. "
        "Regionen måste fortfarande pröva om utlämnandet är olämpligt, och där väger risken "
        "för att utländska myndigheter kan begära ut uppgifter tungt. En leverantör som "
        "omfattas av lagstiftning som den amerikanska CLOUD Act kan vara skyldig att lämna ut "
        "uppgifter oavsett var de lagras.\n\n"
        "Dataskyddsreglerna gäller också parallellt. Regionen är personuppgiftsansvarig, "
        "leverantören är personuppgiftsbiträde, och ett biträdesavtal enligt artikel 28 i "
        "dataskyddsförordningen krävs. Om uppgifter kan nås från ett land utanför EU gäller "
        "reglerna om tredjelandsöverföring (se artikeln om Schrems II).\n\n"
        "För ett samverkansprojekt innebär det i praktiken fyra frågor att besvara i "
        "avtalssteget: vilken information lösningen hanterar och hur den är klassad, om "
        "leverantören bara lagrar och bearbetar tekniskt, var uppgifterna finns och vem som "
        "kan nå dem, och vilka tekniska skydd som gör att leverantören inte kan läsa dem. "
        "Kryptering där regionen förvaltar nycklarna är ofta det som avgör bedömningen."
    ),
    references=(
        "Offentlighets- och sekretesslagen (2009:400), 10 kap. 2 a § och 25 kap. 1 §\n"
        "eSams rättsliga uttalande om röjande och molntjänster (2018)\n"
        "SOU 2021:1 Säker och kostnadseffektiv it-drift – rättsliga förutsättningar för "
        "utkontraktering\n"
        "Dataskyddsförordningen (EU) 2016/679, artikel 28"
    ),
    topic="cloud_secrecy",
    obstacles=(CLOUD_STOPPED, TEST_DATA_LOCKED, SCHREMS),
    author="reviewer",
)

THIRD_COUNTRY = ArticleSpec(
    title="Tredjelandsöverföringar efter Schrems II och EU–US Data Privacy Framework",
    summary=(
        "Vad domen i Schrems II betyder för molntjänster med leverantörer utanför EU, vad "
        "EU-kommissionens beslut om Data Privacy Framework ändrade, och vilka frågor som "
        "återstår för regionerna."
    ),
    body=(
        "Dataskyddsförordningen tillåter att personuppgifter förs över till ett land utanför "
        "EU och EES bara om mottagarlandet har en adekvat skyddsnivå eller om lämpliga "
        "skyddsåtgärder finns, till exempel EU-kommissionens standardavtalsklausuler "
        "(kapitel V, artiklarna 44–50). Med överföring avses inte bara att data flyttas: "
        "också åtkomst från ett tredjeland, till exempel när leverantörens support i ett "
        "annat land kan logga in i systemet, räknas enligt Europeiska "
        "dataskyddsstyrelsen (EDPB) som en överföring.\n\n"
        "I juli 2020 ogiltigförklarade EU-domstolen överenskommelsen Privacy Shield i målet "
        "C-311/18, Schrems II. Domstolen ansåg att amerikanska myndigheters möjligheter att "
        "ta del av uppgifter för underrättelseändamål inte var begränsade på ett sätt som "
        "motsvarar EU-rätten, och att enskilda saknade effektiva rättsmedel. "
        "Standardavtalsklausulerna fick användas även i fortsättningen, men den som för över "
        "uppgifter måste bedöma om lagstiftningen i mottagarlandet gör att klausulerna inte "
        "kan följas, och i så fall vidta kompletterande åtgärder. EDPB gav ut "
        "rekommendationer (01/2020) om hur en sådan bedömning görs. Kommissionen antog 2021 "
        "nya standardavtalsklausuler.\n\n"
        "Den 10 juli 2023 beslutade EU-kommissionen att USA har en adekvat skyddsnivå för "
        "organisationer som har anslutit sig till EU–US Data Privacy Framework. Beslutet "
        "bygger bland annat på en amerikansk presidentorder från 2022 som begränsar "
        "underrättelseinhämtningen och inför en ny ordning för klagomål. För överföringar "
        "till certifierade amerikanska leverantörer behövs därmed ingen egen "
        "överföringsbedömning. Beslutet har ifrågasatts rättsligt, och regionerna bör ha en "
        "plan för vad som händer om det upphävs.\n\n"
        "För en region räcker dataskyddsreglerna inte som svar. Även när en överföring är "
        "laglig enligt dataskyddsförordningen ska regionen pröva sekretessen: kan uppgifterna "
        "nås av en utländsk myndighet, är det ett röjande eller olämpligt enligt "
        "offentlighets- och sekretesslagen? Den bedömningen har lett till att flera regioner "
        "kräver att känsliga uppgifter lagras och supporteras inom EU av leverantörer som "
        "inte omfattas av utländsk lagstiftning om utlämnande.\n\n"
        "I ett samverkansprojekt är det klokt att tidigt kartlägga alla underbiträden, var "
        "de finns och vilken åtkomst de har, kontrollera om en amerikansk leverantör finns "
        "med på listan över certifierade organisationer, och dela bedömningen med andra "
        "regioner som använder samma lösning. Det sparar både företaget och regionerna "
        "månader av dubbelarbete."
    ),
    references=(
        "EU-domstolens dom i mål C-311/18, Data Protection Commissioner mot Facebook Ireland "
        "och Maximillian Schrems (Schrems II), 16 juli 2020\n"
        "EDPB:s rekommendationer 01/2020 om kompletterande åtgärder till "
        "överföringsverktyg\n"
        "Kommissionens genomförandebeslut (EU) 2021/914 om standardavtalsklausuler för "
        "överföring till tredjeländer\n"
        "Kommissionens beslut om adekvat skyddsnivå för EU–US Data Privacy Framework, "
        "10 juli 2023\n"
        "Dataskyddsförordningen (EU) 2016/679, kapitel V"
    ),
    topic="third_country",
    obstacles=(SCHREMS, CLOUD_STOPPED, DPA_PER_REGION, DPIA_AGAIN),
    author="reviewer",
)

CLASSIFICATION = ArticleSpec(
    title="Informationsklassning enligt MSB:s modell inför val av molntjänst",
    summary=(
        "Hur informationsklassning i konfidentialitet, riktighet och tillgänglighet ger "
        "kraven på en molntjänst, och hur den kan korta säkerhetsgranskningen i ett "
        "samverkansprojekt."
    ),
    body=(
        "Innan en region kan bedöma om en molntjänst är lämplig måste den veta vilken "
        "information tjänsten ska hantera och hur skyddsvärd den är. Myndigheten för "
        "samhällsskydd och beredskap (MSB) beskriver i sitt metodstöd för systematiskt "
        "informationssäkerhetsarbete hur information klassas utifrån vilka konsekvenser det "
        "får om den skyddas otillräckligt.\n\n"
        "Klassningen görs i tre dimensioner. Konfidentialitet handlar om vad som händer om "
        "obehöriga tar del av informationen. Riktighet handlar om vad som händer om den är "
        "felaktig eller har ändrats. Tillgänglighet handlar om vad som händer om den inte går "
        "att nå när den behövs. För varje dimension bedöms konsekvensen på en skala från "
        "försumbar till allvarlig, för patienter, för verksamheten och för regionen.\n\n"
        "Uppgifter om patienters hälsa får nästan alltid en hög nivå för konfidentialitet. "
        "Riktighet är ofta lika viktig: ett mätvärde som hamnar hos fel patient eller visas "
        "med fel enhet kan leda till fel behandling. Tillgängligheten beror på hur lösningen "
        "används. Ett larm om försämring hos en patient i hemmet kräver hög tillgänglighet, "
        "medan en veckorapport kan vänta några timmar.\n\n"
        "Regioner och kommuner använder ofta verktyget KLASSA, som SKR har tagit fram för att "
        "göra klassningen enhetlig. Resultatet är en lista med krav: kryptering, var "
        "informationen får lagras, krav på inloggning och loggning, säkerhetskopiering och "
        "hur snabbt tjänsten ska vara åter efter ett avbrott. Kraven kan sedan jämföras med "
        "vad leverantören erbjuder, till exempel en certifiering enligt ISO/IEC 27001 och "
        "tillämpningen av ISO/IEC 27017 och 27018 för molntjänster.\n\n"
        "För ett samverkansprojekt är klassningen nyckeln till en snabbare "
        "säkerhetsgranskning. Om klassningen görs tillsammans med företaget i början av "
        "avtalssteget vet båda parter vilka krav som gäller, och lösningar som inte hanterar "
        "känslig information kan gå en förenklad väg. Klassningen behöver göras om när "
        "lösningen ändras, till exempel när ett test går från avidentifierade till riktiga "
        "patientuppgifter.\n\n"
        "Klassningen är också grunden för sekretessbedömningen vid utkontraktering och för "
        "konsekvensbedömningen enligt dataskyddsförordningen. Att göra den en gång, "
        "ordentligt, och dela den mellan regioner som använder samma lösning sparar tid för "
        "alla."
    ),
    references=(
        "MSB:s metodstöd för systematiskt informationssäkerhetsarbete\n"
        "KLASSA, SKR:s verktyg för informationsklassning\n"
        "ISO/IEC 27001 Informationssäkerhet – ledningssystem\n"
        "ISO/IEC 27017 och ISO/IEC 27018 om säkerhet och skydd av personuppgifter i "
        "molntjänster\n"
        "Dataskyddsförordningen (EU) 2016/679, artiklarna 32 och 35"
    ),
    topic="security_classification",
    obstacles=(SECURITY_QUEUE, CLOUD_STOPPED, DPIA_AGAIN),
    author="ost",
)

ARTICLES_LAW = [CLOUD_SECRECY, THIRD_COUNTRY, CLASSIFICATION]
