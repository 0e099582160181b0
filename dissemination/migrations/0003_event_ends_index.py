"""The calendar lists the events that have not ended yet (or are postponed): an index on the end,
so PostgreSQL ORs it with the status index instead of reading every event."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dissemination", "0002_registration_contact_consent"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["ends_at"], name="event_ends_idx"),
        ),
    ]
