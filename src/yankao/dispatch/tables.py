"""The statistics as a table of plain values: the one source of the page's table
and of every exported file (yankao.core.exports), so they cannot disagree."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from yankao.core.reporting.periods import days_label
from yankao.core.reporting.table import Cell, Table
from yankao.dispatch.selectors import ClassFigures, TicketStatistics


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
        period=days_label(first, last),
        headings=headings(),
        rows=rows,
    )
