"""The clause library for agreements (Swedish and English)."""

from django.db import migrations


def load(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_default_process_template")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
