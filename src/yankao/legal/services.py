"""Every write to legal consultations goes through one of these functions:
keyword-only arguments, the actor passed in (None: the citizen on the public pages),
one transaction each. Permission checks belong to the caller (policy.py, the views
and the API); the rules of booking (free slot, time, limits, confirmation) live
here, so the pages, the staff desk and the API cannot disagree.

A citizen's booking (the web, the city's app) waits for the code sent to the
citizen's phone or e-mail and holds its slot only for a short while (ADR 0022); the
desk's bookings are confirmed when made."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.calendar.services import CalendarRangeError, is_working_day, next_working_day
from yankao.core import clock
from yankao.core.codes import LEGAL_BOOKING, LEGAL_CONFIRMATION, new_code, new_confirmation_code
from yankao.core.forms import phone_digits, phone_is_valid
from yankao.core.locks import lock_names
from yankao.core.numbering import BOOKING_NUMBERS
from yankao.core.ratelimits import network_digest
from yankao.core.taipei import to_taipei
from yankao.legal import notifications
from yankao.legal.models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    Advice,
    Booking,
    BookingChannel,
    BookingStatus,
    CancelledBy,
    ConfirmVia,
    Lawyer,
    PersonalDataAccess,
    ReleaseReason,
    Session,
    SessionStatus,
    Topic,
    Venue,
    WaitlistEntry,
    holding_q,
    open_q,
    slot_count_for,
)
from yankao.organisation.models import Agency, District
from yankao.organisation.services import city_data_dir

VENUE_FILE_COLUMNS = ["key", "name", "agency_key", "district_key", "address", "slot_minutes"]
LONGEST_ROTA_DAYS = 366


class LegalError(Exception):
    """A write this app refuses; the message is fit to show to the user."""


class SlotTaken(LegalError):
    """Someone else holds the slot (or took it a moment ago)."""


class LimitReached(LegalError):
    """A phone number, an e-mail address or a network address holds as many
    bookings as allowed. `per` says which: "month" (the monthly limit per phone),
    "phone", "email" or "address"."""

    def __init__(self, message: str, *, per: str) -> None:
        super().__init__(message)
        self.per = per


class ConfirmationFailed(LegalError):
    """A confirmation code was not accepted."""


class WrongCode(ConfirmationFailed):
    """The code is not the one sent; `attempts_left` more may be tried."""

    def __init__(self, message: str, *, attempts_left: int) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class NotWaiting(ConfirmationFailed):
    """The booking no longer waits for a code: confirmed already, released (its
    hold ran out, too many wrong codes, the desk) or cancelled."""


TOO_MANY_CODES = _(
    "We have sent as many codes to this phone number or e-mail address as we may in an hour. "
    "Please try again later, or book by calling 1999."
)


def rule(name: str) -> int:
    """A booking rule from the settings (see settings.py, YANKAO_LEGAL_*)."""
    return int(getattr(settings, name))


# --- reference data ----------------------------------------------------------------------


VENUES_FILE = "legal-venues.csv"


def _venues_file(city: str | None) -> str:
    return str(city_data_dir(city) / VENUES_FILE)


@transaction.atomic
def venues_load(*, city: str | None = None) -> int:
    """Create or update the city's venues from its data file (after the agencies and
    districts are loaded). Idempotent; returns how many venues the file names."""
    with open(_venues_file(city), encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != VENUE_FILE_COLUMNS:
            raise LegalError(f"{VENUES_FILE}: expected columns {VENUE_FILE_COLUMNS}")
        rows = list(reader)
    agencies = {a.key: a for a in Agency.objects.filter(key__in=[r["agency_key"] for r in rows])}
    districts = {d.key: d for d in District.objects.all()}
    for order, row in enumerate(rows):
        if row["agency_key"] not in agencies:
            raise LegalError(f"{VENUES_FILE}: unknown agency {row['agency_key']!r}")
        Venue.objects.update_or_create(
            key=row["key"],
            defaults={
                "name": row["name"],
                "agency": agencies[row["agency_key"]],
                "district": districts.get(row["district_key"]),
                "address": row["address"],
                "slot_minutes": int(row["slot_minutes"]),
                "sort_order": order,
            },
        )
    return len(rows)


@transaction.atomic
def lawyer_create(
    *,
    name: str,
    licence_number: str,
    bar_association: str = "高雄律師公會",
    phone: str = "",
    email: str = "",
) -> Lawyer:
    if Lawyer.objects.filter(licence_number=licence_number.strip()).exists():
        raise LegalError(_("A lawyer with this licence number is already registered."))
    return Lawyer.objects.create(
        name=name.strip(),
        licence_number=licence_number.strip(),
        bar_association=bar_association.strip(),
        phone=phone.strip(),
        email=email.strip(),
    )


# --- the rota -------------------------------------------------------------------------------


@dataclass
class RotaResult:
    created: list[Session] = field(default_factory=list)
    days_off: list[date] = field(default_factory=list)  # pattern days the calendar closes
    already_there: int = 0


def rota_days(
    *, first: date, last: date, weekdays: set[int], on_makeup_days: bool
) -> tuple[list[date], list[date]]:
    """The days of the pattern that the official calendar keeps open, and those it
    closes. A make-up working day (補行上班, a weekend day the calendar makes a
    working day) is a rota day when `on_makeup_days` is set. Weekdays never decide
    alone: a holiday on a pattern weekday is closed."""
    open_days: list[date] = []
    closed: list[date] = []
    day = first
    while day <= last:
        try:
            working = is_working_day(day)
        except CalendarRangeError as error:
            raise LegalError(
                _("%(day)s is outside the office calendar; load that year's calendar first.")
                % {"day": day.isoformat()}
            ) from error
        makeup = working and day.weekday() >= 5
        if day.weekday() in weekdays or (makeup and on_makeup_days):
            (open_days if working else closed).append(day)
        day += timedelta(days=1)
    return open_days, closed


def _check_pattern(first: date, last: date, weekdays: set[int], starts: time, ends: time) -> None:
    if last < first:
        raise LegalError(_("The last day is before the first day."))
    if (last - first).days >= LONGEST_ROTA_DAYS:
        raise LegalError(_("Generate a rota of at most one year at a time."))
    if not weekdays or not weekdays <= set(range(7)):
        raise LegalError(_("Choose at least one weekday."))
    if ends <= starts:
        raise LegalError(_("The session must end after it starts."))


@transaction.atomic
def rota_generate(
    *,
    venue: Venue,
    first: date,
    last: date,
    weekdays: set[int],
    starts_at: time,
    ends_at: time,
    lawyers: Sequence[Lawyer],
    by: User | None,
    desks: int = 1,
    on_makeup_days: bool = True,
) -> RotaResult:
    """Sessions at the venue on the pattern's days from `first` to `last`, skipping
    days off of the official calendar; `desks` lawyers sit at once. Lawyers take
    turns in the order given; a session that exists already is left as it is."""
    _check_pattern(first, last, weekdays, starts_at, ends_at)
    slots = slot_count_for(starts_at, ends_at, venue.slot_minutes)
    if slots < 1:
        raise LegalError(_("The session is shorter than one slot of this venue."))
    if not 1 <= desks <= 10:
        raise LegalError(_("Choose from 1 to 10 desks."))
    open_days, closed = rota_days(
        first=first, last=last, weekdays=weekdays, on_makeup_days=on_makeup_days
    )
    existing = set(
        Session.objects.filter(venue=venue, date__in=open_days, starts_at=starts_at).values_list(
            "date", "desk"
        )
    )
    result = RotaResult(days_off=closed)
    now = clock.now()
    turn = 0
    for day in open_days:
        for desk in range(1, desks + 1):
            if (day, desk) in existing:
                result.already_there += 1
                continue
            lawyer = lawyers[turn % len(lawyers)] if lawyers else None
            turn += 1
            result.created.append(
                Session(
                    venue=venue,
                    date=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    desk=desk,
                    slot_minutes=venue.slot_minutes,
                    slot_count=slots,
                    lawyer=lawyer,
                    created_at=now,
                    created_by=by,
                )
            )
    Session.objects.bulk_create(result.created)
    return result


def _locked_session(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("venue").get(pk=session.pk)


def _active_bookings(
    session: Session, statuses: Sequence[str] = (BookingStatus.BOOKED,)
) -> list[Booking]:
    return list(
        Booking.objects.select_for_update()
        .filter(session=session, status__in=statuses)
        .select_related("session__venue")
    )


@transaction.atomic
def session_cancel(*, session: Session, by: User | None, reason: str) -> int:
    """Cancel a session and every booking in it; the citizens are told by e-mail
    (those without one are on the day sheet, for a phone call). Returns how many
    bookings were cancelled."""
    session = _locked_session(session)
    if session.is_cancelled:
        raise LegalError(_("This session is already cancelled."))
    if not reason.strip():
        raise LegalError(_("Say why the session is cancelled."))
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason.strip()[:200]
    session.save(update_fields=["status", "cancel_reason"])
    now = clock.now()
    bookings = _active_bookings(session, OPEN_STATUSES)
    for booking in bookings:
        confirmed = booking.status == BookingStatus.BOOKED
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by = CancelledBy.SESSION
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        if confirmed:  # an unconfirmed contact may not be the citizen's: no message
            notifications.session_cancelled(booking, session.cancel_reason)
    return len(bookings)


@transaction.atomic
def sessions_cancel_for_day_off(*, day: date) -> int:
    """Cancel the scheduled sessions of a day the calendar now has off (a typhoon day
    declared by the city), giving the calendar's note as the reason. Returns how many
    bookings were cancelled. A day off revoked later leaves them cancelled: the
    citizens have been told."""
    from yankao.calendar.models import CalendarDay

    if is_working_day(day):
        return 0
    note = CalendarDay.objects.filter(date=day).values_list("note", flat=True).first()
    reason = note or str(_("The offices are closed that day."))
    sessions = Session.objects.filter(date=day, status=SessionStatus.SCHEDULED)
    return sum(session_cancel(session=s, by=None, reason=reason) for s in sessions)


@transaction.atomic
def session_lawyer_set(*, session: Session, lawyer: Lawyer | None, by: User) -> Session:
    """Swap the lawyer of a session (lawyers trade duties); the booked citizens are
    told that their time stays the same."""
    session = _locked_session(session)
    if session.is_cancelled:
        raise LegalError(_("This session is cancelled."))
    if session.lawyer_id == (lawyer.pk if lawyer else None):
        return session
    session.lawyer = lawyer
    session.save(update_fields=["lawyer"])
    change = f"{session.pk}-{lawyer.pk if lawyer else 0}-{clock.now():%Y%m%d%H%M%S}"
    if lawyer is not None:
        for booking in _active_bookings(session):
            notifications.lawyer_changed(booking, change)
    return session


# --- booking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    """A new booking, its private code and, when it waits for confirmation, the
    confirmation code sent to the citizen. Both codes exist only here: the database
    keeps keyed digests. The pages and the API show the private code, never the
    confirmation code (it proves that the phone or e-mail is the citizen's).
    `mailed`: whether the desk's confirmation with the code goes to the citizen by
    e-mail (not without an address, nor beyond the address's hourly confirmations)."""

    booking: Booking
    code: str
    confirmation: str = ""
    mailed: bool = False


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    return first, after


def _check_limit(digits: str, session: Session, now: datetime) -> None:
    """At most YANKAO_LEGAL_BOOKINGS_PER_MONTH bookings (not cancelled, nor waiting
    past their hold) per phone number for sessions in one calendar month; 0 turns
    the limit off."""
    limit = rule("YANKAO_LEGAL_BOOKINGS_PER_MONTH")
    if limit <= 0:
        return
    first, after = _month(session.date)
    # A booking released for a walk-in (the citizen did not come) still counts.
    taken = Q(status__in=ACTIVE_STATUSES) | Q(status=BookingStatus.PENDING, hold_until__gt=now)
    held = Booking.objects.filter(
        taken, phone_digits=digits, session__date__gte=first, session__date__lt=after
    ).count()
    if held >= limit:
        raise LimitReached(
            _(
                "This phone number already has %(count)d booking(s) this month, the most "
                "allowed. Cancel that booking first, or choose a day in another month."
            )
            % {"count": held},
            per="month",
        )


def email_key(email: str) -> str:
    """An e-mail address as the limit per address compares it: lower case, without
    the "+tag" many providers deliver to the same mailbox."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return ""
    return f"{local.split('+', 1)[0]}@{domain}"


def _check_open(*, digits: str, email: str, address: str, now: datetime) -> None:
    """At most YANKAO_LEGAL_OPEN_PER_CONTACT open bookings per phone number and per
    e-mail address, and YANKAO_LEGAL_OPEN_PER_ADDRESS per network address (when the
    booking came from one); 0 turns a limit off."""
    per_contact = rule("YANKAO_LEGAL_OPEN_PER_CONTACT")
    per_address = rule("YANKAO_LEGAL_OPEN_PER_ADDRESS")
    held = Booking.objects.filter(open_q(now))
    if per_contact > 0 and held.filter(phone_digits=digits).count() >= per_contact:
        raise LimitReached(
            _(
                "This phone number already has %(count)d bookings to come, the most allowed. "
                "Cancel one of them first."
            )
            % {"count": per_contact},
            per="phone",
        )
    if per_contact > 0 and email and held.filter(email_key=email).count() >= per_contact:
        raise LimitReached(
            _(
                "This e-mail address already has %(count)d bookings to come, the most allowed. "
                "Cancel one of them first."
            )
            % {"count": per_contact},
            per="email",
        )
    if per_address > 0 and address and held.filter(address_digest=address).count() >= per_address:
        raise LimitReached(
            _(
                "Too many bookings to come have been made from your network connection "
                "(%(count)d at most). Cancel one of them first, or book by calling 1999."
            )
            % {"count": per_address},
            per="address",
        )


def _check_time(session: Session, slot: int, *, as_citizen: bool, now: datetime) -> None:
    if session.is_cancelled:
        raise LegalError(_("This session is cancelled; please choose another."))
    if not 0 <= slot < session.slot_count:
        raise LegalError(_("That slot does not exist in this session."))
    starts = session.slot_start(slot)
    if as_citizen:
        closes = starts - timedelta(minutes=rule("YANKAO_LEGAL_BOOKING_CLOSE_MINUTES"))
        if now >= closes:
            raise LegalError(
                _("This slot has passed or starts too soon to book; choose a later one.")
            )
        today = to_taipei(now).date()
        if session.date > today + timedelta(days=rule("YANKAO_LEGAL_BOOKING_DAYS_AHEAD")):
            raise LegalError(_("Bookings for this day are not open yet."))
    elif now >= session.slot_end(slot):
        raise LegalError(_("This slot has passed; choose a later one."))


def _check_details(name: str, phone: str, topic: str, question: str, consent: bool) -> None:
    if not consent:
        raise LegalError(_("Please agree to the use of your data for the booking."))
    if not name.strip():
        raise LegalError(_("Enter your name."))
    if not phone_is_valid(phone):
        raise LegalError(
            _("Enter a phone number in digits, for example 0912-345-678 or 07-336-8333.")
        )
    if topic not in Topic.values:
        raise LegalError(_("Choose one of the listed topics."))
    if not question.strip():
        raise LegalError(_("Describe your question in a few words."))


def citizen_confirm_via() -> str:
    """Where citizens' confirmation codes go: by SMS to the phone when the deployment
    has a gateway (the phone is what the limits count), else by e-mail."""
    return ConfirmVia.SMS if notifications.sms_available() else ConfirmVia.EMAIL


def confirmation_channel(email: str) -> str:
    """Where this citizen's confirmation code goes; by e-mail, the address is required."""
    via = citizen_confirm_via()
    if via == ConfirmVia.SMS or email.strip():
        return via
    raise LegalError(
        _("Enter your e-mail address: we send the code that confirms the booking there.")
    )


def _expire(bookings: QuerySet[Booking]) -> int:
    """Write down as released the bookings of `bookings` (waiting ones whose hold has
    run out), at the moment their hold ended. One query."""
    return bookings.update(
        status=BookingStatus.CANCELLED,
        cancelled_at=F("hold_until"),
        cancelled_by=CancelledBy.UNCONFIRMED,
        released_at=F("hold_until"),
        release_reason=ReleaseReason.EXPIRED,
        confirm_digest="",
    )


def _lapsed(now: datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(status=BookingStatus.PENDING, hold_until__lte=now)


@transaction.atomic
def booking_create(
    *,
    session: Session,
    slot: int,
    name: str,
    phone: str,
    topic: str,
    question: str,
    consent: bool,
    channel: str = BookingChannel.WEB,
    email: str = "",
    language: str = "zh-hant",
    by: User | None = None,
    as_citizen: bool | None = None,
    client_address: str = "",
) -> Booked:
    """Book one slot for a citizen: on the web (by=None) or by staff for a caller.
    The citizen's rules apply on the web and to `as_citizen` callers such as the
    city's app: the booking window, closing before the slot, the limit per network
    address (`client_address`, the citizen's), and confirmation: the booking waits
    for the code sent to the phone or e-mail and holds its slot only until then.
    The desk may book a walk-in until the slot ends, confirmed at once.

    The session row is locked, so bookings of one session queue; the partial
    unique constraint on (session, slot) is the guarantee even so: a second
    booking of a held slot raises SlotTaken, never a second row. A waiting booking
    of the slot whose hold has run out is written down as released first."""
    if channel not in BookingChannel.values:
        raise LegalError(_("Unknown channel."))
    _check_details(name, phone, topic, question, consent)
    now = clock.now()
    session = _locked_session(session)
    citizen_rules = by is None if as_citizen is None else as_citizen
    _check_time(session, slot, as_citizen=citizen_rules, now=now)
    via = confirmation_channel(email) if citizen_rules else ""
    _expire(_lapsed(now).filter(session=session, slot=slot))
    if Booking.objects.filter(holding_q(now), session=session, slot=slot).exists():
        raise SlotTaken(_("Someone has just booked this slot. Please choose another one."))
    digits, mailbox = phone_digits(phone), email_key(email)
    address = network_digest(client_address, purpose="legal-booking") if citizen_rules else ""
    # Bookings of other sessions count too: take turns per phone, e-mail and address.
    lock_names(f"legal-phone:{digits}", f"legal-email:{mailbox}" if mailbox else "", address)
    _check_limit(digits, session, now)
    _check_open(digits=digits, email=mailbox, address=address, now=now)
    code = new_code()
    confirmation = new_confirmation_code() if via else ""
    booking = Booking(
        number=BOOKING_NUMBERS.next(now),
        session=session,
        slot=slot,
        status=BookingStatus.PENDING if via else BookingStatus.BOOKED,
        channel=channel,
        topic=topic,
        question=question.strip(),
        citizen_name=name.strip(),
        citizen_phone=phone.strip(),
        citizen_email=email.strip(),
        phone_digits=digits,
        email_key=mailbox,
        address_digest=address,
        language=language,
        code_digest=LEGAL_BOOKING.digest(code),
        consent_at=now,
        booked_at=now,
        booked_by=by,
        hold_until=now + timedelta(minutes=rule("YANKAO_LEGAL_CONFIRM_MINUTES")) if via else None,
        confirm_via=via,
        confirm_digest=LEGAL_CONFIRMATION.digest(confirmation) if via else "",
        confirmed_at=None if via else now,
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        raise SlotTaken(
            _("Someone has just booked this slot. Please choose another one.")
        ) from error
    if via:
        if not notifications.confirmation_code(booking, confirmation=confirmation, code=code):
            raise LimitReached(str(TOO_MANY_CODES), per="recipient")
        return Booked(booking=booking, code=code, confirmation=confirmation)
    mailed = notifications.booking_confirmed(booking, code)
    return Booked(booking=booking, code=code, mailed=mailed)


def _locked_booking(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("session__venue").get(pk=booking.pk)


def _release_waiting(booking: Booking, *, reason: str, at: datetime, by: User | None) -> None:
    """A waiting booking stops holding its slot, with the moment, who and why."""
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = at
    booking.cancelled_by = CancelledBy.UNCONFIRMED
    booking.released_at = at
    booking.released_by = by
    booking.release_reason = reason
    booking.confirm_digest = ""
    booking.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "released_at",
            "released_by",
            "release_reason",
            "confirm_digest",
        ]
    )


def _not_waiting(booking: Booking) -> NotWaiting:
    if booking.status in ACTIVE_STATUSES:
        return NotWaiting(_("This booking is already confirmed."))
    if booking.release_reason == ReleaseReason.ATTEMPTS:
        return NotWaiting(
            _(
                "Too many wrong codes were typed for this booking, so its time was released. "
                "Please book again."
            )
        )
    if booking.released_at is not None:
        return NotWaiting(
            _(
                "This booking was not confirmed in time, so its time was released. "
                "Please book again."
            )
        )
    return NotWaiting(_("This booking is cancelled."))


def _confirm(booking: Booking, code: str, now: datetime) -> tuple[Booking, LegalError | None]:
    booking = _locked_booking(booking)
    if booking.has_lapsed(now):
        assert booking.hold_until is not None
        _release_waiting(booking, reason=ReleaseReason.EXPIRED, at=booking.hold_until, by=None)
    if booking.status != BookingStatus.PENDING:
        return booking, _not_waiting(booking)
    # Spaces are how a code is read out or grouped ("492 745"); they do not count.
    if LEGAL_CONFIRMATION.matches("".join(code.split()), booking.confirm_digest):
        booking.status = BookingStatus.BOOKED
        booking.confirmed_at = now
        booking.confirm_digest = ""  # one use only
        booking.save(update_fields=["status", "confirmed_at", "confirm_digest"])
        notifications.booking_now_confirmed(booking)
        return booking, None
    booking.confirm_attempts += 1
    booking.save(update_fields=["confirm_attempts"])
    left = rule("YANKAO_LEGAL_CONFIRM_ATTEMPTS") - booking.confirm_attempts
    if left > 0:
        message = _(
            "That is not the confirmation code we sent. Check it and try again "
            "(%(left)d more tries)."
        ) % {"left": left}
        return booking, WrongCode(message, attempts_left=left)
    _release_waiting(booking, reason=ReleaseReason.ATTEMPTS, at=now, by=None)
    return booking, _not_waiting(booking)


def booking_confirm(*, booking: Booking, code: str) -> Booking:
    """Confirm a waiting booking with the code sent to the citizen: it then holds its
    slot until the consultation. A wrong code counts; after
    YANKAO_LEGAL_CONFIRM_ATTEMPTS of them the booking is released, as it is when its
    hold has run out. The count and the release are committed before the error is
    raised, so call this outside any transaction of your own (a rollback there would
    give the guesser the tries back)."""
    with transaction.atomic():
        booking, failure = _confirm(booking, code, clock.now())
    if failure is not None:
        raise failure
    return booking


@transaction.atomic
def booking_release(*, booking: Booking, by: User) -> Booking:
    """The desk frees a slot: of a booking still waiting for its code (it is
    released, whether its hold runs or has run out), or of a confirmed booking whose
    time has come without the citizen (recorded as did not come, and the slot is
    free for a walk-in until it ends). The booking keeps when, who and why."""
    booking = _locked_booking(booking)
    now = clock.now()
    if booking.status == BookingStatus.PENDING:
        _release_waiting(booking, reason=ReleaseReason.DESK, at=now, by=by)
        if now < booking.starts:
            waitlist_tell(venue=booking.session.venue, day=booking.session.date, now=now)
        return booking
    releasable = (BookingStatus.BOOKED, BookingStatus.NO_SHOW)
    if booking.status not in releasable or booking.released_at is not None:
        raise LegalError(
            _(
                "Only a booking awaiting confirmation, or a confirmed one whose citizen has "
                "not come, can be released."
            )
        )
    if now < booking.starts:
        raise LegalError(
            _(
                "A confirmed booking can be released only once its time has come without the "
                "citizen. Before that, cancel it."
            )
        )
    if now >= booking.ends:
        raise LegalError(_("This slot has passed; there is nothing to release."))
    booking.status = BookingStatus.NO_SHOW
    booking.advice = ""
    booking.outcome_at = booking.released_at = now
    booking.outcome_by = booking.released_by = by
    booking.release_reason = ReleaseReason.NO_SHOW
    booking.save(
        update_fields=[
            "status",
            "advice",
            "outcome_at",
            "outcome_by",
            "released_at",
            "released_by",
            "release_reason",
        ]
    )
    return booking


@transaction.atomic
def bookings_release_lapsed(*, now: datetime | None = None) -> int:
    """Write down as released every waiting booking whose hold has run out, and tell
    those waiting for the days a time came free on. The pages do not wait for this
    (a lapsed hold holds nothing); it keeps the records and the waiting list right.
    Returns how many were released."""
    now = now or clock.now()
    lapsed = list(_lapsed(now).select_for_update(of=("self",)).select_related("session__venue"))
    _expire(Booking.objects.filter(pk__in=[booking.pk for booking in lapsed]))
    days = {(b.session.venue, b.session.date) for b in lapsed if now < b.starts}
    for venue, day in days:
        waitlist_tell(venue=venue, day=day, now=now)
    return len(lapsed)


def cancel_deadline(booking: Booking) -> datetime:
    """The last moment the citizen may cancel the booking themselves."""
    return booking.starts - timedelta(hours=rule("YANKAO_LEGAL_CANCEL_HOURS"))


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User | None) -> Booking:
    """Cancel a booking: by the citizen (by=None) up to the cut-off before the slot,
    by staff until the outcome is recorded; a booking still waiting for its code
    too. The slot is free again at once."""
    booking = _locked_booking(booking)
    if booking.status == BookingStatus.CANCELLED:
        raise LegalError(_("This booking is already cancelled."))
    if booking.status not in OPEN_STATUSES:
        raise LegalError(_("The consultation has taken place; it cannot be cancelled now."))
    now = clock.now()
    if by is None and now > cancel_deadline(booking):
        raise LegalError(
            _(
                "Bookings can be cancelled on the web until %(hours)d hours before the "
                "consultation. Please call the service centre."
            )
            % {"hours": rule("YANKAO_LEGAL_CANCEL_HOURS")}
        )
    confirmed = booking.status == BookingStatus.BOOKED
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = CancelledBy.CITIZEN if by is None else CancelledBy.STAFF
    booking.confirm_digest = ""
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "confirm_digest"])
    if confirmed:  # an unconfirmed contact may not be the citizen's: no message
        notifications.booking_cancelled(booking)
    if now < booking.starts:
        waitlist_tell(venue=booking.session.venue, day=booking.session.date, now=now)
    return booking


