"""The statistics as a table of plain values: the one source of the page's table
and of every exported file (yankao.core.exports), so they cannot disagree."""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from yankao.calendar.roc import roc_year
from yankao.core.exports.table import Cell, Table
from yankao.dispatch.selectors import ClassFigures, TicketStatistics


def _english() -> bool:
    return (translation.get_language() or "").lower().startswith("en")


def _day(day: date) -> str:
    # 115年11月1日, not 115/11/01: the period names the spreadsheet's sheet, where "/"
    # is not allowed.
    if _english():
        return day.isoformat()
    return f"{roc_year(day)}年{day.month}月{day.day}日"


def headings() -> list[str]:
    return [
        _("Class"),
        _("Limit (hours)"),
        _("Tickets"),
        _("Reported done"),
        _("Median hours to report back"),
        _("90th percentile hours to report back"),
        _("Within the limit"),
        _("Open past the deadline"),
        _("Share within the limit (%)"),
    ]


def _row(figures: ClassFigures, label: str) -> list[Cell]:
    return [
        label,
        figures.hours,
        figures.count,
        figures.reported,
        figures.median_hours,
        figures.p90_hours,
        figures.within_limit,
        figures.open_overdue,
        figures.share_within_limit,
    ]


def statistics_table(result: TicketStatistics, first: date, last: date) -> Table:
    rows = [_row(f, f"{f.code} {f.name}") for f in result.rows]
    rows.append(_row(result.total, _("All classes")))
    return Table(
        title=_("Dispatch tickets: time to report back by class"),
        period=f"{_day(first)} – {_day(last)}" if _english() else f"{_day(first)}至{_day(last)}",
        headings=headings(),
        rows=rows,
    )
