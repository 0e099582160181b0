"""The dissemination demo's words: events, publications and lessons learned across the four
programme regions and national ones. Demo content in the working language (Swedish, some English
as the programme writes for international readers); not translated through the catalogs because it
is what people would type. Addresses use reserved `.example` domains: nothing here points at a
real meeting or page."""

from obstacles.demo.content.titles import (
    HEAD_START,
    HEALTH_ECONOMICS,
    HOW_REGIONS_DECIDE,
    NO_EHR_IMPORT,
    NO_WAY_IN,
    NOT_ANCHORED,
    SCHREMS,
    TWO_YEARS,
)

from .specs import EventSpec, Figure, LessonSpec, PublicationSpec, Seat

# Demo partnerships (partnerships/demo/partnerships.py) the content reports on.
HEART_FAILURE = "Egenmonitorering vid hjärtsvikt"  # Östergötland, test
WOUND_PHOTOS = "Sårdokumentation med foto i hemsjukvården"  # Östergötland, dissemination
COPD = "Fjärrmonitorering av patienter med KOL"  # Västerbotten, evaluation
SKIN_CLINIC = "Digital hudmottagning med AI-stöd i inlandet"  # Västerbotten, entry
PRESSURE_SORES = "Trycksårsprevention med sensormadrass"  # Uppsala, needs
STROKE_REHAB = "Digital rehabilitering efter stroke"  # VGR, agreement
DIGITAL_TRIAGE = "Digital triage på vårdcentral"  # VGR, completed

# The webinar that is full and has a waiting list (two seats).
SMALL_WEBINAR = "Webbinarium i liten grupp: så skriver du ett samverkansförslag"
CLINIC_VASTERBOTTEN = "Innovationsklinik: digital hudmottagning i inlandet"
RACE_FINAL_UPPSALA = "Innovationstävlingens final: trygg hemgång efter operation"
# The previous round's final, held in Uppsala, and the national conference held mid-programme.
RACE_FINAL_UPPSALA_HELD = "Innovationstävlingens final: förebygg trycksår i vården"
CONFERENCE_HELD = "Nationell konferens: halvvägs i programmet"
NETWORK_MEETING_UPPSALA = "Nätverksträff för innovationsnoderna i Uppsala"
# The one draft: seen by Uppsala's organisers only.
DRAFT_WEBINAR = "Webbinarium: finalisterna i innovationstävlingen berättar"
REPORT_WITH_FILE = "Slutrapport: samverkan mellan vård och företag som når hela vägen"

MEET = "https://meet.example/innovationsaccelerator/"

