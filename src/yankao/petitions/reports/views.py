"""The monthly performance report page and its files, through the reporting kit:
the capability is checked, the filter validated, the selector called once, and the
page rendered or the file written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.core.reporting.views import ReportPage, report_response
from yankao.organisation.scoping import agencies_in_scope
from yankao.petitions.reports.forms import ReportForm
from yankao.petitions.reports.selectors import Report, petition_report
from yankao.petitions.reports.tables import report_table

BAR_HEIGHT = 22
CHART_WIDTH = 400  # pixels for 100 %


@dataclass(frozen=True)
class Bar:
    label: str
    rate: Decimal | None
    y: int
    width: int


def chart_bars(report: Report) -> list[Bar]:
    """One bar per group and one for the total: the on-time rate, 0–100 %."""
    rows = [*report.rows, report.total]
    return [
        Bar(
            label=row.label,
            rate=row.on_time_rate,
            y=index * (BAR_HEIGHT + 6),
            width=int((row.on_time_rate or 0) * CHART_WIDTH / 100),
        )
        for index, row in enumerate(rows)
    ]


def _form(data: QueryDict | None, *, user: User, today: date) -> ReportForm:
    return ReportForm(data, agencies=agencies_in_scope(user), today=today)


def _figures(user: User, form: ReportForm) -> dict[str, Any]:
    start, end = form.period()
    report = petition_report(
        user=user, start=start, end=end, agency=form.chosen_agency(), group_by=form.grouping()
    )
    return {
        "report": report,
        "table": report_table(report),
        "bars": chart_bars(report),
        "chart_height": (len(report.rows) + 1) * (BAR_HEIGHT + 6),
        "chart_width": CHART_WIDTH,
    }


MONTHLY_REPORT = ReportPage(
    template="petitions/report.html",
    may_view=lambda user: user.has_capability(Capability.REPORTS_VIEW),
    form=_form,
    figures=_figures,
)


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    return report_response(request, MONTHLY_REPORT)
