"""The reporter's own choice to be listed publicly (Open311's GET requests), and
the index Open311's list of one class reads in place of the channel's. Every
ticket starts unpublished: open311's migration 0002 publishes those that came in
through an Open311 POST (see ADR 0025)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0007_ticketphoto_uploaded_by_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="published",
            field=models.BooleanField(
                db_default=False,
                default=False,
                verbose_name="listed publicly at the reporter's choice",
            ),
        ),
        migrations.RemoveIndex(model_name="ticket", name="ticket_class_channel"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("published", True)),
                fields=["ticket_class", "item"],
                name="ticket_class_published",
            ),
        ),
    ]
