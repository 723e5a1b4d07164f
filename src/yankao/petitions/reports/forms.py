"""The report's filter: a month (or a range of days), an agency or all, a grouping."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yankao.calendar.forms import ROCDateField
from yankao.core.forms import ModelChoiceField
from yankao.organisation.models import Agency
from yankao.petitions.reports.selectors import GROUPING_LABELS, Grouping
from yankao.petitions.reports.tables import period_label

MONTHS_OFFERED = 36
LONGEST_RANGE_DAYS = 366


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def recent_months(today: date) -> list[date]:
    """First days of this month and the months before it, newest first."""
    months = [today.replace(day=1)]
    while len(months) < MONTHS_OFFERED:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months


class ReportForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"), required=False)
    start = ROCDateField(label=_("Or from"), required=False)
    end = ROCDateField(label=_("to"), required=False)
    agency = ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("All agencies I may see"),
    )
    group_by = forms.ChoiceField(
        label=_("Group by"),
        choices=[(value.value, label) for value, label in GROUPING_LABELS.items()],
        initial=Grouping.AGENCY,
        required=False,
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        months = recent_months(today)
        self.default_month = months[1]  # the last whole month
        self.fields["month"].choices = [  # type: ignore[attr-defined]
            (first.isoformat()[:7], period_label(first, _month_end(first))) for first in months
        ]
        self.fields["month"].initial = self.default_month.isoformat()[:7]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both the first and the last day."))
            if end < start:
                raise forms.ValidationError(_("The last day is before the first day."))
            if (end - start).days >= LONGEST_RANGE_DAYS:
                raise forms.ValidationError(_("Choose a period of at most one year."))
        return data

    def period(self) -> tuple[date, date]:
        """The chosen days, first and last included (the last whole month by default)."""
        data = self.cleaned_data if self.is_bound else {}
        if data.get("start") and data.get("end"):
            return data["start"], data["end"]
        month = data.get("month")
        first = date.fromisoformat(f"{month}-01") if month else self.default_month
        return first, _month_end(first)

    def grouping(self) -> Grouping:
        data = self.cleaned_data if self.is_bound else {}
        return Grouping(data.get("group_by") or Grouping.AGENCY)

    def chosen_agency(self) -> Agency | None:
        return self.cleaned_data.get("agency") if self.is_bound else None
