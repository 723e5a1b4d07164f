"""The report's filter: a month (or a range of days), an agency or all, a grouping."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yankao.calendar.forms import ROCDateField
from yankao.core.forms import ModelChoiceField
from yankao.core.reporting.forms import MonthForm, check_day_range
from yankao.organisation.models import Agency
from yankao.petitions.reports.selectors import GROUPING_LABELS, Grouping


class ReportForm(MonthForm):
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
        super().__init__(*args, today=today, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_day_range(data.get("start"), data.get("end"))
        return data

    def period(self) -> tuple[date, date]:
        """The chosen days, first and last included (the last whole month by default)."""
        data = self._data()
        if data.get("start") and data.get("end"):
            return data["start"], data["end"]
        return self.month_period()

    def grouping(self) -> Grouping:
        return Grouping(self._data().get("group_by") or Grouping.AGENCY)

    def chosen_agency(self) -> Agency | None:
        return self._data().get("agency")
