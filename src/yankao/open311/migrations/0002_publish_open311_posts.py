"""Publish what was posted through Open311, and only that.

Until now GET requests listed every petition on the app channel and every ticket
on the app or Open311 channel, whoever registered it: a staff API client sending
`channel=app` made a petition public. From now on a request is listed when its
sender chose so (the `published` flag). A request posted through Open311 was
sent to a public service whose notice said its description, place and status
would be public, so its item is published; every other item stays unpublished,
whatever its channel (ADR 0025)."""

from django.conf import settings
from django.db import migrations

DISPATCH = "yankao.dispatch" in settings.INSTALLED_APPS


def publish_posted(apps, schema_editor):
    posted = apps.get_model("open311", "ServiceRequest").objects.values("item_id")
    apps.get_model("petitions", "Petition").objects.filter(item_id__in=posted).update(
        published=True
    )
    if DISPATCH:
        apps.get_model("dispatch", "Ticket").objects.filter(item_id__in=posted).update(
            published=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("petitions", "0011_petition_published"),
        *([("dispatch", "0008_ticket_published")] if DISPATCH else []),
    ]

    operations = [migrations.RunPython(publish_posted, migrations.RunPython.noop)]
