"""The compilation's three orders (newest, most met, most severe) each end in the newest first and
the id, its tie-breaker: a page is a walk along one index, and a deep page's ids are read from the
index alone (portal.core.paging.page_rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("obstacles", "0003_search"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="obstacle", name="obstacle_pub_idx"),
        migrations.RemoveIndex(model_name="obstacle", name="obstacle_sev_idx"),
        migrations.RemoveIndex(model_name="obstacle", name="obstacle_met_idx"),
        migrations.AddIndex(
            model_name="obstacle",
            index=models.Index(fields=["status", "-published_at", "-id"], name="obstacle_pub_idx"),
        ),
        migrations.AddIndex(
            model_name="obstacle",
            index=models.Index(
                fields=["status", "-severity", "-published_at", "-id"], name="obstacle_sev_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="obstacle",
            index=models.Index(
                fields=["status", "-endorsement_count", "-published_at", "-id"],
                name="obstacle_met_idx",
            ),
        ),
    ]
