"""The month form and the range of days every report's filter shares."""

from datetime import date

import pytest
from django import forms

from yankao.core.reporting.forms import LONGEST_RANGE_DAYS, MonthForm, check_day_range

TODAY = date(2026, 3, 17)


def test_the_last_whole_month_is_the_default():
    form = MonthForm(today=TODAY)
    assert form.period() == (date(2026, 2, 1), date(2026, 2, 28))
    assert form.fields["month"].initial == "2026-02"


def test_the_months_offered_run_back_from_this_month_and_ahead_when_asked():
    plain = [value for value, _label in MonthForm(today=TODAY, months=4).fields["month"].choices]
    assert plain == ["2026-03", "2026-02", "2026-01", "2025-12"]
    ahead = MonthForm(today=TODAY, months=2, months_ahead=1).fields["month"].choices
    assert [value for value, _label in ahead] == ["2026-04", "2026-03", "2026-02"]
    assert ahead[0][1] == "115年4月"


def test_a_chosen_month_gives_its_first_and_last_days():
    form = MonthForm({"month": "2024-02"}, today=TODAY)
    assert form.is_valid()
    assert form.period() == (date(2024, 2, 1), date(2024, 2, 29))


def test_a_month_not_offered_is_refused():
    assert not MonthForm({"month": "2019-01"}, today=TODAY).is_valid()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 1, 1), None),
        (None, date(2026, 1, 1)),
        (date(2026, 1, 2), date(2026, 1, 1)),
        (date(2025, 1, 1), date(2025, 1, 1) + date.resolution * LONGEST_RANGE_DAYS),
    ],
)
def test_a_range_needs_both_days_in_order_and_at_most_a_year(start, end):
    with pytest.raises(forms.ValidationError):
        check_day_range(start, end)


def test_no_range_or_a_year_of_days_is_accepted():
    check_day_range(None, None)
    check_day_range(date(2025, 1, 1), date(2025, 12, 31))
    check_day_range(date(2024, 1, 1), date(2024, 12, 31))  # 366 days of a leap year
