"""ROC (民國) dates: formatting (parsing is in `yankao.calendar.parsing`).

ROC year = Gregorian year − 1911. Dates are shown as 民國 115 年 11 月 26 日 (long)
or 115/11/26 (short) and accepted in ROC and ISO forms, with half- or full-width
digits.
"""

from __future__ import annotations

from datetime import date, datetime

from yankao.calendar.parsing import parse_date
from yankao.core.era import ROC_OFFSET, roc_year
from yankao.core.taipei import to_taipei

# Parsing lives with every other parser of typed dates; its names stay importable here.
__all__ = [
    "ROC_OFFSET",
    "format_iso_datetime",
    "format_roc_datetime",
    "format_roc_long",
    "format_roc_long_datetime",
    "format_roc_month",
    "format_roc_month_short",
    "format_roc_short",
    "format_roc_short_datetime",
    "parse_date",
    "roc_year",
]


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


def format_roc_month(value: date | datetime) -> str:
    """民國 115 年 10 月: a month (any day of it), as reports name the month they cover."""
    day = _as_date(value)
    return f"民國 {roc_year(day)} 年 {day.month} 月"


def format_roc_month_short(value: date | datetime) -> str:
    """115/10, the month zero-padded."""
    day = _as_date(value)
    return f"{roc_year(day)}/{day.month:02d}"


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


def format_roc_datetime(moment: datetime, *, long: bool = False) -> str:
    """115/11/26 14:30 (or the long form with long=True), in Asia/Taipei."""
    return format_roc_long_datetime(moment) if long else format_roc_short_datetime(moment)