EVENTS: tuple[EventSpec, ...] = (
    # --- Held: registrations made beforehand, attendance marked afterwards ------------------
    EventSpec(
        title="Webbinarium: lärdomar från sårdokumentation med foto",
        kind="webinar",
        region="ostergotland",
        days=-12,
        start="13:00",
        minutes=60,
        description=(
            "Hemsjukvården i Östergötland har testat att dokumentera svårläkta sår med foto och "
            "mäta sårytan över tid. Sjuksköterskorna och Digital Hälsa Norr berättar vad som "
            "fungerade och vad de skulle göra annorlunda.\n\n"
            "Webbinariet spelas inte in. Ställ gärna frågor i chatten."
        ),
        online_url=MEET + "sardokumentation",
        capacity=100,
        partnerships=(WOUND_PHOTOS,),
        seats=(
            Seat("halsanorr", attended=True),
            Seat("caresense", attended=True),
            Seat("s-ost", attended=True),
            Seat("vgr", consent=False, attended=True),
            Seat("uu", attended=False),
            Seat("vb", attended=True),
        ),
        figures=(
            Figure("attendance", 23, "Deltagare som följde sändningen via regionens intranät."),
        ),
    ),
    EventSpec(
        title="Innovationsklinik: egenvård för patienter i glesbygd",
        kind="clinic",
        region="vasterbotten",
        days=-40,
        start="09:00",
        minutes=180,
        description=(
            "På innovationskliniken möts företag, vårdpersonal och patienter för att pröva idéer "
            "tillsammans. Den här gången handlar det om egenvård för patienter som bor långt från "
            "närmaste hälsocentral.\n\n"
            "Ta med en idé eller ett problem du vill ha hjälp med. Fika ingår."
        ),
        location="Norrlands universitetssjukhus, Umeå, Innovationsklinikens lokal",
        capacity=20,
        deadline_days=3,
        partnerships=(COPD,),
        obstacles=(NO_WAY_IN,),
        seats=(
            Seat("halsanorr", needs="Vegetarisk kost", attended=True),
            Seat("caresense", attended=True),
            Seat("uu", needs="Hörslinga", attended=True),
            Seat("s-vb", attended=False),
            Seat("nordic", consent=False, attended=True),
        ),
        figures=(
            Figure("attendance", 6, "Sex sjuksköterskor från avdelningen kom utan att anmäla sig."),
        ),
    ),
    EventSpec(
        title="Webbinarium: så fungerar en väg in för företag",
        kind="webinar",
        region="vasterbotten",
        days=-100,
        start="10:00",
        minutes=45,
        description=(
            "Region Västerbotten har en väg in för företag: varje förfrågan registreras, "
            "triageras och besvaras. Vi visar hur det går till och vad du som företag behöver "
            "skicka med."
        ),
        online_url=MEET + "en-vag-in",
        capacity=150,
        obstacles=(NO_WAY_IN, HOW_REGIONS_DECIDE),
        seats=(
            Seat("nordic", attended=True),
            Seat("caresense", attended=True),
            Seat("halsanorr", attended=True),
            Seat("uu", attended=True),
            Seat("ost", attended=True),
            Seat("upp", consent=False, attended=False),
        ),
        figures=(
            Figure("registrations", 41, "Anmälda via Företagarnas nyhetsbrev."),
            Figure("attendance", 33, "Deltagare enligt mötesverktygets logg."),
        ),
    ),
    EventSpec(
        title="Workshop: nyttoanalys tillsammans med vården",
        kind="workshop",
        region="ostergotland",
        days=-170,
        start="09:30",
        minutes=330,
        description=(
            "En heldag där företag och verksamheter gör nyttoanalysen tillsammans: vilket behov "
            "ska lösningen möta, vem äger behovet och hur mäter vi nyttan?\n\n"
            "Lunch ingår. Skriv i anmälan om du har önskemål om kost."
        ),
        location="Universitetssjukhuset i Linköping, Konferenscentrum Eken",
        capacity=30,
        deadline_days=7,
        partnerships=(HEART_FAILURE,),
        obstacles=(NOT_ANCHORED,),
        seats=(
            Seat("nordic", needs="Glutenfri lunch", attended=True),
            Seat("halsanorr", attended=True),
            Seat("caresense", attended=False),
            Seat("s-ost", attended=True),
            Seat("uu", attended=True),
        ),
    ),
    EventSpec(
        title="Webbinarium: ny samverkansprocess mellan vården och medtechbranschen",
        kind="webinar",
        region="vastra-gotaland",
        days=-220,
        start="14:00",
        minutes=60,
        description=(
            "Västra Götalandsregionen har testat en ny process för samverkan med "
            "medtechbranschen, byggd på ISO 56002 och SKR:s innovationsguide. Vi går igenom "
            "stegen och vad testet visade."
        ),
        online_url=MEET + "samverkansprocess",
        capacity=200,
        partnerships=(DIGITAL_TRIAGE,),
        seats=(
            Seat("nordic", attended=True),
            Seat("halsanorr", attended=True),
            Seat("s-vgr", attended=True),
            Seat("ost", attended=True),
            Seat("uu", consent=False, attended=False),
        ),
        figures=(Figure("attendance", 57, "Deltagare som inte anmälde sig via portalen."),),
    ),
    EventSpec(
        title="Nätverksträff för regionernas innovationssamordnare",
        kind="meeting",
        region="vastra-gotaland",
        days=-300,
        start="10:00",
        minutes=300,
        description=(
            "Samordnarna från de fyra programregionerna träffas för att jämföra hur de tar emot "
            "företag och driver samverkansprojekt.\n\n"
            "Träffen är öppen för innovationssamordnare i alla regioner."
        ),
        location="Sahlgrenska Science Park, Göteborg",
        capacity=25,
        obstacles=(HOW_REGIONS_DECIDE,),
        seats=(
            Seat("ost", attended=True),
            Seat("vb", needs="Laktosfri kost", attended=True),
            Seat("upp", attended=True),
            Seat("reviewer", attended=False),
        ),
    ),
    EventSpec(
        title=RACE_FINAL_UPPSALA_HELD,
        kind="race_final",
        region="uppsala",
        days=-200,
        start="13:00",
        minutes=210,
        description=(
            "Finalen i förra omgången av Region Uppsalas innovationstävling. Utmaningen var att "
            "förebygga trycksår hos patienter som ligger länge. Fem finalister presenterade sina "
            "lösningar inför juryn av undersköterskor, sjuksköterskor och patienter.\n\n"
            "Vinnaren, en sensormadrass som visar när patienten behöver vändas, testas nu i "
            "vården. Finalen sändes också digitalt."
        ),
        location="Akademiska sjukhuset, Uppsala, Aulan",
        online_url=MEET + "innovationstavlingen-final-trycksar",
        capacity=120,
        deadline_days=2,
        partnerships=(PRESSURE_SORES,),
        seats=(
            Seat("caresense", attended=True),
            Seat("s-upp", attended=True),
            Seat("uu", needs="Hörslinga", attended=True),
            Seat("halsanorr", consent=False, attended=True),
            Seat("nordic", attended=True),
            Seat("reviewer", attended=False),
        ),
        figures=(
            Figure("attendance", 74, "Publik i aulan som inte anmälde sig via portalen."),
            Figure("views", 410, "Visningar av sändningen och inspelningen.", 14),
        ),
    ),
    EventSpec(
        title=CONFERENCE_HELD,
        kind="conference",
        region=None,
        days=-250,
        start="09:00",
        minutes=450,
        description=(
            "Programmets första nationella konferens, halvvägs in i programmet. De fyra "
            "regionerna visade sina första samverkansprojekt och de hinder de hade stött på, "
            "och företagen berättade hur de hade blivit mottagna.\n\n"
            "Lunch och fika ingick."
        ),
        location="Linköping Konsert & Kongress, Linköping",
        capacity=200,
        deadline_days=14,
        obstacles=(NOT_ANCHORED, NO_WAY_IN),
        seats=(
            Seat("nordic", attended=True),
            Seat("caresense", needs="Vegetarisk kost", attended=True),
            Seat("halsanorr", attended=True),
            Seat("uu", consent=False, attended=True),
            Seat("ost", attended=True),
            Seat("vb", attended=True),
            Seat("upp", attended=True),
            Seat("vgr", attended=True),
            Seat("s-vb", needs="Kommer med rullstol", attended=True),
            Seat("s-vgr", attended=False),
        ),
        figures=(
            Figure("registrations", 96, "Anmälda via regionernas egna anmälningsformulär."),
            Figure("attendance", 88, "Deltagare enligt namnbrickorna som hämtades ut."),
        ),
    ),
    # --- Upcoming --------------------------------------------------------------------------
    EventSpec(
        title=SMALL_WEBINAR,
        kind="webinar",
        region="uppsala",
        days=9,
        start="15:00",
        minutes=45,
        description=(
            "En kort genomgång i liten grupp av hur du skriver ett samverkansförslag till "
            "regionen: vilket behov det möter, var lösningen står och vad du vill testa.\n\n"
            "Bara två platser, så att alla hinner ställa sina frågor. Är det fullt kan du ställa "
            "dig i kön: du får platsen och ett mejl om någon avbokar."
        ),
        online_url=MEET + "samverkansforslag",
        capacity=2,
        obstacles=(HOW_REGIONS_DECIDE,),
        seats=(
            Seat("caresense"),
            Seat("halsanorr", consent=False),
            Seat("uu"),
            Seat("s-ost"),
        ),
    ),
    EventSpec(
        title="Webbinarium: molntjänster och sekretess i vården",
        kind="webinar",
        region="ostergotland",
        days=12,
        start="13:00",
        minutes=60,
        description=(
            "Vad gäller när en lösning för hemmonitorering lagrar patientdata i en molntjänst? "
            "Regionens informationssäkerhetssamordnare går igenom vad granskningen tittar på."
        ),
        online_url=MEET + "molntjanster",
        capacity=80,
        state="cancelled",
        reason=(
            "För få anmälda. Ämnet tas i stället upp på den nationella konferensen, där du är "
            "välkommen att anmäla dig."
        ),
        obstacles=(SCHREMS,),
        seats=(Seat("nordic"),),
    ),
    EventSpec(
        title=CLINIC_VASTERBOTTEN,
        kind="clinic",
        region="vasterbotten",
        days=16,
        start="09:00",
        minutes=180,
        description=(
            "Distriktssköterskor i inlandet har testat att fotografera hudförändringar med "
            "dermatoskop och skicka bildremiss till hudkliniken. På kliniken prövar vi tillsammans "
            "med patienter och företag hur arbetssättet kan bli en del av vardagen.\n\n"
            "Du kan delta på plats eller på distans."
        ),
        location="Skellefteå lasarett, Innovationsklinikens lokal",
        online_url=MEET + "hudmottagning",
        capacity=15,
        deadline_days=3,
        partnerships=(SKIN_CLINIC,),
        seats=(Seat("halsanorr"), Seat("s-vb", needs="Kommer med rullstol")),
    ),
    EventSpec(
        title="Webinar: Working with Swedish healthcare regions",
        kind="webinar",
        region="vastra-gotaland",
        days=20,
        start="16:00",
        minutes=60,
        language="en",
        description=(
            "For companies outside Sweden: how the 21 regions are organised, who decides, how to "
            "find the innovation office, and what the Co-sharing process asks of you.\n\n"
            "Held in English, with time for questions."
        ),
        online_url=MEET + "working-with-regions",
        capacity=100,
        deadline_days=1,
        obstacles=(HOW_REGIONS_DECIDE, NO_WAY_IN),
        seats=(Seat("nordic"), Seat("uu")),
    ),
    EventSpec(
        title="Workshop: från lyckat test till upphandling",
        kind="workshop",
        region="ostergotland",
        days=23,
        start="09:00",
        minutes=240,
        description=(
            "Det tar ofta år från ett lyckat test till ett upphandlat avtal. Upphandlare, "
            "jurister och företag går igenom vad som får och inte får ske under ett test, och hur "
            "resultaten kan användas i en upphandling enligt LOU."
        ),
        location="Linköpings universitet, Campus US, Sal Berzelius",
        capacity=25,
        deadline_days=7,
        partnerships=(HEART_FAILURE,),
        obstacles=(TWO_YEARS, HEAD_START),
        seats=(Seat("nordic", needs="Vegansk lunch"), Seat("caresense")),
    ),
    EventSpec(
        title=RACE_FINAL_UPPSALA,
        kind="race_final",
        region="uppsala",
        days=30,
        start="13:00",
        minutes=210,
        description=(
            "Finalen i Region Uppsalas innovationstävling. Finalisterna presenterar sina lösningar "
            "för trygg hemgång efter operation inför juryn av vårdpersonal och patienter, och "
            "vinnaren får testa sin lösning i vården.\n\n"
            "Finalen sänds också digitalt."
        ),
        location="Akademiska sjukhuset, Uppsala, Aulan",
        online_url=MEET + "innovationstavlingen-final",
        capacity=120,
        deadline_days=2,
        partnerships=(PRESSURE_SORES,),
        seats=(Seat("caresense"), Seat("s-upp"), Seat("reviewer"), Seat("uu")),
    ),
    EventSpec(
        title="Workshop: hälsoekonomi i tidiga tester",
        kind="workshop",
        region="vastra-gotaland",
        days=40,
        start="09:30",
        minutes=240,
        description=(
            "Hur visar man nytta i kronor redan i en liten pilot? Vi räknar på riktiga exempel "
            "från partnerskapen i Västra Götaland."
        ),
        location="Sahlgrenska universitetssjukhuset, Göteborg, Aula Medica",
        capacity=30,
        state="postponed",
        reason=(
            "Föreläsaren har fått förhinder. Vi skjuter upp workshopen och hör av oss med ett "
            "nytt datum; din anmälan står kvar."
        ),
        partnerships=(STROKE_REHAB,),
        obstacles=(HEALTH_ECONOMICS,),
        seats=(Seat("nordic"), Seat("uu", needs="Hörslinga")),
    ),
    EventSpec(
        title="Nationell konferens: samverkan som når hela vägen",
        kind="conference",
        region=None,
        days=60,
        start="09:00",
        minutes=480,
        description=(
            "Programmets nationella konferens. De fyra regionerna berättar vad som tog deras "
            "samverkansprojekt hela vägen till införande – och vad som stoppade andra.\n\n"
            "Huvudbudskapet: regionens ledning måste vara med från början.\n\n"
            "Lunch och fika ingår. Skriv i anmälan om du har behov av kost eller tillgänglighet."
        ),
        location="Konferenscentrum Norra Latin, Stockholm",
        capacity=250,
        deadline_days=14,
        obstacles=(NOT_ANCHORED, NO_EHR_IMPORT),
        seats=(
            Seat("nordic"),
            Seat("caresense", needs="Vegetarisk kost"),
            Seat("halsanorr"),
            Seat("uu", consent=False),
            Seat("ost"),
            Seat("vb"),
            Seat("upp"),
            Seat("vgr"),
            Seat("s-upp"),
        ),
    ),
    EventSpec(
        title=NETWORK_MEETING_UPPSALA,
        kind="meeting",
        region="uppsala",
        days=50,
        start="14:00",
        minutes=120,
        description=(
            "Innovationsnoderna på Akademiska sjukhuset och i primärvården träffas och går "
            "igenom de behov verksamheterna har anmält och vilka tester som kan starta.\n\n"
            "Företag och forskare är välkomna att lyssna och ställa frågor under den sista "
            "halvtimmen."
        ),
        location="Akademiska sjukhuset, Uppsala, Ingång 10",
        capacity=40,
        deadline_days=3,
        partnerships=(PRESSURE_SORES,),
        seats=(
            Seat("s-upp"),
            Seat("uu"),
            Seat("caresense", consent=False),
            Seat("halsanorr", needs="Laktosfri fika"),
        ),
    ),
    EventSpec(
        title=DRAFT_WEBINAR,
        kind="webinar",
        region="uppsala",
        days=75,
        start="15:00",
        minutes=45,
        description=(
            "Finalisterna i innovationstävlingen berättar vad de har lärt sig av att arbeta "
            "med vården. Talarna och programmet är inte klara än."
        ),
        online_url=MEET + "finalisterna-berattar",
        capacity=100,
        state="draft",
    ),
)

