"""The monthly performance report page and its files.

The view checks the capability, validates the filter, calls the selector once, and
renders the page or writes the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.calendar.taipei import to_taipei
from yankao.core import clock
from yankao.core.exports import FORMATS, Format
from yankao.core.exports.fonts import FontMissing
from yankao.organisation.scoping import agencies_in_scope
from yankao.petitions.reports.forms import ReportForm
from yankao.petitions.reports.selectors import Report, petition_report
from yankao.petitions.reports.tables import Table, file_name, report_table

BAR_HEIGHT = 22
CHART_WIDTH = 400  # pixels for 100 %


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


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


def _export(table: Table, chosen: Format) -> HttpResponse:
    try:
        content = chosen.write(table)
    except FontMissing:
        message = _(
            "The PDF cannot be made: no Chinese font is installed on the server. "
            "Download the report as a spreadsheet, or ask the administrator to install "
            "the Noto Sans CJK font."
        )
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=chosen.content_type)
    name = file_name(table, chosen.extension)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = "no-store"
    return response


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_capability(Capability.REPORTS_VIEW):
        raise PermissionDenied
    today = to_taipei(clock.now()).date()
    form = ReportForm(request.GET or None, agencies=agencies_in_scope(user), today=today)
    if form.is_bound and not form.is_valid():
        return render(request, "petitions/report.html", {"form": form}, status=400)
    start, end = form.period()
    report = petition_report(
        user=user, start=start, end=end, agency=form.chosen_agency(), group_by=form.grouping()
    )
    table = report_table(report)
    chosen = FORMATS.get(request.GET.get("format", ""))
    if chosen is not None:
        return _export(table, chosen)
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "form": form,
        "report": report,
        "table": table,
        "bars": chart_bars(report),
        "chart_height": (len(report.rows) + 1) * (BAR_HEIGHT + 6),
        "chart_width": CHART_WIDTH,
        "query": query.urlencode(),
        "formats": list(FORMATS),
    }
    return render(request, "petitions/report.html", context)
