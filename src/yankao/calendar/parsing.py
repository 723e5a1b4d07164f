"""Dates and moments as people and client systems type them: every parser of the
platform's user input in one place.

- `parse_date`: the forms' dates, ROC or ISO, as Taiwanese staff type them
  (115/11/26, 民國115年11月26日, 1151126, 2026-11-26, 20261126).
- `parse_api_day` / `parse_api_moment`: the dates and moments of the JSON API and
  Open311. A day is an ISO 8601 date in any of its forms: calendar (2024-02-07 or
  20240207), week (2024-W06-3 or 2024W063) or ordinal (2024-038; the 7-digit basic
  form is refused, as it reads like an ROC date such as 1130207). A moment is such
  a date, a `T` (or a space) and an ISO time, with or without an offset; without
  one it is Asia/Taipei time. A plain date is returned as a date, so that each
  caller applies its documented meaning of a day (the calendar: received at 09:00;
  Open311: the whole day), whichever form the date was written in.

Every day and moment is within the years 2 to 9998 (Asia/Taipei and UTC alike): a
year inside what Python's dates can hold, so that a window, a deadline or a
conversion computed from it never overflows into a server error.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from pydantic import BeforeValidator

from yankao.core.era import ROC_OFFSET
from yankao.core.taipei import TAIPEI

FIRST_DAY = date(2, 1, 1)
LAST_DAY = date(9998, 12, 31)

NOT_A_DAY = _(
    "%(value)s is not a date; write an ISO 8601 date such as 2024-02-07, 20240207, "
    "2024-W06-3 or 2024-038."
)
NOT_A_MOMENT = _(
    "%(value)s is not a date or a date and time; write e.g. 2024-02-07 or "
    "2024-02-07T10:00:00+08:00."
)
OUT_OF_RANGE = _("%(value)s is outside the years 2 to 9998 that dates can be computed in.")


class DateInputError(ValueError):
    """A date or moment that cannot be read or used; the message is a whole,
    translated sentence naming the value."""


class OutOfRange(DateInputError):
    """A real date or moment, but outside the years 2 to 9998."""


# --- the forms' dates: ROC or ISO ---------------------------------------------------------------

_SEPARATED = re.compile(
    r"^(?P<prefix>(?:中華)?民國)?\s*(?P<sign>-)?(?P<year>\d{1,4})\s*"
    r"(?P<sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})$"
)
_CHINESE = re.compile(
    r"^(?P<prefix>(?:中華)?民國)?\s*(?P<sign>-)?(?P<year>\d{1,4})\s*年\s*"
    r"(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日?$"
)
_COMPACT = re.compile(r"^(?P<prefix>(?:中華)?民國)?\s*(?P<digits>\d{6,8})$")


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date: {exc}.") from exc


def _resolve_year(raw_year: str, *, roc: bool, negative: bool, text: str) -> int:
    """Gregorian year from the written year: 4 digits without 民國 mean Gregorian."""
    number = int(raw_year)
    if not roc and len(raw_year) == 4 and not negative:
        return number
    if negative or number < 1:
        raise ValueError(f"{text!r}: the ROC year must be 1 or later.")
    return number + ROC_OFFSET


def parse_date(text: str) -> date:
    """Parse an ROC or ISO date.

    Accepted: 115/11/26, 115-11-26, 115.11.26, 1151126, 民國115年11月26日,
    民國 115 年 11 月 26 日, 2026-11-26, 2026/11/26, 20261126, 2026年11月26日;
    full-width digits and separators too. Raises ValueError otherwise.
    """
    if not isinstance(text, str):
        raise ValueError(f"Expected a date as text, got {type(text).__name__}.")
    normal = unicodedata.normalize("NFKC", text).strip()
    normal = normal.replace("－", "-").replace("—", "-")
    if not normal:
        raise ValueError("Enter a date.")
    for pattern in (_SEPARATED, _CHINESE):
        match = pattern.match(normal)
        if match:
            year = _resolve_year(
                match["year"],
                roc=bool(match["prefix"]),
                negative=bool(match["sign"]),
                text=text,
            )
            return _make(year, int(match["month"]), int(match["day"]), text)
    match = _COMPACT.match(normal)
    if match:
        digits = match["digits"]
        if len(digits) == 8 and not match["prefix"]:
            return _make(int(digits[:4]), int(digits[4:6]), int(digits[6:]), text)
        if len(digits) == 8:
            raise ValueError(f"{text!r}: an ROC year has at most 3 digits.")
        year = _resolve_year(digits[:-4], roc=True, negative=False, text=text)
        return _make(year, int(digits[-4:-2]), int(digits[-2:]), text)
    raise ValueError(
        f"{text!r} is not a date. Use an ROC date such as 115/11/26 or an ISO date "
        "such as 2026-11-26."
    )


# --- the API's and Open311's dates and moments: ISO 8601 ---------------------------------------

# Calendar dates and week dates with their day; date.fromisoformat reads both forms.
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}-W\d{2}-\d|\d{4}W\d{3})$")
_ORDINAL = re.compile(r"^(?P<year>\d{4})-(?P<day>\d{3})$")
_MOMENT = re.compile(r"^(?P<day>[0-9W-]+)[T ](?P<time>\d.*)$")


def _shown(text: str) -> str:
    return repr(text[:40])


def _in_range(day: date, text: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise OutOfRange(str(OUT_OF_RANGE % {"value": _shown(text)}))
    return day


def _ordinal(match: re.Match[str], text: str) -> date:
    year, number = int(match["year"]), int(match["day"])
    try:
        day = date(year, 1, 1) + timedelta(days=number - 1)
    except (ValueError, OverflowError) as error:
        raise DateInputError(str(NOT_A_DAY % {"value": _shown(text)})) from error
    if number < 1 or day.year != year:
        raise DateInputError(str(NOT_A_DAY % {"value": _shown(text)}))
    return day


def parse_api_day(text: str) -> date:
    """A day in one of ISO 8601's date forms, within the years 2 to 9998."""
    value = text.strip()
    ordinal = _ORDINAL.match(value)
    if ordinal:
        return _in_range(_ordinal(ordinal, text), text)
    if not _ISO_DAY.match(value):
        raise DateInputError(str(NOT_A_DAY % {"value": _shown(text)}))
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise DateInputError(str(NOT_A_DAY % {"value": _shown(text)})) from error
    return _in_range(day, text)


