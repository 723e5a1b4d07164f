"""Months and their labels, as every report shows them."""

import calendar
from datetime import date, datetime, timedelta
from itertools import pairwise

from django.utils import translation

from yankao.core.reporting.periods import (
    day_start,
    days_label,
    month_end,
    next_month,
    period_label,
    recent_months,
)
from yankao.core.taipei import TAIPEI


def test_the_month_end_is_the_last_day_of_every_month_of_two_years():
    for year in (2024, 2026):  # a leap year and a common one
        for month in range(1, 13):
            last = month_end(date(year, month, 1))
            assert (last + timedelta(days=1)).day == 1
            assert last.day == calendar.monthrange(year, month)[1]
            assert next_month(date(year, month, 15)) == last + timedelta(days=1)


def test_recent_months_are_consecutive_first_days_newest_first():
    months = recent_months(date(2026, 3, 17), 15)
    assert months[0] == date(2026, 3, 1) and len(months) == 15
    for newer, older in pairwise(months):
        assert older.day == 1 and next_month(older) == newer


def test_a_whole_month_is_named_by_its_roc_month():
    assert period_label(date(2026, 10, 1), date(2026, 10, 31)) == "115年10月"
    assert period_label(date(2026, 10, 1), date(2026, 12, 31)) == "115年10月至115年12月"


def test_a_range_of_days_is_named_by_its_days():
    assert period_label(date(2026, 10, 5), date(2026, 10, 20)) == "115年10月5日至115年10月20日"
    assert days_label(date(2026, 11, 1), date(2026, 11, 30)) == "115年11月1日至115年11月30日"


def test_in_english_the_labels_are_iso():
    with translation.override("en"):
        assert period_label(date(2026, 10, 1), date(2026, 10, 31)) == "2026-10"
        assert period_label(date(2026, 10, 5), date(2026, 10, 20)) == "2026-10-05 – 2026-10-20"


def test_a_day_starts_at_midnight_in_taipei():
    assert day_start(date(2026, 10, 5)) == datetime(2026, 10, 5, tzinfo=TAIPEI)
    assert day_start(date(2026, 10, 5)).utcoffset() == timedelta(hours=8)
