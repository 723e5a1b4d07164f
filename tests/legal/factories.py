"""One factory per model of the legal consultation tests."""

from __future__ import annotations

from datetime import date, time
from itertools import count

from tests.factories import taipei
from yankao.core import clock
from yankao.legal import services
from yankao.legal.models import Booking, Lawyer, Session, Venue, slot_count_for

NOW = taipei(2026, 11, 2, 9, 0)  # Monday
TUESDAY = date(2026, 11, 10)
_licences = count(1)


def lawyer(name: str = "王律師") -> Lawyer:
    return services.lawyer_create(name=name, licence_number=f"T-{next(_licences):05d}")


def session(
    venue: Venue,
    day: date = TUESDAY,
    starts: time = time(14, 0),
    ends: time = time(16, 0),
    lawyer: Lawyer | None = None,
) -> Session:
    return Session.objects.create(
        venue=venue,
        date=day,
        starts_at=starts,
        ends_at=ends,
        slot_minutes=venue.slot_minutes,
        slot_count=slot_count_for(starts, ends, venue.slot_minutes),
        lawyer=lawyer,
        created_at=NOW,
    )


_phones = count(100)


def booking(
    a_session: Session,
    slot: int = 0,
    *,
    phone: str | None = None,
    email: str | None = None,
    topic: str = "civil",
    by=None,
    at=None,
    confirm: bool = True,
    client_address: str = "",
) -> services.Booked:
    """A booking on the web (by=None) or by staff; a web booking is confirmed with
    the code the service sent, unless `confirm` is False. Each gets its own phone
    and e-mail unless given, so the limits per contact do not meet by chance."""
    number = next(_phones)
    with clock.frozen(at or NOW):
        booked = services.booking_create(
            session=a_session,
            slot=slot,
            name="林美玲",
            phone=phone or f"0912-345-{number:03d}",
            email=f"citizen{number}@example.org" if email is None else email,
            topic=topic,
            question="房東不退押金，該怎麼辦？",
            consent=True,
            by=by,
            client_address=client_address,
        )
        if confirm and booked.confirmation:
            confirmed = services.booking_confirm(booking=booked.booking, code=booked.confirmation)
            booked = services.Booked(booking=confirmed, code=booked.code)
    return booked


def refresh(booking: Booking) -> Booking:
    return Booking.objects.get(pk=booking.pk)
