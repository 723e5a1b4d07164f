"""Booking numbers and the private codes that let a citizen see or cancel a booking.

As with the petition mailbox's verification code (docs/adr/0005), a code is 8
characters of an unambiguous alphabet (40 bits), stored only as a keyed
HMAC-SHA256: it unlocks one booking's time and the cancel button, a copy of the
database without the secret key reveals nothing, and booking must stay fast.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from yankao.calendar.roc import roc_year
from yankao.core.numbering import next_value


def booking_number(booked_at: datetime) -> str:
    """L1151126-0042: the ROC date of booking and a sequence through the ROC year.
    Call inside the booking's transaction (see next_value)."""
    day = timezone.localtime(booked_at).date()
    year = roc_year(day)
    return f"L{year:03d}{day.month:02d}{day.day:02d}-{next_value(f'legal-{year}'):04d}"
