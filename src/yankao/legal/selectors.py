"""Reads of legal consultations that follow rules: what the public may book, the
sessions a user's scope covers, a booking for its number and code.

A slot is taken by a booking that holds it (`models.holding_q`): a confirmed one
not released, or one waiting for its confirmation code while its hold runs. A
hold that has run out takes nothing, whether or not a task has written it down
yet, so what the public sees never waits for the task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from yankao.accounts.models import User
from yankao.core import clock
from yankao.core.codes import LEGAL_BOOKING
from yankao.core.numbering import BOOKING_NUMBERS
from yankao.core.taipei import to_taipei
from yankao.legal.models import (
    Booking,
    BookingStatus,
    Session,
    SessionStatus,
    Venue,
    WaitlistEntry,
    holding_q,
)
from yankao.legal.services import rule
from yankao.organisation.scoping import agency_scope_q


@dataclass(frozen=True)
class Slot:
    index: int
    starts: datetime
    ends: datetime
    free: bool


def venues_open() -> QuerySet[Venue]:
    return Venue.objects.filter(is_active=True).select_related("district", "agency")


def public_window(now: datetime | None = None) -> tuple[date, date]:
    today = to_taipei(now or clock.now()).date()
    return today, today + timedelta(days=rule("YANKAO_LEGAL_BOOKING_DAYS_AHEAD"))


def with_taken(sessions: QuerySet[Session], now: datetime | None = None) -> QuerySet[Session]:
    """Each session with `taken` (slots held at `now`) and `waiting` (of those, by
    bookings still waiting for their confirmation code)."""
    now = now or clock.now()
    waiting = Q(bookings__status=BookingStatus.PENDING, bookings__hold_until__gt=now)
    return sessions.annotate(
        taken=Count("bookings", filter=holding_q(now, prefix="bookings__")),
        waiting=Count("bookings", filter=waiting),
    )


def sessions_bookable(venue: Venue | None = None, *, now: datetime | None = None) -> list[Session]:
    """Scheduled sessions in the public booking window with at least one slot a
    citizen may still book, each with `free` (its free slots) and `free_slots` (how
    many). Two queries, however many sessions."""
    now = now or clock.now()
    first, last = public_window(now)
    sessions = Session.objects.filter(
        status=SessionStatus.SCHEDULED, date__gte=first, date__lte=last, venue__is_active=True
    ).select_related("venue")
    if venue is not None:
        sessions = sessions.filter(venue=venue)
    rows = list(
        with_taken(sessions, now).order_by("date", "starts_at", "venue__sort_order", "desk")
    )
    taken = _taken_slots([s.pk for s in rows], now)
    result = []
    for session in rows:
        slots = session_slots(session, taken.get(session.pk, set()), now=now, public=True)
        free = [slot for slot in slots if slot.free]
        session.free = free  # type: ignore[attr-defined]
        session.free_slots = len(free)  # type: ignore[attr-defined]
        if free:
            result.append(session)
    return result


def _taken_slots(session_ids: list[int], now: datetime) -> dict[int, set[int]]:
    taken: dict[int, set[int]] = {}
    rows = Booking.objects.filter(holding_q(now), session_id__in=session_ids).values_list(
        "session_id", "slot"
    )
    for session_id, slot in rows:
        taken.setdefault(session_id, set()).add(slot)
    return taken


def session_slots(
    session: Session,
    taken: set[int] | None = None,
    *,
    now: datetime | None = None,
    public: bool = True,
) -> list[Slot]:
    """The session's slots; a slot is free when nobody holds it and it may still be
    booked (by the public until the closing minutes before it, by staff until it ends)."""
    now = now or clock.now()
    if taken is None:
        taken = _taken_slots([session.pk], now).get(session.pk, set())
    close = timedelta(minutes=rule("YANKAO_LEGAL_BOOKING_CLOSE_MINUTES")) if public else None
    slots = []
    for index in range(session.slot_count):
        starts, ends = session.slot_start(index), session.slot_end(index)
        in_time = now < starts - close if close is not None else now < ends
        free = index not in taken and in_time and not session.is_cancelled
        slots.append(Slot(index=index, starts=starts, ends=ends, free=free))
    return slots


def session_group(session: Session) -> list[Session]:
    """The session and those held beside it at the same venue and time (several
    lawyers at once), desk order. Citizens choose a time; any desk will do."""
    return list(
        Session.objects.filter(
            venue_id=session.venue_id,
            date=session.date,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            slot_minutes=session.slot_minutes,
            status=SessionStatus.SCHEDULED,
        )
        .select_related("venue")
        .order_by("desk", "pk")
    )


def group_slots(
    group: list[Session], *, now: datetime | None = None, public: bool = True
) -> tuple[list[Slot], dict[int, list[Session]]]:
    """The times of a group of sessions, each free when one desk has it free, and
    for each time the sessions (desks) that have it free, first desk first."""
    now = now or clock.now()
    taken = _taken_slots([s.pk for s in group], now)
    by_index: dict[int, list[Session]] = {}
    merged: dict[int, Slot] = {}
    for session in group:
        for slot in session_slots(session, taken.get(session.pk, set()), now=now, public=public):
            if slot.free:
                by_index.setdefault(slot.index, []).append(session)
            if slot.index not in merged or slot.free:
                merged[slot.index] = slot
    return [merged[i] for i in sorted(merged)], by_index


def session_public(pk: int) -> Session:
    """A session the public may open: scheduled, in the booking window, or 404."""
    first, last = public_window()
    return get_object_or_404(
        Session.objects.select_related("venue"),
        pk=pk,
        status=SessionStatus.SCHEDULED,
        venue__is_active=True,
        date__gte=first,
        date__lte=last,
    )


def sessions_visible_to(user: User) -> QuerySet[Session]:
    """Sessions at the venues of the agencies in the user's scope."""
    return Session.objects.filter(agency_scope_q(user, "venue__agency"))


