"""The calendar models."""

from datetime import date

import pytest

from yankao.calendar.models import CalendarDay, CalendarVersion

pytestmark = pytest.mark.django_db


def test_a_day_reads_as_its_date_kind_and_note() -> None:
    assert (
        str(CalendarDay.objects.get(date=date(2020, 6, 20))) == "2020-06-20 working day (補行上班)"
    )
    assert str(CalendarDay.objects.get(date=date(2020, 6, 21))) == "2020-06-21 day off"


def test_there_is_one_version_row() -> None:
    assert CalendarVersion.objects.count() == 1
    assert str(CalendarVersion.objects.get()).startswith("calendar version ")
