"""Calls get a client token (double submits of the create form make one call).

Existing calls each get their own random token before the column becomes unique and required.
"""

import uuid

from django.db import migrations, models


def give_each_call_a_token(apps, schema_editor):  # type: ignore[no-untyped-def]
    Call = apps.get_model("partnerships", "Call")
    for pk in Call.objects.filter(client_token__isnull=True).values_list("pk", flat=True):
        Call.objects.filter(pk=pk).update(client_token=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0004_event_texts_in_each_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="client_token",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_call_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="call",
            name="client_token",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