PUBLICATIONS: tuple[PublicationSpec, ...] = (
    PublicationSpec(
        title="Innovationspodden, avsnitt 1: en väg in i Västerbotten",
        kind="podcast",
        region="vasterbotten",
        quarters_ago=3,
        day_in_quarter=12,
        summary=(
            "Hur tar en region emot ett företag som vill samarbeta? Samordnaren för en väg in i "
            "Region Västerbotten berättar hur varje förfrågan registreras och besvaras."
        ),
        link="https://podcast.example/innovationspodden/1",
        obstacles=(NO_WAY_IN,),
        listeners=(310, 190, 120, 75),
    ),
    PublicationSpec(
        title="Innovationspodden, avsnitt 2: innovationsnoder i vården",
        kind="podcast",
        region="uppsala",
        quarters_ago=2,
        day_in_quarter=20,
        summary=(
            "Region Uppsala har innovationsnoder i vårdens verksamheter. Vi pratar med en "
            "undersköterska och en läkare om hur behoven fångas där de uppstår."
        ),
        link="https://podcast.example/innovationspodden/2",
        listeners=(280, 160, 95),
    ),
    PublicationSpec(
        title="Innovationspodden, avsnitt 3: därför måste ledningen vara med",
        kind="podcast",
        region=None,
        quarters_ago=1,
        day_in_quarter=15,
        summary=(
            "Programmets viktigaste lärdom: de projekt som nådde hela vägen hade ledningen med "
            "från början. Sponsorer från två regioner berättar vad det betydde i praktiken."
        ),
        link="https://podcast.example/innovationspodden/3",
        obstacles=(NOT_ANCHORED,),
        listeners=(420, 230),
    ),
    PublicationSpec(
        title="Innovation podcast, episode 4: self-monitoring at home",
        kind="podcast",
        region="ostergotland",
        quarters_ago=0,
        day_in_quarter=5,
        language="en",
        summary=(
            "Patients with heart failure weigh themselves and measure their blood pressure at "
            "home every morning. The nurse and the company behind the test talk about what "
            "changed for patients and for the clinic."
        ),
        link="https://podcast.example/innovation-podcast/4",
        partnerships=(HEART_FAILURE,),
        listeners=(140,),
    ),
    PublicationSpec(
        title=REPORT_WITH_FILE,
        kind="report",
        region=None,
        quarters_ago=1,
        day_in_quarter=40,
        summary=(
            "Slutrapporten från programmet Innovationsaccelerator: hur fyra regioner arbetade med "
            "samverkan mellan vård och företag, vilka hinder de mötte och vad som fick projekten "
            "att nå ända fram till införande."
        ),
        pdf=(
            "Samverkan mellan vård och företag som når hela vägen",
            "Slutrapport från programmet Innovationsaccelerator (demoversion).",
            "Fyra regioner testade olika sätt att samverka med företag: egenmonitorering i "
            "Östergötland, innovationskliniker i Västerbotten, innovationsnoder och en "
            "innovationstävling i Uppsala och en ny samverkansprocess i Västra Götaland.",
            "Den viktigaste lärdomen är att regionens ledning måste vara med från början. Där "
            "ledningen var förankrad gick projekten hela vägen till införande.",
        ),
        obstacles=(NOT_ANCHORED, TWO_YEARS),
        figures=(Figure("downloads", 85, "Nedladdningar från programmets gamla webbplats.", 20),),
        portal_downloads=14,
    ),
    PublicationSpec(
        title="Rapport: utvärdering av fjärrmonitorering vid KOL",
        kind="report",
        region="vasterbotten",
        quarters_ago=2,
        day_in_quarter=50,
        summary=(
            "Uppsala universitets oberoende utvärdering av testet med pulsoximeter och "
            "symtomdagbok i hemmet för patienter med svår KOL."
        ),
        link="https://www.example.se/rapporter/fjarrmonitorering-kol.pdf",
        partnerships=(COPD,),
        obstacles=(HEALTH_ECONOMICS,),
        figures=(Figure("downloads", 112, "Nedladdningar från regionens webbplats.", 30),),
    ),
    PublicationSpec(
        title="Artikel: så fick egenmonitoreringen fäste i Östergötland",
        kind="article",
        region="ostergotland",
        quarters_ago=1,
        day_in_quarter=60,
        summary=(
            "Hjärtsviktssjuksköterskan och företaget berättar hur testet förankrades hos "
            "ledningen och vad som krävdes för att mätvärdena skulle komma till nytta."
        ),
        link="https://www.example.se/artiklar/egenmonitorering-ostergotland",
        partnerships=(HEART_FAILURE,),
        obstacles=(NO_EHR_IMPORT,),
        figures=(Figure("views", 1340, "Sidvisningar enligt tidningens statistik.", 14),),
    ),
    PublicationSpec(
        title="Webbplats: innovationstävlingen i Region Uppsala",
        kind="website",
        region="uppsala",
        quarters_ago=3,
        day_in_quarter=30,
        summary=(
            "Allt om innovationstävlingen: utmaningen, reglerna, juryn och finalisterna. "
            "Webbplatsen uppdateras inför finalen."
        ),
        link="https://innovationstavlingen.example/",
        figures=(Figure("views", 2150, "Besök enligt webbplatsens statistik.", 60),),
    ),
    PublicationSpec(
        title="Inspelning: ny samverkansprocess mellan vården och medtechbranschen",
        kind="recording",
        region="vastra-gotaland",
        quarters_ago=2,
        day_in_quarter=35,
        summary=(
            "Inspelningen av webbinariet om Västra Götalandsregionens nya samverkansprocess, "
            "med textning."
        ),
        link="https://video.example/vgr/samverkansprocess",
        partnerships=(DIGITAL_TRIAGE,),
        figures=(Figure("views", 460, "Visningar av inspelningen.", 45),),
    ),
    PublicationSpec(
        title="Rapport: hälsoekonomi i tidiga tester (utkast)",
        kind="report",
        region="vastra-gotaland",
        quarters_ago=0,
        day_in_quarter=1,
        summary="Utkast till en vägledning för hälsoekonomiska beräkningar i små piloter.",
        link="https://www.example.se/rapporter/halsoekonomi-utkast",
        published=False,
        obstacles=(HEALTH_ECONOMICS,),
    ),
)

