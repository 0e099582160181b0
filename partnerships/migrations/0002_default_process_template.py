"""The default Co-sharing process template (six steps, Swedish and English)."""

from django.db import migrations


def load(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
