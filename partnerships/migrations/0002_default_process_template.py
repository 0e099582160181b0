"""The default Co-sharing process template (six steps, Swedish and English).

Grounded in VGR's innovation process, Region Skåne's Spelplanen and the SKR / Swedish Medtech
collaboration rules. Guidance is a small, already sanitised HTML subset (see
services.process.clean_guidance), so pages may render it as is.
"""

from django.db import migrations

FAMILY = "co-sharing"

STEPS = [
    {
        "key": "entry",
        "name_sv": "Inkommande och triage",
        "name_en": "Entry and triage",
        "gate_role": "coordinator",
        "guidance_sv": (
            "<p>Regionen har <strong>en väg in</strong>: varje förfrågan från ett företag "
            "registreras på ett ställe, så att den inte fastnar hos en enskild verksamhet.</p>"
            "<p>Ett triageforum bedömer förfrågan inom två till fyra veckor:</p>"
            "<ul><li><strong>Relevans</strong>: finns ett känt behov i vården som lösningen "
            "svarar mot?</li>"
            "<li><strong>Mognad</strong>: vilken TRL-nivå har lösningen, och är den "
            "CE-märkt? Om den är en medicinteknisk produkt: vilken klass enligt MDR eller "
            "IVDR?</li>"
            "<li><strong>Värd</strong>: vilken enhet, testbädd eller innovationsnod kan ta "
            "emot samverkan?</li></ul>"
            "<p>Ge företaget ett tydligt besked, även när svaret är nej, och dokumentera "
            "skälen.</p>"
        ),
        "guidance_en": (
            "<p>The region has <strong>one way in</strong> (en väg in): every company request is "
            "registered in one place, so that it does not get stuck with a single unit.</p>"
            "<p>A triage forum assesses the request within two to four weeks:</p>"
            "<ul><li><strong>Relevance</strong>: is there a known need in care that the "
            "solution answers?</li>"
            "<li><strong>Maturity</strong>: what TRL has the solution reached, and is it CE "
            "marked? If it is a medical device: which class under the MDR or IVDR?</li>"
            "<li><strong>Host</strong>: which unit, test bed or innovation node could take the "
            "collaboration on?</li></ul>"
            "<p>Give the company a clear answer, also when it is no, and record the "
            "reasons.</p>"
        ),
        "documents_sv": "Förfrågan eller förslaget från företaget\nTriageprotokoll",
        "documents_en": "The company's request or proposal\nTriage minutes",
        "checklist": [
            (
                "Förfrågan registrerad i en väg in",
                "Request registered in the one way in",
                "",
                "",
                True,
            ),
            (
                "Relevans och mognad (TRL, CE-märkning, MDR/IVDR-klass) bedömda",
                "Relevance and maturity (TRL, CE marking, MDR/IVDR class) assessed",
                "Använd triageforumets mall.",
                "Use the triage forum's template.",
                True,
            ),
            ("Värdenhet i vården utsedd", "Host unit in care appointed", "", "", True),
            ("Företaget har fått besked", "The company has been given an answer", "", "", False),
        ],
    },
    {
        "key": "needs",
        "name_sv": "Behovs- och nyttoanalys",
        "name_en": "Needs and benefit analysis",
        "gate_role": "sponsor",
        "guidance_sv": (
            "<p>Beskriv <strong>vårdens behov</strong> och vem som äger det i "
            "verksamheten: en behovsägare som kan avsätta tid för personalen.</p>"
            "<ul><li>Vilken nytta förväntas för patienter, personal och regionen?</li>"
            "<li>Vilken evidens finns hittills, och vad behöver samverkan visa?</li>"
            "<li>Vilka resurser krävs (personaltid, lokaler, testmiljö)?</li></ul>"
            "<p><strong>Förankring i ledningen</strong>: en sponsor i regionens ledning "
            "godkänner att samverkan går vidare. Erfarenheten från Innovationsacceleratorer "
            "är att förankringen är det som bär projekt hela vägen till införande.</p>"
        ),
        "guidance_en": (
            "<p>Describe <strong>the care need</strong> and who owns it in the care unit: a "
            "need owner who can set aside time for staff.</p>"
            "<ul><li>What benefit is expected for patients, staff and the region?</li>"
            "<li>What evidence is there so far, and what must the collaboration show?</li>"
            "<li>What resources are needed (staff time, premises, test environment)?</li></ul>"
            "<p><strong>Management anchoring</strong>: a sponsor in the region's management "
            "approves that the collaboration goes ahead. The lesson of the Innovation "
            "accelerators was that anchoring is what carries projects all the way to "
            "implementation.</p>"
        ),
        "documents_sv": "Behovsbeskrivning\nNyttoanalys\nBeslut om förankring",
        "documents_en": "Needs description\nBenefit analysis\nAnchoring decision",
        "checklist": [
            (
                "Behovsägare i verksamheten utsedd",
                "Need owner in the care unit appointed",
                "",
                "",
                True,
            ),
            (
                "Förväntad nytta och evidens beskrivna",
                "Expected benefit and evidence described",
                "",
                "",
                True,
            ),
            (
                "Resursbehov uppskattat",
                "Resource needs estimated",
                "Personaltid och testresurser enligt regionens debiteringsmodell.",
                "Staff time and test resources under the region's billing model.",
                True,
            ),
            ("Patientföreträdare tillfrågade", "Patient representatives consulted", "", "", False),
        ],
    },
    {
        "key": "agreement",
        "name_sv": "Avtal",
        "name_en": "Agreement",
        "gate_role": "parties",
        "guidance_sv": (
            "<p>Enligt SKR:s och Swedish Medtechs <strong>samverkansregler</strong> ska all "
            "samverkan mellan vården och industrin formaliseras genom beslut eller avtal.</p>"
            "<ul><li>Samverkansform: regionen som <strong>kund</strong> eller som "
            "<strong>utvecklingspartner</strong>.</li>"
            "<li>Immateriella rättigheter, sekretess och publiceringsrätt.</li>"
            "<li>Dataskydd och sekretess: GDPR, patientdatalagen och offentlighets- och "
            "sekretesslagen (OSL). Behövs ett personuppgiftsbiträdesavtal?</li>"
            "<li>Ersättning för personaltid och testresurser enligt regionens "
            "debiteringsmodell.</li>"
            "<li><strong>Konkurrensneutralitet</strong>: samverkan får inte ge företaget "
            "försprång i en senare offentlig upphandling (LOU).</li></ul>"
            "<p>Steget är klart när avtalet har godkänts av alla parter och gäller.</p>"
        ),
        "guidance_en": (
            "<p>Under the SKR / Swedish Medtech <strong>collaboration rules</strong> every "
            "collaboration between healthcare and industry is formalised by a decision or an "
            "agreement.</p>"
            "<ul><li>Kind of collaboration: the region as <strong>customer</strong> or as "
            "<strong>development partner</strong>.</li>"
            "<li>Intellectual property, confidentiality and publication rights.</li>"
            "<li>Data protection and secrecy: GDPR, the Patient Data Act and the Public Access "
            "to Information and Secrecy Act (OSL). Is a data processing agreement needed?</li>"
            "<li>Compensation for staff time and test resources under the region's billing "
            "model.</li>"
            "<li><strong>Competition neutrality</strong>: the collaboration must not give the "
            "company a head start in a later public procurement (LOU).</li></ul>"
            "<p>The step is done when every party has accepted the agreement and it is in "
            "force.</p>"
        ),
        "documents_sv": "Samverkansavtal\nPersonuppgiftsbiträdesavtal (vid behov)",
        "documents_en": "Collaboration agreement\nData processing agreement (if needed)",
        "checklist": [
            (
                "Samverkansform vald (kund eller utvecklingspartner)",
                "Kind of collaboration chosen (customer or development partner)",
                "",
                "",
                True,
            ),
            (
                "Dataskydd och sekretess bedömda (GDPR, patientdatalagen, OSL)",
                "Data protection and secrecy assessed (GDPR, Patient Data Act, OSL)",
                "Ta hjälp av dataskyddsombudet.",
                "Ask the data protection officer.",
                True,
            ),
            (
                "Ersättning enligt debiteringsmodellen överenskommen",
                "Compensation under the billing model agreed",
                "",
                "",
                True,
            ),
            (
                "Konkurrensneutralitet prövad (LOU)",
                "Competition neutrality checked (LOU)",
                "",
                "",
                True,
            ),
            ("Jurist har granskat avtalet", "A lawyer has reviewed the agreement", "", "", False),
        ],
    },
    {
        "key": "test",
        "name_sv": "Test och samskapande",
        "name_en": "Test and co-creation",
        "gate_role": "coordinator",
        "guidance_sv": (
            "<p>Genomför piloten eller testet i en <strong>testbädd</strong> eller klinik, "
            "enligt en testplan som alla parter känner till.</p>"
            "<ul><li>Vilka aktiviteter görs, av vem och när?</li>"
            "<li>Hur hanteras patientdata under testet, och vem får se den?</li>"
            "<li>Notera <strong>hinder</strong> ni möter: de blir underlag för "
            "hinderkatalogen.</li></ul>"
        ),
        "guidance_en": (
            "<p>Run the pilot or test in a <strong>test bed</strong> or clinic, following a "
            "test plan every party knows.</p>"
            "<ul><li>Which activities are done, by whom and when?</li>"
            "<li>How is patient data handled during the test, and who may see it?</li>"
            "<li>Note the <strong>obstacles</strong> you meet: they feed the obstacle "
            "compilation.</li></ul>"
        ),
        "documents_sv": "Testplan\nLogg över aktiviteter",
        "documents_en": "Test plan\nActivity log",
        "checklist": [
            ("Testplan godkänd av parterna", "Test plan agreed by the parties", "", "", True),
            ("Personal informerad och utbildad", "Staff informed and trained", "", "", True),
            ("Testet genomfört", "The test has been carried out", "", "", True),
            ("Hinder noterade", "Obstacles noted", "", "", False),
        ],
    },
    {
        "key": "evaluation",
        "name_sv": "Utvärdering",
        "name_en": "Evaluation",
        "gate_role": "coordinator",
        "guidance_sv": (
            "<p>Sammanställ <strong>resultaten</strong> och den evidens testet gav, mot de "
            "mål som sattes i behovsanalysen.</p>"
            "<ul><li>Vad lärde sig vårdenheten och företaget?</li>"
            "<li>Hälsoekonomi: vad kostar och vad sparar lösningen?</li>"
            "<li>Akademin kan bidra med en oberoende utvärdering.</li></ul>"
        ),
        "guidance_en": (
            "<p>Compile the <strong>results</strong> and the evidence the test gave, against "
            "the goals set in the needs analysis.</p>"
            "<ul><li>What did the care unit and the company learn?</li>"
            "<li>Health economics: what does the solution cost and save?</li>"
            "<li>Academia can contribute an independent evaluation.</li></ul>"
        ),
        "documents_sv": "Utvärderingsrapport",
        "documents_en": "Evaluation report",
        "checklist": [
            (
                "Resultat sammanställda mot målen",
                "Results compiled against the goals",
                "",
                "",
                True,
            ),
            (
                "Lärdomar från båda parter dokumenterade",
                "Lessons from both parties documented",
                "",
                "",
                True,
            ),
            ("Hälsoekonomisk bedömning gjord", "Health-economic assessment made", "", "", False),
        ],
    },
    {
        "key": "dissemination",
        "name_sv": "Spridning och införande",
        "name_en": "Dissemination and implementation",
        "gate_role": "coordinator",
        "guidance_sv": (
            "<p>Sprid lärdomarna: konferenser, webbinarier, workshoppar, poddar och "
            "rapporter.</p>"
            "<p>Fatta beslut om <strong>vägen till införande</strong>:</p>"
            "<ul><li><strong>Upphandling</strong> enligt LOU, där samverkan inte gett "
            "försprång;</li><li><strong>uppskalning</strong> till fler enheter; eller</li>"
            "<li><strong>avslut</strong>, med skälen dokumenterade.</li></ul>"
        ),
        "guidance_en": (
            "<p>Spread the lessons: conferences, webinars, workshops, podcasts and "
            "reports.</p>"
            "<p>Decide on <strong>the route to implementation</strong>:</p>"
            "<ul><li><strong>procurement</strong> under LOU, where the collaboration gave no "
            "head start;</li><li><strong>scale-up</strong> to more units; or</li>"
            "<li><strong>stop</strong>, with the reasons recorded.</li></ul>"
        ),
        "documents_sv": "Beslut om väg till införande\nSpridningsplan",
        "documents_en": "Decision on the route to implementation\nDissemination plan",
        "checklist": [
            ("Lärdomar spridda", "Lessons disseminated", "", "", True),
            (
                "Beslut om väg till införande fattat",
                "Decision on the route to implementation made",
                "",
                "",
                True,
            ),
            ("Evenemang registrerade i portalen", "Events registered in the portal", "", "", False),
        ],
    },
]


