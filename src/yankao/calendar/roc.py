"""ROC (民國) dates: formatting and lenient parsing.

ROC year = Gregorian year − 1911. Dates are shown as 民國 115 年 11 月 26 日 (long)
or 115/11/26 (short) and accepted in ROC and ISO forms, with half- or full-width
digits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from yankao.calendar.taipei import to_taipei

ROC_OFFSET = 1911

_SEPARATED = re.compile(
    r"^(?P<prefix>(?:中華)?民國)?\s*(?P<sign>-)?(?P<year>\d{1,4})\s*"
    r"(?P<sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})$"
)
_CHINESE = re.compile(
    r"^(?P<prefix>(?:中華)?民國)?\s*(?P<sign>-)?(?P<year>\d{1,4})\s*年\s*"
    r"(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日?$"
)
_COMPACT = re.compile(r"^(?P<prefix>(?:中華)?民國)?\s*(?P<digits>\d{6,8})$")


def roc_year(day: date) -> int:
    year = day.year - ROC_OFFSET
    if year < 1:
        raise ValueError(f"{day.isoformat()} is before ROC year 1 (1912) and has no ROC date.")
    return year


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return to_taipei(value).date()
    return value


def format_roc_long(value: date | datetime) -> str:
    """民國 115 年 11 月 26 日 (a datetime is first converted to Asia/Taipei)."""
    day = _as_date(value)
    return f"民國 {roc_year(day)} 年 {day.month} 月 {day.day} 日"


def format_roc_short(value: date | datetime) -> str:
    """115/11/26, month and day zero-padded."""
    day = _as_date(value)
    return f"{roc_year(day)}/{day.month:02d}/{day.day:02d}"


def format_roc_long_datetime(moment: datetime) -> str:
    """民國 115 年 11 月 26 日 14:30, in Asia/Taipei."""
    local = to_taipei(moment)
    return f"{format_roc_long(local.date())} {local:%H:%M}"


def format_roc_short_datetime(moment: datetime) -> str:
    """115/11/26 14:30, in Asia/Taipei."""
    local = to_taipei(moment)
    return f"{format_roc_short(local.date())} {local:%H:%M}"


def format_iso_datetime(moment: datetime) -> str:
    """2026-11-26 14:30, in Asia/Taipei (the English rendering)."""
    return f"{to_taipei(moment):%Y-%m-%d %H:%M}"


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


def format_roc_datetime(moment: datetime, *, long: bool = False) -> str:
    """115/11/26 14:30 (or the long form with long=True), in Asia/Taipei."""
    return format_roc_long_datetime(moment) if long else format_roc_short_datetime(moment)
