"""Writing calendar days into the table: idempotency and what a load keeps."""

from datetime import date

import pytest

from tests.calendar.conftest import whole_year_csv
from yankao.calendar import dgpa, services
from yankao.calendar.models import CalendarDay, CalendarVersion, DaySource

pytestmark = pytest.mark.django_db

ALL_SHIPPED_DAYS = 366 * 2 + 365 * 6  # 2020 and 2024 are leap years


def test_the_data_migration_loaded_every_shipped_day() -> None:
    assert CalendarDay.objects.count() == ALL_SHIPPED_DAYS
    assert CalendarDay.objects.filter(date__year=2027, source=DaySource.GENERATED).count() == 365
    assert CalendarDay.objects.filter(date__year=2026, source=DaySource.OFFICIAL).count() == 365


def test_loading_the_shipped_files_again_changes_nothing() -> None:
    version = CalendarVersion.objects.get().version
    report = services.calendar_load_shipped()
    assert (report.created, report.updated, report.unchanged) == (0, 0, ALL_SHIPPED_DAYS)
    assert report.years == list(range(2020, 2028))
    assert CalendarVersion.objects.get().version == version


def test_loading_restores_a_day_edited_by_hand_and_raises_the_version() -> None:
    CalendarDay.objects.filter(date=date(2020, 6, 20)).update(is_working_day=False, note="")
    version = CalendarVersion.objects.get().version
    report = services.calendar_load_shipped()
    assert report.updated == 1
    assert CalendarDay.objects.get(date=date(2020, 6, 20)).is_working_day
    assert CalendarVersion.objects.get().version == version + 1


def test_loading_keeps_a_declared_typhoon_day() -> None:
    services.calendar_declare_day_off(day=date(2025, 7, 29), reason="颱風停止上班")
    report = services.calendar_load_shipped()
    assert report.kept_declared == 1
    row = CalendarDay.objects.get(date=date(2025, 7, 29))
    assert (row.is_working_day, row.note, row.source) == (False, "颱風停止上班", "declared")


def test_provisional_data_never_replaces_an_official_import() -> None:
    official = whole_year_csv(2027, {date(2027, 3, 1): "和平紀念日補假"})
    services.calendar_import_days(dgpa.parse_text(official))
    assert CalendarDay.objects.filter(date__year=2027, source=DaySource.OFFICIAL).count() == 365
    report = services.calendar_load_shipped()
    assert report.kept_official == 365
    # The official import has 2027-01-01 as a workday; the provisional file does not.
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).is_working_day


def test_the_summary_reports_the_counts() -> None:
    report = services.calendar_load_shipped()
    assert report.summary().startswith("Years 2020, 2021")
    assert f"{ALL_SHIPPED_DAYS} unchanged" in report.summary()
