"""Months of programme control, and when each month's report is due.

A month is written as the date of its first day everywhere (models, services,
the API's `YYYY-MM`). The report on month M is due by a day of month M + 1
(settings: the 6th for works projects, the 10th otherwise); when that day is a
day off on the office calendar the report is due by the next working day, as a
period ending on a holiday ends on the next working day. Beyond the loaded
calendar the day itself is used.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.conf import settings

from yankao.calendar.services import CalendarRangeError, add_working_days_to_date
from yankao.core.taipei import end_of_day, to_taipei

_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_of(day: date) -> date:
    return day.replace(day=1)


def current_month(moment: datetime) -> date:
    """The month of a moment, in Taipei time."""
    return month_of(to_taipei(moment).date())


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from first's to last's, both included."""
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def month_end(month: date) -> date:
    """The last day of the month."""
    return date.fromordinal(add_months(month, 1).toordinal() - 1)


def parse_month(text: str) -> date:
    """`YYYY-MM` (the API's form) as the month's first day; ValueError otherwise."""
    found = _ISO_MONTH.fullmatch(text.strip())
    if not found:
        raise ValueError("A month is written YYYY-MM, e.g. 2026-10.")
    year, month = int(found[1]), int(found[2])
    if not 1 <= month <= 12 or not 1912 <= year <= 9998:
        raise ValueError("A month is written YYYY-MM, e.g. 2026-10.")
    return date(year, month, 1)


def report_day(kind: str) -> int:
    """The day of the following month by which a programme of this kind reports."""
    if kind == "works":
        return int(settings.YANKAO_PROGRAMME_WORKS_REPORT_DAY)
    return int(settings.YANKAO_PROGRAMME_REPORT_DAY)


def report_due_day(kind: str, month: date) -> date:
    nominal = add_months(month, 1).replace(day=report_day(kind))
    try:
        return add_working_days_to_date(nominal, 0)
    except CalendarRangeError:
        return nominal


def report_due_at(kind: str, month: date) -> datetime:
    """The end (23:59:59 Taipei) of the day the month's report is due."""
    return end_of_day(report_due_day(kind, month))
