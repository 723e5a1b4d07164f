"""Months, days and their labels as the reports show them: ROC years in Chinese
(115年10月, 115年10月5日), ISO dates in English. A label also names a spreadsheet's
sheet, where "/" is not allowed, so the day is written out rather than 115/10/05."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import translation

from yankao.core.era import roc_year
from yankao.core.taipei import TAIPEI

MONTHS_OFFERED = 36


def english() -> bool:
    return (translation.get_language() or "").lower().startswith("en")


def day_start(day: date) -> datetime:
    """Midnight at the start of a Taipei day: periods are [first day 00:00, day after
    the last 00:00)."""
    return datetime.combine(day, time.min, tzinfo=TAIPEI)


def month_end(first: date) -> date:
    """The last day of the month of `first`."""
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return month_end(day) + timedelta(days=1)


def recent_months(today: date, count: int = MONTHS_OFFERED) -> list[date]:
    """First days of this month and the months before it, newest first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months


def month_label(day: date) -> str:
    """115年10月 (2026-10 in English)."""
    return f"{day:%Y-%m}" if english() else f"{roc_year(day)}年{day.month}月"


def day_label(day: date) -> str:
    """115年10月5日 (2026-10-05 in English)."""
    return day.isoformat() if english() else f"{roc_year(day)}年{day.month}月{day.day}日"


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end == month_end(end)


def _joined(first: str, last: str) -> str:
    return f"{first} – {last}" if english() else f"{first}至{last}"


def period_label(start: date, end: date) -> str:
    """115年10月, 115年10月至115年12月 or 115年10月5日至115年10月20日 (ISO in English)."""
    if _whole_months(start, end):
        first, last = month_label(start), month_label(end)
    else:
        first, last = day_label(start), day_label(end)
    return first if first == last else _joined(first, last)


def days_label(start: date, end: date) -> str:
    """115年11月1日至115年11月30日: a period always told by its first and last days."""
    return _joined(day_label(start), day_label(end))


def month_choices(months: list[date]) -> list[tuple[str, str]]:
    """Choices of a month field: 2026-10 → 115年10月."""
    return [(first.isoformat()[:7], period_label(first, month_end(first))) for first in months]
