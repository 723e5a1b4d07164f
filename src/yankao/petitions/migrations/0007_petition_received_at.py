"""Petitions keep their item's receipt time, so that possible duplicates (same
category family, district and time window) are read from one index."""

from django.db import migrations, models

BACKFILL = """
UPDATE petitions_petition SET received_at = (
    SELECT tracking_trackeditem.received_at FROM tracking_trackeditem
    WHERE tracking_trackeditem.id = petitions_petition.item_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0006_queued_intake"),
        ("tracking", "0003_open_items_by_agency"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="received_at",
            field=models.DateTimeField(null=True, verbose_name="received at"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="petition",
            name="received_at",
            field=models.DateTimeField(verbose_name="received at"),
        ),
        migrations.RemoveIndex(model_name="petition", name="petition_category"),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                fields=["category", "district", "received_at"], name="petition_category_time"
            ),
        ),
    ]
