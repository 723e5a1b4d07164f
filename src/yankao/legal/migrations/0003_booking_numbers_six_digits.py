"""Booking numbers take the six-digit sequence every reference number now has
(core.numbering.WIDTH): L1151126-0042 becomes L1151126-000042, so old and new
numbers of a year look alike and sort together. One UPDATE, with functions both
SQLite and PostgreSQL have (Django's LPad), so a large table is not read into
Python; the number is not copied anywhere else (outbox messages already sent
keep the number they were sent with, and the public look-up pads a short one)."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Left, LPad, Substr

PREFIX = len("L1151126-")
OLD, NEW = 4, 6


def pad(apps, schema_editor):
    Booking = apps.get_model("legal", "Booking")
    Booking.objects.filter(number__regex=rf"^L[0-9]{{7}}-[0-9]{{1,{NEW - 1}}}$").update(
        number=Concat(Left("number", PREFIX), LPad(Substr("number", PREFIX + 1), NEW, Value("0")))
    )


def unpad(apps, schema_editor):
    Booking = apps.get_model("legal", "Booking")
    zeros = NEW - OLD
    Booking.objects.filter(number__regex=rf"^L[0-9]{{7}}-0{{{zeros}}}[0-9]{{{OLD}}}$").update(
        number=Concat(Left("number", PREFIX), Substr("number", PREFIX + zeros + 1))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0002_waitlist"),
    ]

    operations = [migrations.RunPython(pad, unpad, elidable=True)]
