"""The petitioner's own choice to be listed publicly (Open311's GET requests),
and the index Open311's list of one service reads in its place of the channel's.
Every petition starts unpublished: open311's migration 0002 publishes those that
came in through an Open311 POST (see ADR 0025)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        ("petitions", "0010_intake_code_sealed"),
        ("tracking", "0003_open_items_by_agency"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="published",
            field=models.BooleanField(
                db_default=False,
                default=False,
                verbose_name="listed publicly at the petitioner's choice",
            ),
        ),
        migrations.RemoveIndex(model_name="petition", name="petition_channel_time"),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("published", True)),
                fields=["category", "received_at", "item"],
                name="petition_published_time",
            ),
        ),
    ]
