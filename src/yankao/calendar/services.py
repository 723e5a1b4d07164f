"""The office calendar: deadline arithmetic and the services that change the calendar.

Arithmetic runs on an in-memory copy of the calendar (sorted working-day ordinals
searched with bisect), so it is fast and does not touch the database. The copy is
reloaded when the calendar version in the database changes; the version is read
at most every ``YANKAO_CALENDAR_CHECK_SECONDS`` (default 5) seconds, and the
process that changes the calendar drops its copy at once.

Conventions:
- Moments are aware datetimes; a naive datetime is taken to be Asia/Taipei time.
  Results are aware datetimes in Asia/Taipei.
- A working-day deadline ends at 23:59:59 Asia/Taipei of its last day.
- Anything that needs a date outside the loaded calendar raises CalendarRangeError.
"""

from __future__ import annotations

import logging
import time as monotonic_clock
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from yankao.calendar import dgpa, loading
from yankao.calendar.loading import LoadReport
from yankao.calendar.models import CalendarDay, CalendarVersion, DaySource
from yankao.calendar.signals import calendar_day_changed
from yankao.core.taipei import END_OF_DAY, TAIPEI, end_of_day, to_taipei

__all__ = [
    "END_OF_DAY",
    "TAIPEI",
    "CalendarRangeError",
    "DayInfo",
    "add_hours",
    "add_working_days",
    "add_working_days_to_date",
    "calendar_changed",
    "calendar_day_changed",
    "calendar_declare_day_off",
    "calendar_import_days",
    "calendar_import_file",
    "calendar_load_shipped",
    "calendar_range",
    "calendar_revoke_day_off",
    "day_info",
    "effective_receipt_day",
    "end_of_day",
    "extend_due",
    "invalidate_cache",
    "is_working_day",
    "next_working_day",
    "office_close",
    "to_taipei",
    "working_days_between",
    "working_days_in",
]

logger = logging.getLogger(__name__)

DEFAULT_OFFICE_CLOSE = time(17, 30)
SECONDS_PER_DAY = 86400  # Taiwan keeps no daylight saving time
DEFAULT_CHECK_SECONDS = 5.0
DEFAULT_DAY_OFF_REASON = "颱風停止上班"

_WORKING = 1
_OFF = 0
_MISSING = 2


class CalendarRangeError(ValueError):
    """The arithmetic needs a date that the loaded office calendar does not cover."""


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: date
    is_working_day: bool
    weekday: int  # Monday is 0, as date.weekday()
    note: str

    @property
    def weekday_char(self) -> str:
        """The weekday as written in the official calendar: 一 … 六, 日."""
        return dgpa.WEEKDAY_CHARS[self.weekday]


# --- the in-memory calendar ---------------------------------------------------------