def session_for_user(user: User, pk: int) -> Session:
    return get_object_or_404(
        sessions_visible_to(user).select_related("venue__agency", "lawyer"), pk=pk
    )


def booking_for_user(user: User, session: Session, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("session__venue"), session=session, pk=pk
    )


def session_day_sheet(session: Session) -> list[Booking]:
    """Every booking of the session, slot order, cancelled ones last. One query."""
    bookings = Booking.objects.filter(session=session).select_related("session__venue")
    return sorted(bookings, key=lambda b: (b.status == BookingStatus.CANCELLED, b.slot, b.pk))


def booking_by_number_and_code(number: str, code: str) -> Booking | None:
    """The public look-up: a booking only for its number with its code. The number
    may be typed as it was printed before numbers had six digits (L1151126-0042)."""
    booking = (
        Booking.objects.filter(number=BOOKING_NUMBERS.normalise(number))
        .select_related("session__venue")
        .first()
    )
    digest = booking.code_digest if booking else ""
    return booking if LEGAL_BOOKING.matches(code, digest) else None


def full_days(venue: Venue, bookable: list[Session], *, now: datetime | None = None) -> list[date]:
    """The days in the booking window with a session at the venue but no free time
    left: the days one may wait for. `bookable` is sessions_bookable(venue)."""
    today, last = public_window(now)
    first = today + timedelta(days=1)  # today's times are passing; nobody waits for them
    held = set(
        Session.objects.filter(
            venue=venue, status=SessionStatus.SCHEDULED, date__gte=first, date__lte=last
        ).values_list("date", flat=True)
    )
    return sorted(held - {session.date for session in bookable})


def waitlist_of(session: Session) -> list[WaitlistEntry]:
    return list(WaitlistEntry.objects.filter(venue_id=session.venue_id, date=session.date))
