"""The monthly counts page and its files (CSV, XLSX, ODS, PDF)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yankao.accounts.models import User
from yankao.calendar.taipei import to_taipei
from yankao.core import clock
from yankao.core.exports import FORMATS, Format
from yankao.core.exports.fonts import FontMissing
from yankao.core.exports.table import Table
from yankao.legal import policy
from yankao.legal.report import GROUPING_LABELS, Grouping, counts_table, monthly_counts
from yankao.petitions.reports.forms import recent_months
from yankao.petitions.reports.tables import period_label


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


class CountsForm(forms.Form):
    month = forms.ChoiceField(label=gettext_lazy("Month"), required=False)
    group_by = forms.ChoiceField(
        label=gettext_lazy("Group by"),
        choices=[(value.value, label) for value, label in GROUPING_LABELS.items()],
        required=False,
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Next month too: its bookings are coming in.
        upcoming = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        months = [upcoming, *recent_months(today)[:24]]
        self.default_month = months[1]
        self.fields["month"].choices = [  # type: ignore[attr-defined]
            (first.isoformat()[:7], period_label(first, _month_end(first))) for first in months
        ]
        self.fields["month"].initial = self.default_month.isoformat()[:7]

    def period(self) -> tuple[date, date]:
        data = self.cleaned_data if self.is_bound else {}
        month = data.get("month")
        first = date.fromisoformat(f"{month}-01") if month else self.default_month
        return first, _month_end(first)

    def grouping(self) -> Grouping:
        data = self.cleaned_data if self.is_bound else {}
        return Grouping(data.get("group_by") or Grouping.VENUE)


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
    name = f"{table.title}-{table.period}.{chosen.extension}"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = "no-store"
    return response


@login_required
def counts(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not policy.may_see_counts(user):
        raise PermissionDenied
    form = CountsForm(request.GET or None, today=to_taipei(clock.now()).date())
    if form.is_bound and not form.is_valid():
        return render(request, "legal/counts.html", {"form": form}, status=400)
    first, last = form.period()
    result = monthly_counts(user=user, first=first, last=last, group_by=form.grouping())
    table = counts_table(result)
    chosen = FORMATS.get(request.GET.get("format", ""))
    if chosen is not None:
        return _export(table, chosen)
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "form": form,
        "counts": result,
        "table": table,
        "query": query.urlencode(),
        "formats": list(FORMATS),
    }
    return render(request, "legal/counts.html", context)