class _Calendar:
    """An immutable snapshot of the calendar table, indexed by date ordinal."""

    __slots__ = ("first", "flags", "last", "missing", "notes", "version", "work")

    def __init__(self, version: int, rows: list[tuple[date, bool, str]]) -> None:
        self.version = version
        if not rows:
            self.first, self.last = 1, 0
            self.flags = b""
            self.work: list[int] = []
            self.missing: list[int] = []
            self.notes: dict[int, str] = {}
            return
        self.first = rows[0][0].toordinal()
        self.last = rows[-1][0].toordinal()
        flags = bytearray([_MISSING]) * (self.last - self.first + 1)
        notes = {}
        for day, working, note in rows:
            ordinal = day.toordinal()
            flags[ordinal - self.first] = _WORKING if working else _OFF
            if note:
                notes[ordinal] = note
        self.flags = bytes(flags)
        self.work = [self.first + i for i, flag in enumerate(flags) if flag == _WORKING]
        self.missing = [self.first + i for i, flag in enumerate(flags) if flag == _MISSING]
        self.notes = notes

    def describe_range(self) -> str:
        if self.last < self.first:
            return "No office calendar is loaded (run `yankao calendar load`)."
        first, last = date.fromordinal(self.first), date.fromordinal(self.last)
        text = f"The office calendar covers {first.isoformat()} to {last.isoformat()}"
        if self.missing:
            text += f" with gaps (first missing day {date.fromordinal(self.missing[0])})"
        return text + "."

    def require(self, low: int, high: int) -> None:
        """Every day from ordinal low to high (inclusive) must be in the calendar."""
        if self.last < self.first:
            raise CalendarRangeError(self.describe_range())
        if low < self.first or high > self.last:
            outside = low if low < self.first else high
            raise CalendarRangeError(
                f"{date.fromordinal(outside).isoformat()} is outside the office calendar. "
                f"{self.describe_range()}"
            )
        if self.missing:
            i = bisect_left(self.missing, low)
            if i < len(self.missing) and self.missing[i] <= high:
                raise CalendarRangeError(
                    f"{date.fromordinal(self.missing[i]).isoformat()} is missing from the "
                    f"office calendar. {self.describe_range()}"
                )

    def is_working(self, ordinal: int) -> bool:
        self.require(ordinal, ordinal)
        return self.flags[ordinal - self.first] == _WORKING

    def nth_after(self, ordinal: int, n: int) -> int:
        """The n-th (n >= 1) working day strictly after the ordinal."""
        i = bisect_right(self.work, ordinal) + n - 1
        if i >= len(self.work):
            self.require(ordinal, ordinal)
            raise CalendarRangeError(
                f"The office calendar has no {n} working days after "
                f"{date.fromordinal(ordinal).isoformat()}. {self.describe_range()}"
            )
        found = self.work[i]
        self.require(ordinal, found)
        return found

    def nth_before(self, ordinal: int, n: int) -> int:
        """The n-th (n >= 1) working day strictly before the ordinal."""
        i = bisect_left(self.work, ordinal) - n
        if i < 0:
            self.require(ordinal, ordinal)
            raise CalendarRangeError(
                f"The office calendar has no {n} working days before "
                f"{date.fromordinal(ordinal).isoformat()}. {self.describe_range()}"
            )
        found = self.work[i]
        self.require(found, ordinal)
        return found

    def count_between(self, low: int, high: int) -> int:
        """Working days with low < ordinal < high."""
        if high - low < 2:
            return 0
        return bisect_left(self.work, high) - bisect_right(self.work, low)


_cache: _Calendar | None = None
_checked_at = 0.0


