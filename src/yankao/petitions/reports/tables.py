"""The report as a table of plain values: the one source of the screen's table, the
chart and every export, so they cannot disagree."""

from __future__ import annotations

import calendar
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yankao.calendar.roc import roc_year
from yankao.core.exports.table import Cell, Table
from yankao.petitions.reports.selectors import GROUPING_LABELS, Report, ReportRow


def _english() -> bool:
    return (translation.get_language() or "").lower().startswith("en")


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]


def _month(day: date) -> str:
    if _english():
        return f"{day:%Y-%m}"
    return f"{roc_year(day)}年{day.month}月"


def _day(day: date) -> str:
    if _english():
        return day.isoformat()
    return f"{roc_year(day)}年{day.month}月{day.day}日"


def period_label(start: date, end: date) -> str:
    """115年10月, 115年10月至115年12月 or 115年10月5日至115年10月20日 (ISO in English)."""
    if _whole_months(start, end):
        first, last = _month(start), _month(end)
    else:
        first, last = _day(start), _day(end)
    if first == last:
        return first
    return f"{first} – {last}" if _english() else f"{first}至{last}"


def headings(report: Report) -> list[str]:
    return [
        str(GROUPING_LABELS[report.grouping]),
        pgettext("report column", "Received"),
        pgettext("report column", "Closed"),
        _("Closed on time"),
        _("Closed late"),
        _("Open and overdue"),
        pgettext("report column", "Extended"),
        pgettext("report column", "Transferred"),
        _("On-time rate (%)"),
        _("Average working days to close"),
        _("90th percentile of working days to close"),
        _("Average satisfaction (1–5)"),
        _("Ratings"),
    ]


def cells(row: ReportRow) -> list[Cell]:
    return [
        row.label,
        row.received,
        row.closed,
        row.closed_on_time,
        row.closed_late,
        row.open_overdue,
        row.extended,
        row.transferred,
        row.on_time_rate,
        row.average_working_days,
        row.p90_working_days,
        row.average_rating,
        row.rating_count,
    ]


def report_table(report: Report) -> Table:
    rows = [cells(row) for row in report.rows]
    rows.append(cells(report.total))
    return Table(
        title=_("Petition performance report"),
        period=period_label(report.start, report.end),
        headings=headings(report),
        rows=rows,
    )


def file_name(table: Table, extension: str) -> str:
    """陳情績效報告-115年10月.xlsx"""
    return f"{table.title}-{table.period}.{extension}"
