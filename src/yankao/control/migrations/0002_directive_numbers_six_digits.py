"""Directive numbers take the six-digit sequence every reference number now has
(core.numbering.WIDTH): 指115-00001 becomes 指115-000001, so old and new numbers
of a year look alike and sort together. The number lives on the tracked item
(the history refers to the item, not to its number). One UPDATE through the
(kind, number) index, with functions both SQLite and PostgreSQL have (Django's
LPad), so a large table is not read into Python."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Left, LPad, Substr

PREFIX = len("指115-")
OLD, NEW = 5, 6


def pad(apps, schema_editor):
    TrackedItem = apps.get_model("tracking", "TrackedItem")
    TrackedItem.objects.filter(
        kind="directive", number__regex=rf"^指[0-9]{{3}}-[0-9]{{1,{NEW - 1}}}$"
    ).update(
        number=Concat(Left("number", PREFIX), LPad(Substr("number", PREFIX + 1), NEW, Value("0")))
    )


def unpad(apps, schema_editor):
    TrackedItem = apps.get_model("tracking", "TrackedItem")
    zeros = NEW - OLD
    TrackedItem.objects.filter(
        kind="directive", number__regex=rf"^指[0-9]{{3}}-0{{{zeros}}}[0-9]{{{OLD}}}$"
    ).update(number=Concat(Left("number", PREFIX), Substr("number", PREFIX + zeros + 1)))


class Migration(migrations.Migration):
    dependencies = [
        ("control", "0001_initial"),
        ("tracking", "0003_open_items_by_agency"),
    ]

    operations = [migrations.RunPython(pad, unpad, elidable=True)]
