"""Every booking made before confirmation existed was held at once (ADR 0022): it is
confirmed as of its booking moment (one UPDATE), and its e-mail address gets the key
the limit per address compares. Its own migration: on PostgreSQL, rows changed in
the transaction that then builds indexes or constraints on the table make it fail
("pending trigger events"), so 0004 adds the columns and 0006 the constraints."""

from django.db import migrations
from django.db.models import F

BATCH = 1000


def email_key(email):
    # The service's rule (yankao.legal.services.email_key), frozen here as it was.
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return ""
    return f"{local.split('+', 1)[0]}@{domain}"


def confirm_existing(apps, schema_editor):
    Booking = apps.get_model("legal", "Booking")
    Booking.objects.filter(confirmed_at__isnull=True).update(confirmed_at=F("booked_at"))
    batch = []
    for booking in Booking.objects.exclude(citizen_email="").only("pk", "citizen_email").iterator(
        chunk_size=BATCH
    ):
        booking.email_key = email_key(booking.citizen_email)
        batch.append(booking)
        if len(batch) == BATCH:
            Booking.objects.bulk_update(batch, ["email_key"])
            batch = []
    Booking.objects.bulk_update(batch, ["email_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('legal', '0004_booking_confirmation'),
    ]

    operations = [
        migrations.RunPython(confirm_existing, migrations.RunPython.noop),
    ]