def load(apps, schema_editor):
    ProcessTemplate = apps.get_model("partnerships", "ProcessTemplate")
    ProcessStep = apps.get_model("partnerships", "ProcessStep")
    ChecklistItem = apps.get_model("partnerships", "ChecklistItem")
    if ProcessTemplate.objects.filter(family=FAMILY, revision=1).exists():
        return
    template = ProcessTemplate.objects.create(
        family=FAMILY,
        revision=1,
        is_current=True,
        region=None,
        name_sv="Samverkansprocessen (nationell standard)",
        name_en="The Co-sharing process (national default)",
        description_sv=(
            "Sex steg från en väg in till införande, byggda på SKR:s innovationsguide och "
            "samverkansreglerna."
        ),
        description_en=(
            "Six steps from one way in to implementation, built on SKR's innovation guide and "
            "the collaboration rules."
        ),
    )
    for order, data in enumerate(STEPS, start=1):
        step = ProcessStep.objects.create(
            template=template,
            order=order,
            key=data["key"],
            name_sv=data["name_sv"],
            name_en=data["name_en"],
            guidance_sv=data["guidance_sv"],
            guidance_en=data["guidance_en"],
            documents_sv=data["documents_sv"],
            documents_en=data["documents_en"],
            gate_role=data["gate_role"],
        )
        for item_order, (text_sv, text_en, help_sv, help_en, required) in enumerate(
            data["checklist"], start=1
        ):
            ChecklistItem.objects.create(
                step=step,
                order=item_order,
                text_sv=text_sv,
                text_en=text_en,
                help_sv=help_sv,
                help_en=help_en,
                required=required,
            )


def unload(apps, schema_editor):
    ProcessTemplate = apps.get_model("partnerships", "ProcessTemplate")
    ProcessTemplate.objects.filter(family=FAMILY, region__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
