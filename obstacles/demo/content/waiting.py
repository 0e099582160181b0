"""Demo entries that are not (or no longer) published: the review queue, decisions the authors
see, a duplicate merged away, a withdrawn entry, and the company's drafts."""

from ...models import Severity
from ..specs import ObstacleSpec, WaitingSpec
from .titles import CLOUD_STOPPED

LOW, MEDIUM, HIGH, BLOCKING = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.BLOCKING

WAITING: list[WaitingSpec] = [
    # --- Submitted: waiting for a reviewer ----------------------------------------------------
    WaitingSpec(
        state="submitted",
        entry=ObstacleSpec(
            title="Regionens e-tjänsteplattform tillåter inte appar från andra leverantörer",
            description=(
                "Patienterna ska nå alla digitala tjänster via regionens plattform för "
                "e-tjänster, men plattformen kan bara visa tjänster från den upphandlade "
                "leverantören. Vår app för sårdokumentation måste därför ha en egen "
                "inloggning, vilket regionen inte vill godkänna."
            ),
            category="it-interoperability",
            step="test",
            actors=("company", "patients"),
            region="uppsala",
            severity=MEDIUM,
            evidence="Region Uppsalas riktlinje för digitala tjänster till invånare",
            mitigation="",
            author="caresense",
        ),
    ),
    WaitingSpec(
        state="submitted",
        entry=ObstacleSpec(
            title="Kommunen och regionen har olika regler för data i hemsjukvården",
            description=(
                "I testet med läkemedelsrobot i hemmet är kommunen ansvarig för hemtjänsten "
                "och regionen för läkemedelsbehandlingen. De har olika "
                "personuppgiftsansvar, olika journalsystem och olika syn på vem som får se "
                "larmen från roboten.\n\n"
                "Testet är pausat tills kommunen och regionen har kommit överens."
            ),
            category="data-protection-cloud",
            step="needs",
            actors=("healthcare", "patients", "company"),
            region="uppsala",
            severity=HIGH,
            evidence=(
                "Patientdatalagen (2008:355), 6 kap. om sammanhållen journalföring\n"
                "Samverkansprojektet om läkemedelsrobot i hemtjänsten"
            ),
            mitigation="",
            author="upp",
        ),
    ),
    WaitingSpec(
        state="submitted",
        entry=ObstacleSpec(
            title="Hospital Wi-Fi blocks medical IoT devices during pilots",
            description=(
                "The hospital's guest and staff networks block the ports and protocols our "
                "sensors use, and connecting them to the medical-device network needs a "
                "change request that takes months. We ran the pilot on 4G routers instead, "
                "which IT then asked us to remove."
            ),
            category="it-interoperability",
            step="test",
            actors=("company", "healthcare"),
            region="vastra-gotaland",
            severity=MEDIUM,
            evidence="IEC 80001-1 on risk management for IT networks with medical devices",
            mitigation="",
            author="nordic",
            language="en",
        ),
    ),
    # --- In review: taken by a reviewer ------------------------------------------------------
    WaitingSpec(
        state="in_review",
        claimed_by="reviewer",
        entry=ObstacleSpec(
            title="Kostnadsfri testutrustning kräver ändå tre offerter",
            description=(
                "Sjukhusets inköpsregler kräver att tre leverantörer tillfrågas innan "
                "utrustning tas in, även när företaget lånar ut den utan kostnad för ett "
                "test. Regeln är till för köp men tillämpas på allt som kommer in på "
                "sjukhuset."
            ),
            category="procurement-lou",
            step="test",
            actors=("healthcare", "company"),
            region="vastra-gotaland",
            severity=MEDIUM,
            evidence="Sjukhusets rutin för inköp och lån av utrustning",
            mitigation=(
                "Ett avtal om test där utlåningen regleras; samverkansreglerna kräver att "
                "samverkan formaliseras."
            ),
            author="vgr",
        ),
    ),
    WaitingSpec(
        state="in_review",
        claimed_by="admin",
        entry=ObstacleSpec(
            title="Ingen tar ansvar för lösningen när testet är slut",
            description=(
                "När testet är utvärderat finns ingen förvaltning som tar över lösningen: "
                "innovationskontoret driver bara tester och IT tar bara emot upphandlade "
                "system. Lösningen lever kvar på företagets servrar utan avtal."
            ),
            category="organisation-culture",
            step="dissemination",
            actors=("healthcare", "company"),
            region="ostergotland",
            severity=HIGH,
            evidence="Två avslutade tester i Region Östergötland 2025",
            mitigation="",
            author="ost",
        ),
    ),
    # --- Changes requested -------------------------------------------------------------------
    WaitingSpec(
        state="changes_requested",
        reason=(
            "Tack! Beskriv gärna vilket avtal det gällde, i vilket steg ni var och vad som "
            "tog tid (till exempel sekretess, immateriella rättigheter eller ersättning). "
            "Ange också om det gällde en viss region."
        ),
        entry=ObstacleSpec(
            title="Avtalen är krångliga",
            description="Det tar lång tid att få avtal på plats med regionerna.",
            category="agreements-ip",
            step="",
            actors=("company",),
            region=None,
            severity=MEDIUM,
            evidence="",
            mitigation="",
            author="nordic",
        ),
    ),
    # --- Rejected ----------------------------------------------------------------------------
    WaitingSpec(
        state="rejected",
        reason=(
            "Inlägget beskriver en produkt och varför regionerna borde köpa den, inte ett "
            "hinder för samverkan. Om ni har mött ett hinder i en upphandling är ni "
            "välkomna att beskriva det i ett nytt inlägg."
        ),
        entry=ObstacleSpec(
            title="Alla regioner borde köpa vår triagetjänst",
            description=(
                "Vår tjänst för digital triage har testats med goda resultat. Ändå har bara "
                "en region köpt den. Regionerna borde införa den direkt."
            ),
            category="procurement-lou",
            step="dissemination",
            actors=("company",),
            region=None,
            severity=LOW,
            evidence="",
            mitigation="",
            author="halsanorr",
        ),
    ),
    # --- Merged into a published duplicate ---------------------------------------------------
    WaitingSpec(
        state="merged",
        merge_into=CLOUD_STOPPED,
        entry=ObstacleSpec(
            title="Molnlagring av mätdata godkänns inte av regionens säkerhetsfunktion",
            description=(
                "Vår tjänst lagrar mätdata i ett publikt moln. Regionen säger nej med "
                "hänvisning till sekretess och risken för att utländska myndigheter kan "
                "begära ut uppgifterna."
            ),
            category="data-protection-cloud",
            step="agreement",
            actors=("company",),
            region="ostergotland",
            severity=HIGH,
            evidence="Offentlighets- och sekretesslagen (2009:400), 25 kap. 1 §",
            mitigation="",
            author="caresense",
        ),
    ),
    # --- Withdrawn from the compilation ------------------------------------------------------
    WaitingSpec(
        state="withdrawn",
        reason=(
            "Regionen har ändrat sin riktlinje: kravet gäller nu bara information som "
            "klassats som skyddsvärd, inte alla molntjänster. Inlägget beskriver därför inte "
            "längre hur det är."
        ),
        entry=ObstacleSpec(
            title="Krav på att alla molntjänster ska ha data lagrade i Sverige",
            description=(
                "Regionens riktlinje krävde att all information i molntjänster lagras i "
                "Sverige, även för tjänster utan personuppgifter. Få leverantörer kunde "
                "erbjuda det."
            ),
            category="data-protection-cloud",
            step="agreement",
            actors=("company", "healthcare"),
            region="vastra-gotaland",
            severity=MEDIUM,
            evidence="Regionens riktlinje för molntjänster (tidigare version)",
            mitigation="",
            author="vgr",
        ),
    ),
    # --- Drafts of company@demo.example -------------------------------------------------------
    WaitingSpec(
        state="draft",
        entry=ObstacleSpec(
            title="Testpatienter går inte att hitta utan åtkomst till journalen",
            description=(
                "Vi vill rekrytera patienter med hjärtsvikt till ett test, men bara vården "
                "kan se vilka patienter som passar. Ingen på mottagningen har tid att gå "
                "igenom listorna."
            ),
            category="organisation-culture",
            step="test",
            actors=("company", "healthcare"),
            region="ostergotland",
            severity=MEDIUM,
            evidence="",
            mitigation="",
            author="nordic",
        ),
    ),
    WaitingSpec(
        state="draft",
        entry=ObstacleSpec(
            title="Förfrågan om offert kom innan behovet var analyserat",
            description=(
                "Upphandlingsenheten bad om en offert innan kliniken hade beskrivit "
                "behovet. Vi vet inte vad vi ska offerera."
            ),
            category="procurement-lou",
            step="needs",
            actors=("company",),
            region=None,
            severity=LOW,
            evidence="",
            mitigation="",
            author="nordic",
        ),
    ),
]
