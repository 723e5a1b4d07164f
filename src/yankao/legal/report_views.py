"""The monthly counts page and its files (CSV, XLSX, ODS, PDF), through the
reporting kit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext_lazy

from yankao.accounts.models import User
from yankao.core.reporting.forms import MonthForm
from yankao.core.reporting.views import ReportPage, report_response
from yankao.legal import policy
from yankao.legal.report import GROUPING_LABELS, Grouping, counts_table, monthly_counts

MONTHS_OFFERED = 24


class CountsForm(MonthForm):
    group_by = forms.ChoiceField(
        label=gettext_lazy("Group by"),
        choices=[(value.value, label) for value, label in GROUPING_LABELS.items()],
        required=False,
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        # Next month too: its bookings are coming in.
        super().__init__(*args, today=today, months=MONTHS_OFFERED, months_ahead=1, **kwargs)

    def grouping(self) -> Grouping:
        return Grouping(self._data().get("group_by") or Grouping.VENUE)


def _form(data: QueryDict | None, *, user: User, today: date) -> CountsForm:
    return CountsForm(data, today=today)


def _figures(user: User, form: CountsForm) -> dict[str, Any]:
    first, last = form.period()
    result = monthly_counts(user=user, first=first, last=last, group_by=form.grouping())
    return {"counts": result, "table": counts_table(result)}


COUNTS = ReportPage(
    template="legal/counts.html", may_view=policy.may_see_counts, form=_form, figures=_figures
)


@login_required
def counts(request: HttpRequest) -> HttpResponse:
    return report_response(request, COUNTS)