def checked_moment(moment: datetime, text: str = "") -> datetime:
    """The moment, aware (naive is Asia/Taipei), if its UTC form, and so its
    Asia/Taipei form, lies within the years 2 to 9998."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        moment = moment.replace(tzinfo=TAIPEI)
    shown = text or moment.isoformat()
    try:
        utc = moment.astimezone(UTC)
    except OverflowError as error:
        raise OutOfRange(str(OUT_OF_RANGE % {"value": _shown(shown)})) from error
    _in_range(utc.date(), shown)
    return moment


def parse_api_moment(text: str) -> date | datetime:
    """A plain day (a date) or a moment (an aware datetime; without an offset,
    Asia/Taipei time), within the years 2 to 9998."""
    value = text.strip()
    if "T" in value and " " in value:
        value = value.replace(" ", "+")  # an unencoded "+08:00" arrives as " 08:00"
    match = _MOMENT.match(value)
    try:
        if not match:
            return parse_api_day(value)
        day = parse_api_day(match["day"])
        clock = time.fromisoformat(match["time"])
    except OutOfRange as error:
        raise OutOfRange(str(OUT_OF_RANGE % {"value": _shown(text)})) from error
    except ValueError as error:  # DateInputError too: name the whole text
        raise DateInputError(str(NOT_A_MOMENT % {"value": _shown(text)})) from error
    return checked_moment(datetime.combine(day, clock), text)


def on_day(day: date, at: time) -> datetime:
    """`at` o'clock Asia/Taipei on `day`: what a plain day means where a moment is
    asked for."""
    return checked_moment(datetime.combine(day, at, tzinfo=TAIPEI))


# --- the same as types of the API's schemas -----------------------------------------------------


def _api_day(value: Any) -> Any:
    if isinstance(value, datetime):
        raise DateInputError(str(NOT_A_DAY % {"value": _shown(value.isoformat())}))
    if isinstance(value, date):
        return _in_range(value, value.isoformat())
    if isinstance(value, str):
        return parse_api_day(value)
    return value  # not text: the schema's own type refuses it


def _api_moment(value: Any) -> Any:
    if isinstance(value, datetime):
        return checked_moment(value)
    if isinstance(value, str):
        found = parse_api_moment(value)
        if not isinstance(found, datetime):
            raise DateInputError(str(NOT_A_MOMENT % {"value": _shown(value)}))
        return found
    return value


# A day of the API: an ISO 8601 date in any form, within the years 2 to 9998.
ApiDay = Annotated[date, BeforeValidator(_api_day)]
# A moment of the API: an ISO 8601 date and time (Asia/Taipei without an offset),
# within the years 2 to 9998.
ApiMoment = Annotated[datetime, BeforeValidator(_api_moment)]
