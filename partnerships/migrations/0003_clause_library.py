"""The clause library for agreements (Swedish and English).

The wording follows Swedish practice for collaboration between a region and companies: the SKR /
Swedish Medtech collaboration rules (samverkansregler), the Public Procurement Act (LOU), GDPR with
the Patient Data Act (patientdatalagen) and the Public Access to Information and Secrecy Act
(offentlighets- och sekretesslagen, OSL). Variables are written `{name}` and described in
`variables`; the agreement service fills them in and adds the computed compensation sums
(`{staff_total}`, `{test_resource_total}`, `{total_compensation}`, in SEK).

`collaboration_kinds` lists the kinds of collaboration that switch a clause on when an agreement
is started (empty: every kind). The two "type of collaboration" clauses are chosen by the region's
role in the agreement instead (customer or development partner).
"""

from django.db import migrations

TESTBED, CLINICAL, CODEV, DIALOGUE, OTHER = "testbed", "clinical", "codev", "dialogue", "other"


def _var(name, label_sv, label_en, kind, **extra):
    return {"name": name, "label_sv": label_sv, "label_en": label_en, "type": kind, **extra}


CLAUSES = [
    {
        "key": "collaboration-customer",
        "kind": "collaboration",
        "order": 10,
        "title_sv": "Samverkansform: regionen som kund",
        "title_en": "Type of collaboration: the region as customer",
        "body_sv": (
            "Regionen deltar i samverkan som kund och användare. Bolaget tillhandahåller sin "
            "produkt eller tjänst för att regionen ska kunna pröva den i sin verksamhet inom "
            "ramen för det syfte som anges i detta avtal: {purpose}.\n"
            "Samverkan innebär inte att regionen förbinder sig att anskaffa produkten eller "
            "tjänsten. En eventuell anskaffning sker enligt lagen (2016:1145) om offentlig "
            "upphandling. Bolaget ansvarar för produktens funktion, säkerhet och, i förekommande "
            "fall, CE-märkning enligt tillämplig lagstiftning om medicintekniska produkter."
        ),
        "body_en": (
            "The region takes part in the collaboration as customer and user. The company "
            "provides its product or service so that the region can try it in its operations, "
            "for the purpose stated in this agreement: {purpose}.\n"
            "The collaboration does not commit the region to acquiring the product or service. "
            "Any acquisition is made under the Public Procurement Act (2016:1145). The company "
            "is responsible for the product's function and safety and, where applicable, its CE "
            "marking under the legislation on medical devices."
        ),
        "variables": [
            _var("purpose", "Syfte med samverkan", "Purpose of the collaboration", "text"),
        ],
        "collaboration_kinds": [],
    },
    {
        "key": "collaboration-partner",
        "kind": "collaboration",
        "order": 11,
        "title_sv": "Samverkansform: regionen som utvecklingspartner",
        "title_en": "Type of collaboration: the region as development partner",
        "body_sv": (
            "Regionen deltar i samverkan som utvecklingspartner. Regionen bidrar med kunskap om "
            "vårdens behov, medarbetarnas tid och tillgång till testmiljöer; bolaget bidrar med "
            "teknik, utvecklingsresurser och kunskap om produkten. Syftet med samverkan är: "
            "{purpose}.\n"
            "Varje part bär sina egna kostnader om inte annat anges under ersättning. "
            "Samverkan innebär inte att regionen förbinder sig att anskaffa resultatet; en "
            "eventuell anskaffning sker enligt lagen (2016:1145) om offentlig upphandling."
        ),
        "body_en": (
            "The region takes part in the collaboration as development partner. The region "
            "contributes knowledge of the care need, its staff's time and access to test "
            "environments; the company contributes technology, development resources and "
            "knowledge of the product. The purpose of the collaboration is: {purpose}.\n"
            "Each party bears its own costs unless stated otherwise under compensation. The "
            "collaboration does not commit the region to acquiring the result; any acquisition "
            "is made under the Public Procurement Act (2016:1145)."
        ),
        "variables": [
            _var("purpose", "Syfte med samverkan", "Purpose of the collaboration", "text"),
        ],
        "collaboration_kinds": [],
    },
    {
        "key": "intellectual-property",
        "kind": "ip",
        "order": 20,
        "title_sv": "Immateriella rättigheter",
        "title_en": "Intellectual property",
        "body_sv": (
            "Varje part behåller äganderätten till den kunskap, de uppfinningar, den "
            "programvara och de övriga immateriella rättigheter som parten hade före samverkan "
            "eller tar fram utanför den (bakgrundsinformation). Ingen part får någon rätt till en "
            "annan parts bakgrundsinformation utöver vad som krävs för att genomföra samverkan.\n"
            "Resultat som tas fram inom samverkan (förgrundsinformation) ägs av: {ip_owner}. "
            "Regionen har alltid en kostnadsfri, icke-exklusiv rätt att använda resultaten i sin "
            "egen verksamhet, för utbildning och för fortsatt utveckling av vården. Medarbetares "
            "rätt enligt lagen (1949:345) om rätten till arbetstagares uppfinningar påverkas inte."
        ),
        "body_en": (
            "Each party keeps ownership of the knowledge, inventions, software and other "
            "intellectual property it had before the collaboration or creates outside it "
            "(background IP). No party receives any right to another party's background IP "
            "beyond what is needed to carry out the collaboration.\n"
            "Results created within the collaboration (foreground IP) are owned by: {ip_owner}. "
            "The region always has a free, non-exclusive right to use the results in its own "
            "operations, for training and for the further development of care. The rights of "
            "employees under the Act on the Right to Employee Inventions (1949:345) are not "
            "affected."
        ),
        "variables": [
            _var(
                "ip_owner",
                "Ägare av resultaten (förgrundsinformation)",
                "Owner of the results (foreground IP)",
                "text",
                default_sv="bolaget",
                default_en="the company",
                kind_defaults={
                    CODEV: {"sv": "parterna gemensamt", "en": "the parties jointly"},
                },
            ),
        ],
        "collaboration_kinds": [TESTBED, CLINICAL, CODEV, OTHER],
    },
    {
        "key": "confidentiality",
        "kind": "confidentiality",
        "order": 30,
        "title_sv": "Sekretess och konfidentialitet",
        "title_en": "Confidentiality",
        "body_sv": (
            "Parterna ska inte för utomstående röja information som en annan part skriftligen "
            "har angett som konfidentiell, till exempel affärs- eller driftförhållanden. "
            "Åtagandet gäller under samverkan och i {confidentiality_years} år efter att "
            "avtalet upphört.\n"
            "Åtagandet gäller inte information som är allmänt känd, som parten redan hade, eller "
            "som parten är skyldig att lämna ut enligt lag. Regionens handlingar är allmänna "
            "handlingar; regionen prövar sekretess enligt offentlighets- och sekretesslagen "
            "(2009:400) i varje enskilt fall när någon begär att få ta del av dem."
        ),
        "body_en": (
            "The parties shall not disclose to outsiders information that another party has "
            "marked in writing as confidential, such as business or operating conditions. This "
            "obligation applies during the collaboration and for {confidentiality_years} years "
            "after the agreement ends.\n"
            "It does not apply to information that is publicly known, that the party already "
            "had, or that the party must disclose by law. The region's records are official "
            "documents; the region assesses secrecy under the Public Access to Information and "
            "Secrecy Act (2009:400) case by case whenever someone asks to see them."
        ),
        "variables": [
            _var(
                "confidentiality_years",
                "Sekretesstid efter avtalets slut (år)",
                "Confidentiality after the agreement ends (years)",
                "number",
                default="5",
            ),
        ],
        "collaboration_kinds": [],
    },
    {
        "key": "public-access",
        "kind": "confidentiality",
        "order": 31,
        "title_sv": "Offentlighetsprincipen",
        "title_en": "Public access to official documents",
        "body_sv": (
            "Bolaget är medvetet om att detta avtal och de handlingar som kommer in till eller "
            "upprättas hos regionen är allmänna handlingar. Bolaget ska märka de uppgifter som "
            "bolaget anser omfattas av sekretess, till exempel enligt 31 kap. 16 § "
            "offentlighets- och sekretesslagen, och motivera varför ett utlämnande skulle skada "
            "bolaget. Regionen underrättar bolaget, när det är möjligt, innan sådana uppgifter "
            "lämnas ut."
        ),
        "body_en": (
            "The company knows that this agreement and the documents received or drawn up by the "
            "region are official documents. The company shall mark the information it considers "
            "secret, for instance under chapter 31 section 16 of the Public Access to "
            "Information and Secrecy Act, and explain why disclosure would harm the company. "
            "Where possible, the region tells the company before such information is disclosed."
        ),
        "variables": [],
        "collaboration_kinds": [],
    },
    {
        "key": "data-protection",
        "kind": "data_protection",
        "order": 40,
        "title_sv": "Dataskydd och patientsekretess",
        "title_en": "Data protection and patient secrecy",
        "body_sv": (
            "Personuppgifter behandlas enligt dataskyddsförordningen (EU) 2016/679 (GDPR), "
            "patientdatalagen (2008:355) och offentlighets- och sekretesslagen (2009:400). "
            "Personuppgiftsansvarig för behandlingen inom samverkan är {data_controller}.\n"
            "Inga personuppgifter eller uppgifter om patienters hälsa får lämna regionen innan "
            "ett personuppgiftsbiträdesavtal har ingåtts och regionen har bedömt att "
            "överföringen är förenlig med sekretessen. Uppgifter får inte föras över till land "
            "utanför EU/EES utan stöd i kapitel V i dataskyddsförordningen. Bolaget får bara "
            "ta del av avidentifierade uppgifter om inte patienten har samtyckt och det är "
            "tillåtet enligt lag. Personuppgiftsincidenter ska anmälas till regionen utan "
            "dröjsmål."
        ),
        "body_en": (
            "Personal data is processed under the General Data Protection Regulation (EU) "
            "2016/679 (GDPR), the Patient Data Act (2008:355) and the Public Access to "
            "Information and Secrecy Act (2009:400). The controller of the processing within the "
            "collaboration is {data_controller}.\n"
            "No personal data or data about patients' health may leave the region until a data "
            "processing agreement has been signed and the region has assessed that the transfer "
            "is compatible with secrecy. Data may not be transferred to a country outside the "
            "EU/EEA without a basis in chapter V of the GDPR. The company only receives "
            "de-identified data unless the patient has consented and the law allows it. "
            "Personal data breaches shall be reported to the region without delay."
        ),
        "variables": [
            _var(
                "data_controller",
                "Personuppgiftsansvarig",
                "Data controller",
                "text",
                default_sv="regionen",
                default_en="the region",
            ),
        ],
        "collaboration_kinds": [TESTBED, CLINICAL, CODEV],
    },
    {
        "key": "compensation",
        "kind": "compensation",
        "order": 50,
        "title_sv": "Ersättning enligt regionens debiteringsmodell",
        "title_en": "Compensation under the region's billing model",
        "body_sv": (
            "Bolaget ersätter regionen för medarbetarnas tid och för testresurser enligt "
            "regionens debiteringsmodell, så att ersättningen motsvarar marknadsvärdet:\n"
            "- Medarbetartid: {staff_hours} timmar × {staff_rate} kr = {staff_total} kr\n"
            "- Testresurser: {test_resource_hours} timmar × {test_resource_rate} kr = "
            "{test_resource_total} kr\n"
            "Sammanlagt: {total_compensation} kr exklusive mervärdesskatt.\n"
            "Regionen fakturerar efter utfört arbete mot redovisad tid. Ingen annan ersättning, "
            "gåva eller förmån utgår till regionen eller dess medarbetare."
        ),
        "body_en": (
            "The company compensates the region for its staff's time and for test resources "
            "under the region's billing model, so that the compensation reflects market "
            "value:\n"
            "- Staff time: {staff_hours} hours × SEK {staff_rate} = SEK {staff_total}\n"
            "- Test resources: {test_resource_hours} hours × SEK {test_resource_rate} = "
            "SEK {test_resource_total}\n"
            "In total: SEK {total_compensation} excluding VAT.\n"
            "The region invoices for work done against reported time. No other payment, gift or "
            "benefit goes to the region or its staff."
        ),
        "variables": [
            _var("staff_hours", "Medarbetartid (timmar)", "Staff time (hours)", "number"),
            _var(
                "staff_rate", "Timpris medarbetare (kr)", "Hourly rate for staff (SEK)", "decimal"
            ),
            _var(
                "test_resource_hours", "Testresurser (timmar)", "Test resources (hours)", "number"
            ),
            _var(
                "test_resource_rate",
                "Timpris testresurser (kr)",
                "Hourly rate for test resources (SEK)",
                "decimal",
            ),
        ],
        "collaboration_kinds": [TESTBED, CLINICAL, CODEV, OTHER],
    },
    {
        "key": "publication",
        "kind": "publication",
        "order": 60,
        "title_sv": "Publicering av resultat",
        "title_en": "Publication of results",
        "body_sv": (
            "Regionen och deltagande forskare har rätt att publicera resultaten av samverkan, "
            "även vetenskapligt. Den part som vill publicera ska lämna ett utkast till övriga "
            "parter senast {publication_delay_days} dagar före publiceringen. Under den tiden "
            "får en part begära att konfidentiell information tas bort eller att publiceringen "
            "skjuts upp för att en patentansökan ska kunna lämnas in, men inte att resultat "
            "ändras eller undanhålls."
        ),
        "body_en": (
            "The region and participating researchers may publish the results of the "
            "collaboration, including in scientific journals. A party that wishes to publish "
            "shall give the other parties a draft at least {publication_delay_days} days before "
            "publication. During that time a party may ask for confidential information to be "
            "removed or for publication to be postponed so that a patent application can be "
            "filed, but not for results to be changed or withheld."
        ),
        "variables": [
            _var(
                "publication_delay_days",
                "Granskningstid före publicering (dagar)",
                "Review period before publication (days)",
                "number",
                default="30",
            ),
        ],
        "collaboration_kinds": [TESTBED, CLINICAL, CODEV],
    },
    {
        "key": "duration",
        "kind": "duration",
        "order": 70,
        "title_sv": "Avtalstid och uppsägning",
        "title_en": "Duration and ending",
        "body_sv": (
            "Avtalet gäller från och med {start_date} till och med {end_date}. En part får säga "
            "upp avtalet skriftligen med {notice_days} dagars uppsägningstid. En part får säga "
            "upp avtalet med omedelbar verkan om en annan part väsentligt bryter mot avtalet och "
            "inte rättar till det inom trettio dagar efter skriftlig anmodan, eller om "
            "patientsäkerheten kräver det.\n"
            "Bestämmelserna om immateriella rättigheter, sekretess, dataskydd och publicering "
            "gäller även efter att avtalet har upphört."
        ),
        "body_en": (
            "The agreement applies from {start_date} up to and including {end_date}. A party may "
            "end the agreement in writing with {notice_days} days' notice. A party may end the "
            "agreement with immediate effect if another party materially breaches it and does "
            "not put it right within thirty days of a written request, or if patient safety so "
            "requires.\n"
            "The provisions on intellectual property, confidentiality, data protection and "
            "publication continue to apply after the agreement has ended."
        ),
        "variables": [
            _var("start_date", "Startdatum", "Start date", "date"),
            _var("end_date", "Slutdatum", "End date", "date"),
            _var(
                "notice_days",
                "Uppsägningstid (dagar)",
                "Notice period (days)",
                "number",
                default="30",
            ),
        ],
        "collaboration_kinds": [],
    },
    {
        "key": "competition-neutrality",
        "kind": "competition",
        "order": 80,
        "title_sv": "Konkurrensneutralitet",
        "title_en": "Competition neutrality",
        "body_sv": (
            "Samverkan ger inte bolaget något försprång i en senare offentlig upphandling enligt "
            "lagen (2016:1145) om offentlig upphandling (LOU). Regionen får använda kunskap och "
            "resultat från samverkan, med undantag för konfidentiell information, i "
            "upphandlingsdokument och i dialog med andra leverantörer. Bolaget får inte delta i "
            "att utforma regionens kravspecifikation på ett sätt som gynnar bolaget.\n"
            "Samverkan sker öppet och i enlighet med SKR:s och Swedish Medtechs "
            "samverkansregler. Att avtalet finns och vad det syftar till är offentligt."
        ),
        "body_en": (
            "The collaboration gives the company no head start in a later public procurement "
            "under the Public Procurement Act (2016:1145, LOU). The region may use knowledge and "
            "results from the collaboration, except confidential information, in procurement "
            "documents and in dialogue with other suppliers. The company may not take part in "
            "drawing up the region's requirements in a way that favours the company.\n"
            "The collaboration is carried out openly and under the collaboration rules of SKR "
            "and Swedish Medtech. That the agreement exists, and its purpose, are public."
        ),
        "variables": [],
        "collaboration_kinds": [],
    },
]


def load(apps, schema_editor):
    Clause = apps.get_model("partnerships", "Clause")
    for data in CLAUSES:
        Clause.objects.update_or_create(key=data["key"], defaults={**data, "active": True})


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_default_process_template")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