def _database_version() -> int:
    row = CalendarVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def _check_seconds() -> float:
    return float(getattr(settings, "YANKAO_CALENDAR_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))


def _calendar() -> _Calendar:
    global _cache, _checked_at
    cached = _cache
    now = monotonic_clock.monotonic()
    if cached is not None and now - _checked_at < _check_seconds():
        return cached
    version = _database_version()
    if cached is None or cached.version != version:
        rows = list(
            CalendarDay.objects.order_by("date").values_list("date", "is_working_day", "note")
        )
        cached = _Calendar(version, rows)
    _cache, _checked_at = cached, now
    return cached


def invalidate_cache() -> None:
    """Forget the in-memory calendar; the next call reloads it from the database."""
    global _cache, _checked_at
    _cache, _checked_at = None, 0.0


# --- helpers ---------------------------------------------------------------------


def office_close() -> time:
    """The time the offices close; receipts at or after it count from the next working day."""
    value: Any = getattr(settings, "YANKAO_OFFICE_CLOSE", DEFAULT_OFFICE_CLOSE)
    if isinstance(value, str):
        return time.fromisoformat(value)
    return value


def _not_negative(n: int, what: str) -> None:
    if n < 0:
        raise ValueError(f"{what} must be 0 or more, got {n}.")


# --- questions about days ----------------------------------------------------------


def calendar_range() -> tuple[date, date] | None:
    """The first and last day of the loaded calendar, or None when it is empty."""
    cal = _calendar()
    if cal.last < cal.first:
        return None
    return date.fromordinal(cal.first), date.fromordinal(cal.last)


def is_working_day(day: date) -> bool:
    return _calendar().is_working(day.toordinal())


def day_info(day: date) -> DayInfo:
    cal = _calendar()
    ordinal = day.toordinal()
    return DayInfo(
        date=day,
        is_working_day=cal.is_working(ordinal),
        weekday=day.weekday(),
        note=cal.notes.get(ordinal, ""),
    )


def next_working_day(day: date) -> date:
    """The first working day strictly after the day."""
    return date.fromordinal(_calendar().nth_after(day.toordinal(), 1))


def working_days_in(first: date, last: date) -> int:
    """How many working days lie in first … last, both included (0 when last < first)."""
    if last < first:
        return 0
    cal = _calendar()
    low, high = first.toordinal(), last.toordinal()
    cal.require(low, high)
    return cal.count_between(low - 1, high + 1)


# --- deadline arithmetic -----------------------------------------------------------


def effective_receipt_day(received_at: datetime) -> date:
    """The day a receipt counts from: its Taipei date, or the next working day when it
    came on a day off or at/after office close."""
    local = to_taipei(received_at)
    cal = _calendar()
    ordinal = local.date().toordinal()
    if cal.is_working(ordinal) and local.time() < office_close():
        return local.date()
    return date.fromordinal(cal.nth_after(ordinal, 1))


def add_working_days(received_at: datetime, n: int) -> datetime:
    """The deadline n working days after a receipt, at 23:59:59 Asia/Taipei.

    Counting starts on the working day after the effective receipt day; n = 0 means
    the end of the effective receipt day itself.
    """
    _not_negative(n, "The number of working days")
    receipt = effective_receipt_day(received_at)
    if n == 0:
        return end_of_day(receipt)
    return end_of_day(date.fromordinal(_calendar().nth_after(receipt.toordinal(), n)))


def add_working_days_to_date(day: date, n: int) -> date:
    """The n-th working day after the day (n > 0), before it (n < 0), or for n = 0
    the day itself when it is a working day, else the next working day."""
    cal = _calendar()
    ordinal = day.toordinal()
    if n > 0:
        return date.fromordinal(cal.nth_after(ordinal, n))
    if n < 0:
        return date.fromordinal(cal.nth_before(ordinal, -n))
    return day if cal.is_working(ordinal) else date.fromordinal(cal.nth_after(ordinal, 1))


def extend_due(due_at: datetime, n_working_days: int) -> datetime:
    """A deadline extended by n working days: the n-th working day after due_at's
    Taipei date, at 23:59:59 (n = 0: the end of due_at's own date)."""
    _not_negative(n_working_days, "The extension in working days")
    day = to_taipei(due_at).date()
    cal = _calendar()
    if n_working_days == 0:
        cal.require(day.toordinal(), day.toordinal())
        return end_of_day(day)
    return end_of_day(date.fromordinal(cal.nth_after(day.toordinal(), n_working_days)))


def add_hours(start: datetime, n: int) -> datetime:
    """n clock hours after start, round the clock (holidays do not stop the clock)."""
    return (to_taipei(start) + timedelta(hours=n)).astimezone(TAIPEI)


def working_days_between(start: datetime, end: datetime) -> Decimal:
    """Elapsed working time from start to end, in days to one decimal.

    Each working day contributes the share of its 24 hours (Taipei time) lying
    inside [start, end]; days off contribute nothing. An end before the start gives
    Decimal("0.0") rather than an error, so callers can pass "now" freely.
    """
    local_start, local_end = to_taipei(start), to_taipei(end)
    if local_end <= local_start:
        return Decimal("0.0")
    cal = _calendar()
    low, high = local_start.date().toordinal(), local_end.date().toordinal()
    cal.require(low, high)
    start_of_first = datetime.combine(local_start.date(), time(0), tzinfo=TAIPEI)
    start_of_last = datetime.combine(local_end.date(), time(0), tzinfo=TAIPEI)
    if low == high:
        seconds = (local_end - local_start).total_seconds() if cal.is_working(low) else 0.0
    else:
        seconds = SECONDS_PER_DAY * cal.count_between(low, high)
        if cal.is_working(low):
            seconds += SECONDS_PER_DAY - (local_start - start_of_first).total_seconds()
        if cal.is_working(high):
            seconds += (local_end - start_of_last).total_seconds()
    days = Decimal(repr(seconds)) / SECONDS_PER_DAY
    return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- changing the calendar ---------------------------------------------------------


def _changed() -> None:
    invalidate_cache()
    transaction.on_commit(invalidate_cache)


def _announce(day: date, *, is_working_day: bool, by: Any) -> None:
    transaction.on_commit(
        lambda: calendar_day_changed.send(
            sender=CalendarDay, day=day, is_working_day=is_working_day, by=by
        )
    )


def calendar_load_shipped() -> LoadReport:
    """Load every calendar file shipped with the platform (2020–2027); idempotent."""
    with transaction.atomic():
        report = loading.load_shipped(CalendarDay, CalendarVersion)
    _changed()
    return report


def calendar_import_days(
    days: list[dgpa.ParsedDay], *, source: str = DaySource.OFFICIAL
) -> LoadReport:
    """Upsert already validated days in one transaction."""
    with transaction.atomic():
        report = loading.upsert_days(CalendarDay, CalendarVersion, days, source=source)
    _changed()
    return report


def calendar_import_file(path: Path, *, require_whole_years: bool = True) -> LoadReport:
    """Validate a DGPA calendar file (UTF-8 with BOM or Big5) and upsert its days.

    Raises dgpa.CalendarFileError before writing anything when the file is invalid.
    """
    days = dgpa.parse_file(path, require_whole_years=require_whole_years)
    return calendar_import_days(days)


def calendar_declare_day_off(*, day: date, reason: str, by: Any = None) -> CalendarDay:
    """Declare a working day a day off after the fact (e.g. 颱風停止上班 in this city).

    Raises CalendarRangeError for a day outside the calendar and ValueError when the
    day is already a day off.
    """
    reason = reason.strip() or DEFAULT_DAY_OFF_REASON
    if len(reason) > dgpa.MAX_NOTE_LENGTH:
        raise ValueError(f"The reason is longer than {dgpa.MAX_NOTE_LENGTH} characters.")
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the office calendar. {_calendar().describe_range()}"
            )
        if not row.is_working_day:
            raise ValueError(
                f"{day.isoformat()} is already a day off" + (f" ({row.note})." if row.note else ".")
            )
        row.previous_note, row.previous_source = row.note, row.source
        row.is_working_day = False
        row.note = reason
        row.source = DaySource.DECLARED
        row.declared_by = by
        row.save()
        loading.bump_version(CalendarVersion)
    _changed()
    _announce(day, is_working_day=False, by=by)
    logger.info("Declared %s a day off (%s) by %s", day.isoformat(), reason, by or "system")
    return row


def calendar_revoke_day_off(*, day: date, by: Any = None) -> CalendarDay:
    """Undo calendar_declare_day_off: the day becomes the working day it was before.

    Raises ValueError when the day is not a declared day off.
    """
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None or row.source != DaySource.DECLARED:
            raise ValueError(f"{day.isoformat()} is not a declared day off.")
        row.is_working_day = True
        row.note = row.previous_note
        row.source = row.previous_source or DaySource.OFFICIAL
        row.previous_note, row.previous_source = "", ""
        row.declared_by = None
        row.save()
        loading.bump_version(CalendarVersion)
    _changed()
    _announce(day, is_working_day=True, by=by)
    logger.info("Revoked the day off of %s by %s", day.isoformat(), by or "system")
    return row


def calendar_changed() -> None:
    """Tell every process the calendar changed (after an edit outside these services)."""
    loading.bump_version(CalendarVersion)
    _changed()
