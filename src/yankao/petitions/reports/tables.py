"""The report as a table of plain values: the one source of the screen's table, the
chart and every export, so they cannot disagree."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yankao.core.reporting.periods import period_label
from yankao.core.reporting.table import Cell, Table
from yankao.petitions.reports.selectors import GROUPING_LABELS, Report, ReportRow


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
