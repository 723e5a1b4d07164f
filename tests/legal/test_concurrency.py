"""Two citizens can never take the same slot, however close together they press the
button: PostgreSQL with real threads (SQLite's in-memory test database cannot be
shared by threads; there the IMMEDIATE transactions queue writers anyway)."""

import threading

import pytest
from django.db import connection

from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import Booking
from yankao.legal.services import LegalError, SlotTaken, booking_create, venues_load
from yankao.organisation.services import city_load


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_leave_exactly_one(settings):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL suite (DATABASE_URL=postgres://…)")
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    city_load()
    venues_load()
    from yankao.legal.models import Venue

    session = factories.session(Venue.objects.get(key="service-centre"))
    start = threading.Barrier(8)
    won: list[str] = []
    refused: list[Exception] = []
    errors: list[BaseException] = []

    def book(n: int) -> None:
        try:
            start.wait()
            with clock.frozen(factories.NOW):
                booked = booking_create(
                    session=session,
                    slot=2,
                    name=f"市民{n}",
                    phone=f"0912-000-{n:03d}",
                    email=f"citizen{n}@example.org",
                    topic="civil",
                    question="同時預約",
                    consent=True,
                )
            won.append(booked.booking.number)
        except SlotTaken as error:
            refused.append(error)
        except LegalError as error:  # pragma: no cover - would be a wrong refusal
            errors.append(error)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(won) == 1 and len(refused) == 7
    assert Booking.objects.filter(session=session, slot=2).count() == 1