LESSONS: tuple[LessonSpec, ...] = (
    LessonSpec(
        partnership=HEART_FAILURE,
        title="Förankra testet hos verksamhetschefen innan det börjar",
        step="test",
        author="nordic",
        body=(
            "Vi startade testet med engagerade sjuksköterskor men utan att verksamhetschefen "
            "hade sagt ja till att de fick använda arbetstid. Efter två veckor tog ordinarie "
            "arbete över.\n\n"
            "När regionens ledningssponsor i stället beslutade om tid och mål kom testet igång "
            "igen och alla tolv patienter kunde skrivas in.\n\n"
            "Vårt råd: se till att beslutet om personalens tid finns innan första patienten."
        ),
    ),
    LessonSpec(
        partnership=HEART_FAILURE,
        title="Bestäm hur mätvärdena ska nå journalen innan testet börjar",
        step="test",
        author="nordic",
        body=(
            "Journalsystemet saknade ett öppet gränssnitt, så sjuksköterskan skrev av vikt och "
            "blodtryck för hand. Det tog tid och gav skrivfel.\n\n"
            "Nästa gång reder vi ut integrationen med regionens IT-förvaltning redan i "
            "nyttoanalysen, även om det gör att starten dröjer."
        ),
    ),
    LessonSpec(
        partnership=COPD,
        title="Planera den hälsoekonomiska utvärderingen från första dagen",
        step="evaluation",
        author="uu",
        body=(
            "Vi kunde visa att patienterna kände sig tryggare, men inte vad det betydde i "
            "vårdtillfällen och kronor: de uppgifterna hade ingen samlat in under testet.\n\n"
            "Bestäm utfallsmåtten och vem som samlar in dem innan testet börjar, och låt "
            "utvärderaren vara med när testplanen skrivs."
        ),
    ),
    LessonSpec(
        partnership=WOUND_PHOTOS,
        title="Fotodokumentationen fungerar bara om den ryms i hembesöket",
        step="dissemination",
        author="halsanorr",
        body=(
            "Sjuksköterskorna i hemsjukvården hann inte fotografera såren när besöken redan var "
            "tätt schemalagda. När fotograferingen lades in som en del av omläggningen, med fem "
            "minuter extra i schemat, dokumenterades nästan alla sår.\n\n"
            "Räkna med personalens tid i planeringen, inte bara med tekniken."
        ),
    ),
    LessonSpec(
        partnership=PRESSURE_SORES,
        title="Let the assistant nurses choose the alarm levels",
        step="needs",
        author="caresense",
        language="en",
        state="submitted",
        body=(
            "The first alarm levels came from the product sheet and rang far too often at "
            "night. The assistant nurses on the ward knew which patients needed turning and "
            "how often.\n\n"
            "We now set the levels together with them in the first week of a test."
        ),
    ),
    LessonSpec(
        partnership=STROKE_REHAB,
        title="Rörelsesensorerna behöver vara lätta att ladda",
        step="agreement",
        author="nordic",
        state="changes_requested",
        reason=(
            "Bra iakttagelse! Skriv gärna också vad ni gjorde åt laddningen, så blir lärdomen "
            "användbar för andra som testar sensorer i hemmet."
        ),
        body=(
            "Flera patienter slutade använda sensorerna efter några dagar eftersom laddaren var "
            "svår att koppla in."
        ),
    ),
    LessonSpec(
        partnership=SKIN_CLINIC,
        title="Tidig kontakt med hudkliniken sparade månader",
        author="halsanorr",
        state="draft",
        body="Utkast: vi skriver om hur första mötet med hudkliniken gick till.",
    ),
)
