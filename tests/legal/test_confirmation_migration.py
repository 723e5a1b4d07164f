"""The migrations that bring confirmation (legal 0004 to 0006): every booking made
before stays held, confirmed as of its booking moment, and its e-mail address gets
the key the limit per address compares."""

from datetime import date, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import taipei

BEFORE = [("legal", "0003_booking_numbers_six_digits")]
AFTER = [("legal", "0006_booking_confirmation_constraints")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_bookings_made_before_stay_held_and_confirmed():
    from yankao.legal.services import venues_load
    from yankao.organisation.services import city_load

    city_load()
    venues_load()
    old = _migrate(BEFORE)
    try:
        Venue, Session = old.get_model("legal", "Venue"), old.get_model("legal", "Session")
        Booking = old.get_model("legal", "Booking")
        session = Session.objects.create(
            venue=Venue.objects.get(key="service-centre"),
            date=date(2026, 11, 10),
            starts_at=time(14),
            ends_at=time(16),
            slot_minutes=30,
            slot_count=4,
            created_at=taipei(2026, 11, 1),
        )
        common = {
            "session": session,
            "channel": "web",
            "topic": "civil",
            "question": "押金",
            "citizen_name": "林美玲",
            "citizen_phone": "0912-345-678",
            "phone_digits": "0912345678",
            "code_digest": "x",
            "consent_at": taipei(2026, 11, 2, 9),
        }
        Booking.objects.create(
            number="L1151102-000001",
            slot=0,
            status="booked",
            citizen_email="Mei.Lin+Legal@Example.org",
            booked_at=taipei(2026, 11, 2, 9),
            **common,
        )
        Booking.objects.create(
            number="L1151102-000002",
            slot=1,
            status="cancelled",
            cancelled_at=taipei(2026, 11, 3),
            booked_at=taipei(2026, 11, 2, 10),
            **common,
        )
    finally:
        new = _migrate(AFTER)
    rows = {row.number: row for row in new.get_model("legal", "Booking").objects.order_by("number")}
    held, cancelled = rows["L1151102-000001"], rows["L1151102-000002"]
    assert (held.status, held.confirmed_at) == ("booked", taipei(2026, 11, 2, 9))
    assert held.email_key == "mei.lin@example.org"
    assert cancelled.confirmed_at == taipei(2026, 11, 2, 10) and cancelled.email_key == ""
    assert held.hold_until is None and held.released_at is None
