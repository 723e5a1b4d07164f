"""The period of a report: a month among the recent ones, or a range of days."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.core.reporting.periods import (
    MONTHS_OFFERED,
    month_choices,
    month_end,
    next_month,
    recent_months,
)

LONGEST_RANGE_DAYS = 366


def check_day_range(start: date | None, end: date | None) -> None:
    """Both days or neither, the last not before the first, at most a year apart."""
    if not (start or end):
        return
    if not (start and end):
        raise forms.ValidationError(_("Give both the first and the last day."))
    if end < start:
        raise forms.ValidationError(_("The last day is before the first day."))
    if (end - start).days >= LONGEST_RANGE_DAYS:
        raise forms.ValidationError(_("Choose a period of at most one year."))


class MonthForm(forms.Form):
    """A month among this month and the ones before it (`months_ahead` after it too:
    bookings of the next month are coming in); the last whole month by default.
    Forms of reports add their own fields (a range of days, an agency, a grouping)."""

    month = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(
        self,
        *args: Any,
        today: date,
        months: int = MONTHS_OFFERED,
        months_ahead: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        ahead = [today.replace(day=1)]
        for _n in range(months_ahead):
            ahead.insert(0, next_month(ahead[0]))
        offered = [*ahead[:-1], *recent_months(today, months)]
        self.default_month = recent_months(today, 2)[1]  # the last whole month
        self.fields["month"].choices = month_choices(offered)  # type: ignore[attr-defined]
        self.fields["month"].initial = self.default_month.isoformat()[:7]

    def _data(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_bound else {}

    def month_period(self) -> tuple[date, date]:
        """The chosen month's first and last days."""
        month = self._data().get("month")
        first = date.fromisoformat(f"{month}-01") if month else self.default_month
        return first, month_end(first)

    def period(self) -> tuple[date, date]:
        return self.month_period()
