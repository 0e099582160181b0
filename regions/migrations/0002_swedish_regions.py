"""The 21 Swedish regions (county code, Swedish and English name). The four that took part in
Innovation Accelerators (Vinnova 2017-02464) are flagged as participating."""

from django.db import migrations

REGIONS = [
    ("01", "Region Stockholm", "Region Stockholm", "stockholm", False),
    ("03", "Region Uppsala", "Region Uppsala", "uppsala", True),
    ("04", "Region Sörmland", "Region Sörmland", "sormland", False),
    ("05", "Region Östergötland", "Region Östergötland", "ostergotland", True),
    ("06", "Region Jönköpings län", "Region Jönköping County", "jonkoping", False),
    ("07", "Region Kronoberg", "Region Kronoberg", "kronoberg", False),
    ("08", "Region Kalmar län", "Region Kalmar County", "kalmar", False),
    ("09", "Region Gotland", "Region Gotland", "gotland", False),
    ("10", "Region Blekinge", "Region Blekinge", "blekinge", False),
    ("12", "Region Skåne", "Region Skåne", "skane", False),
    ("13", "Region Halland", "Region Halland", "halland", False),
    ("14", "Västra Götalandsregionen", "Region Västra Götaland", "vastra-gotaland", True),
    ("17", "Region Värmland", "Region Värmland", "varmland", False),
    ("18", "Region Örebro län", "Region Örebro County", "orebro", False),
    ("19", "Region Västmanland", "Region Västmanland", "vastmanland", False),
    ("20", "Region Dalarna", "Region Dalarna", "dalarna", False),
    ("21", "Region Gävleborg", "Region Gävleborg", "gavleborg", False),
    ("22", "Region Västernorrland", "Region Västernorrland", "vasternorrland", False),
    ("23", "Region Jämtland Härjedalen", "Region Jämtland Härjedalen", "jamtland-harjedalen", False),
    ("24", "Region Västerbotten", "Region Västerbotten", "vasterbotten", True),
    ("25", "Region Norrbotten", "Region Norrbotten", "norrbotten", False),
]


def load_regions(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    for code, name_sv, name_en, slug, participating in REGIONS:
        Region.objects.update_or_create(
            code=code,
            defaults={
                "name_sv": name_sv,
                "name_en": name_en,
                "slug": slug,
                "participating": participating,
            },
        )


def unload_regions(apps, schema_editor):
    apps.get_model("regions", "Region").objects.filter(code__in=[r[0] for r in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load_regions, unload_regions)]
