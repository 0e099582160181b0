"""The nine obstacle categories of DOMAIN.md and the four affected actors, in both languages.

Categories follow those used in Swedish reports (e.g. Socialstyrelsen's study of opportunities
and obstacles for innovation in health and care). `load` is idempotent (tests call it again after
a flush): it creates missing rows and leaves existing ones, which admins may have reworded.
"""

from django.db import migrations

CATEGORIES = [
    (
        "regulation-mdr",
        "Regelverk och medicintekniska produkter (MDR/IVDR, CE-märkning)",
        "Regulation and medical-device law (MDR / IVDR, CE marking)",
        "Klassning, CE-märkning, klinisk prövning och krav enligt MDR och IVDR.",
        "Classification, CE marking, clinical investigations and MDR / IVDR requirements.",
    ),
    (
        "data-protection-cloud",
        "Dataskydd, sekretess och molntjänster (GDPR, PDL, OSL, tredjelandsöverföring)",
        "Data protection, secrecy and cloud services (GDPR, Patient Data Act, Secrecy Act, "
        "third-country transfers)",
        "Personuppgifter, patientdatalagen, offentlighets- och sekretesslagen och molntjänster.",
        "Personal data, the Patient Data Act, the Secrecy Act and cloud services.",
    ),
    (
        "procurement-lou",
        "Offentlig upphandling och konkurrensneutralitet (LOU)",
        "Public procurement and competition neutrality (LOU)",
        "Hur samverkan förhåller sig till en senare upphandling enligt LOU.",
        "How collaboration relates to a later procurement under LOU.",
    ),
    (
        "financing",
        "Finansiering, ersättning och debiteringsmodeller",
        "Financing, reimbursement and billing models",
        "Vem betalar för personalens tid, testresurser och införande.",
        "Who pays for staff time, test resources and implementation.",
    ),
    (
        "organisation-culture",
        "Organisation, ledarskap och kultur (tid för personal, ledningsförankring)",
        "Organisation, leadership and culture (time for staff, management anchoring)",
        "Tid i vården, ledningens stöd och förankring.",
        "Time in care units, management support and anchoring.",
    ),
    (
        "competence-capacity",
        "Kompetens och kapacitet",
        "Competence and capacity",
        "Kunskap och resurser hos region och företag.",
        "Knowledge and resources in the region and the company.",
    ),
    (
        "it-interoperability",
        "IT-infrastruktur och interoperabilitet (journalintegration, standarder)",
        "IT infrastructure and interoperability (EHR integration, standards)",
        "Integration med journalsystem, standarder och teknisk infrastruktur.",
        "EHR integration, standards and technical infrastructure.",
    ),
    (
        "evidence-evaluation",
        "Evidens, utvärdering och hälsoekonomi",
        "Evidence, evaluation and health economics",
        "Att visa nytta, effekt och kostnadseffektivitet.",
        "Showing benefit, effect and cost-effectiveness.",
    ),
    (
        "agreements-ip",
        "Avtal, immateriella rättigheter och kontrakt",
        "Agreements, intellectual property and contracts",
        "Avtalsformer, äganderätt till resultat och sekretessavtal.",
        "Types of agreement, ownership of results and confidentiality agreements.",
    ),
]

ACTORS = [
    ("healthcare", "Hälso- och sjukvården", "Healthcare"),
    ("company", "Företag", "Companies"),
    ("academia", "Akademin", "Academia"),
    ("patients", "Patienter och närstående", "Patients and next of kin"),
]


def load(apps, schema_editor):
    Category = apps.get_model("obstacles", "Category")
    Actor = apps.get_model("obstacles", "Actor")
    for order, (slug, name_sv, name_en, desc_sv, desc_en) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_sv": name_sv,
                "name_en": name_en,
                "description_sv": desc_sv,
                "description_en": desc_en,
                "order": order * 10,
            },
        )
    for order, (slug, name_sv, name_en) in enumerate(ACTORS, start=1):
        Actor.objects.get_or_create(
            slug=slug, defaults={"name_sv": name_sv, "name_en": name_en, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("obstacles", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