OUTCOMES = (BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


@transaction.atomic
def booking_outcome_set(*, booking: Booking, status: str, by: User, advice: str = "") -> Booking:
    """Record that the citizen came (with the lawyer's short note of the kind of
    advice) or did not come. A recorded outcome may be corrected; a cancelled
    booking has none."""
    booking = _locked_booking(booking)
    if status not in OUTCOMES:
        raise LegalError(_("Choose attended or did not come."))
    if booking.status == BookingStatus.CANCELLED:
        raise LegalError(_("This booking is cancelled."))
    if booking.status == BookingStatus.PENDING:
        raise LegalError(
            _("This booking was never confirmed. Release it, and book the citizen at the desk.")
        )
    now = clock.now()
    if now < booking.starts:
        raise LegalError(_("The consultation has not started yet."))
    if advice and advice not in Advice.values:
        raise LegalError(_("Choose one of the listed kinds of advice."))
    booking.status = status
    booking.advice = advice if status == BookingStatus.ATTENDED else ""
    booking.outcome_at = now
    booking.outcome_by = by
    booking.save(update_fields=["status", "advice", "outcome_at", "outcome_by"])
    return booking


# --- the waiting list ----------------------------------------------------------------------


def _day_has_free_time(venue: Venue, day: date, now: datetime) -> bool:
    from yankao.legal.selectors import sessions_bookable

    return any(session.date == day for session in sessions_bookable(venue, now=now))


@transaction.atomic
def waitlist_join(
    *,
    venue: Venue,
    day: date,
    name: str,
    phone: str,
    consent: bool,
    email: str = "",
    language: str = "zh-hant",
) -> WaitlistEntry:
    """Put a citizen on the waiting list of a full day at a venue."""
    if not consent:
        raise LegalError(_("Please agree to the use of your data for the booking."))
    if not name.strip():
        raise LegalError(_("Enter your name."))
    if not phone_is_valid(phone):
        raise LegalError(
            _("Enter a phone number in digits, for example 0912-345-678 or 07-336-8333.")
        )
    now = clock.now()
    held = Session.objects.filter(
        venue=venue, date=day, status=SessionStatus.SCHEDULED, date__gte=to_taipei(now).date()
    )
    if not held.exists():
        raise LegalError(_("There is no session at this venue on that day."))
    if _day_has_free_time(venue, day, now):
        raise LegalError(_("That day still has free times: please book one."))
    digits = phone_digits(phone)
    if WaitlistEntry.objects.filter(venue=venue, date=day, phone_digits=digits).exists():
        raise LegalError(_("This phone number is already on the waiting list for that day."))
    return WaitlistEntry.objects.create(
        venue=venue,
        date=day,
        citizen_name=name.strip(),
        citizen_phone=phone.strip(),
        citizen_email=email.strip(),
        phone_digits=digits,
        language=language,
        created_at=now,
    )


def waitlist_tell(*, venue: Venue, day: date, now: datetime) -> int:
    """A time of the day has become free: tell those waiting who have not been told
    yet (by e-mail; the desk calls the others from the day sheet). Call inside the
    cancelling transaction. Returns how many were told."""
    waiting = list(
        WaitlistEntry.objects.select_for_update()
        .filter(venue=venue, date=day, notified_at__isnull=True)
        .select_related("venue")
    )
    for entry in waiting:
        notifications.waitlist_free_time(entry)
    WaitlistEntry.objects.filter(pk__in=[e.pk for e in waiting]).update(notified_at=now)
    return len(waiting)


# --- personal data -------------------------------------------------------------------------


@transaction.atomic
def personal_data_access_log(
    *,
    session: Session,
    by: User,
    reason: str,
    where: str,
    booking: Booking | None = None,
    shown: int = 0,
) -> PersonalDataAccess:
    """Record that a user is about to see citizens' personal data unmasked."""
    if not reason.strip():
        raise LegalError(_("Say why you need the personal data."))
    return PersonalDataAccess.objects.create(
        session=session,
        booking=booking,
        user=by,
        at=clock.now(),
        reason=reason.strip()[:300],
        where=where,
        bookings_shown=shown,
    )


# --- reminders -------------------------------------------------------------------------------


def reminder_window(now: datetime) -> tuple[date, date] | None:
    """The session days whose bookings are reminded at `now`: from tomorrow up to the
    next working day, once the reminder hour has come (None before it). On a Friday
    that reaches Monday; a booking made over the weekend for Monday is reminded at
    the next run."""
    local = to_taipei(now)
    if local.hour < rule("YANKAO_LEGAL_REMINDER_HOUR"):
        return None
    today = local.date()
    try:
        return today + timedelta(days=1), next_working_day(today)
    except CalendarRangeError:
        return None


@transaction.atomic
def reminders_send(*, now: datetime | None = None) -> int:
    """Remind each citizen booked in the reminder window, once: by e-mail, or by SMS
    to those without one when an SMS gateway is configured. Returns how many
    reminders were queued."""
    now = now or clock.now()
    window = reminder_window(now)
    if window is None:
        return 0
    candidates = Booking.objects.select_for_update(of=("self",)).filter(
        status=BookingStatus.BOOKED,
        reminded_at__isnull=True,
        session__status=SessionStatus.SCHEDULED,
        session__date__gte=window[0],
        session__date__lte=window[1],
    )
    if not notifications.sms_available():
        candidates = candidates.exclude(citizen_email="")  # the desk calls them instead
    due = list(candidates.select_related("session__venue"))
    for booking in due:
        notifications.booking_reminder(booking)
    Booking.objects.filter(pk__in=[b.pk for b in due]).update(reminded_at=now)
    return len(due)
