"""Deadline arithmetic on the official calendar, and declaring days off.

Every expected value below was worked out by hand from the official calendar.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from yankao.calendar import services
from yankao.calendar.models import CalendarDay, CalendarVersion
from yankao.calendar.services import CalendarRangeError
from yankao.calendar.signals import calendar_day_changed

pytestmark = pytest.mark.django_db

TPE = ZoneInfo("Asia/Taipei")
UTC = ZoneInfo("UTC")


def tpe(*args: int) -> datetime:
    return datetime(*args, tzinfo=TPE)


def due(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=TPE)


# --- days -------------------------------------------------------------------------


def test_a_make_up_saturday_is_a_working_day_with_its_note() -> None:
    info = services.day_info(date(2020, 6, 20))
    assert info == services.DayInfo(date(2020, 6, 20), True, 5, "補行上班")
    assert info.weekday_char == "六"


def test_the_dragon_boat_festival_2020_is_a_day_off() -> None:
    assert not services.is_working_day(date(2020, 6, 25))
    assert services.day_info(date(2020, 6, 25)).note == "端午節"


def test_the_2024_lunar_new_year_runs_from_february_8_to_14() -> None:
    assert [services.is_working_day(date(2024, 2, d)) for d in range(7, 18)] == [
        True, False, False, False, False, False, False, False, True, True, True,
    ]  # fmt: skip


def test_2025_february_8_is_a_make_up_workday() -> None:
    assert services.is_working_day(date(2025, 2, 8))


def test_an_ordinary_sunday_is_off_without_a_note() -> None:
    assert services.day_info(date(2025, 3, 2)) == services.DayInfo(date(2025, 3, 2), False, 6, "")


def test_asking_about_a_day_outside_the_calendar_raises_a_range_error() -> None:
    with pytest.raises(CalendarRangeError, match="2019-12-31 is outside the office calendar"):
        services.is_working_day(date(2019, 12, 31))
    with pytest.raises(CalendarRangeError, match="covers 2020-01-01 to 2027-12-31"):
        services.day_info(date(2028, 1, 1))


def test_the_calendar_range_is_2020_to_2027() -> None:
    assert services.calendar_range() == (date(2020, 1, 1), date(2027, 12, 31))


def test_june_2020_has_21_working_days() -> None:
    # 22 weekdays, minus 25 and 26 June, plus Saturday 20 June.
    assert services.working_days_in(date(2020, 6, 1), date(2020, 6, 30)) == 21


def test_the_next_working_day_after_the_2024_new_year_eve_is_february_15() -> None:
    assert services.next_working_day(date(2024, 2, 9)) == date(2024, 2, 15)


# --- effective receipt day ---------------------------------------------------------


def test_a_receipt_during_office_hours_counts_from_that_day() -> None:
    assert services.effective_receipt_day(tpe(2020, 6, 18, 17, 29)) == date(2020, 6, 18)


def test_a_receipt_at_office_close_counts_from_the_next_working_day() -> None:
    assert services.effective_receipt_day(tpe(2020, 6, 18, 17, 30)) == date(2020, 6, 19)


def test_a_receipt_on_a_holiday_counts_from_the_next_working_day() -> None:
    assert services.effective_receipt_day(tpe(2024, 2, 10, 10, 0)) == date(2024, 2, 15)


def test_a_receipt_is_dated_in_taipei_time() -> None:
    # 2020-06-17 23:00 UTC is Thursday 2020-06-18 07:00 in Taipei.
    assert services.effective_receipt_day(datetime(2020, 6, 17, 23, tzinfo=UTC)) == date(
        2020, 6, 18
    )
    # 09:45 UTC is 17:45 in Taipei: after office close.
    assert services.effective_receipt_day(datetime(2020, 6, 18, 9, 45, tzinfo=UTC)) == date(
        2020, 6, 19
    )


def test_a_naive_datetime_is_taken_as_taipei_time() -> None:
    assert services.effective_receipt_day(datetime(2020, 6, 18, 18, 0)) == date(2020, 6, 19)


def test_the_office_close_setting_is_honoured(settings) -> None:
    settings.YANKAO_OFFICE_CLOSE = time(17, 0)
    assert services.effective_receipt_day(tpe(2020, 6, 18, 17, 10)) == date(2020, 6, 19)
    settings.YANKAO_OFFICE_CLOSE = "18:00"
    assert services.effective_receipt_day(tpe(2020, 6, 18, 17, 45)) == date(2020, 6, 18)


# --- working-day deadlines ---------------------------------------------------------


def test_six_working_days_across_the_2020_dragon_boat_holiday_include_the_make_up_saturday() -> (
    None
):
    # Fri 19, Sat 20 (make-up), Mon 22, Tue 23, Wed 24, then 25–28 off, Mon 29.
    assert services.add_working_days(tpe(2020, 6, 18, 10, 0), 6) == due(2020, 6, 29)


def test_the_due_moment_is_aware_and_in_taipei_time() -> None:
    result = services.add_working_days(tpe(2020, 6, 18, 10, 0), 6)
    assert result.isoformat() == "2020-06-29T23:59:59+08:00"


def test_an_after_hours_receipt_starts_counting_a_day_later() -> None:
    # Effective receipt Fri 19; first working day after it is Sat 20 (make-up).
    assert services.add_working_days(tpe(2020, 6, 18, 17, 30), 1) == due(2020, 6, 20)
    assert services.add_working_days(tpe(2020, 6, 18, 17, 29), 1) == due(2020, 6, 19)


def test_a_receipt_on_a_new_year_holiday_counts_from_the_first_day_back() -> None:
    # Received Sat 2024-02-10; effective Thu 15; then Fri 16, Sat 17 (make-up).
    assert services.add_working_days(tpe(2024, 2, 10, 10, 0), 2) == due(2024, 2, 17)


def test_zero_working_days_means_the_end_of_the_effective_receipt_day() -> None:
    assert services.add_working_days(tpe(2024, 2, 10, 10, 0), 0) == due(2024, 2, 15)
    assert services.add_working_days(tpe(2020, 6, 18, 10, 0), 0) == due(2020, 6, 18)


def test_the_2025_lunar_new_year_ends_on_the_make_up_saturday() -> None:
    # Received Fri 2025-01-24; Jan 25 – Feb 2 off; Feb 3–7 are days 1–5; Sat Feb 8 is day 6.
    assert services.add_working_days(tpe(2025, 1, 24, 16, 0), 5) == due(2025, 2, 7)
    assert services.add_working_days(tpe(2025, 1, 24, 16, 0), 6) == due(2025, 2, 8)


def test_deadlines_cross_the_year_end() -> None:
    # 2021-12-31 is off (開國紀念日補假) and 2022-01-01/02 a weekend.
    assert services.add_working_days(tpe(2021, 12, 30, 10, 0), 1) == due(2022, 1, 3)


def test_a_deadline_beyond_the_calendar_raises_a_range_error() -> None:
    with pytest.raises(CalendarRangeError, match="no 1 working days after 2027-12-30"):
        services.add_working_days(tpe(2027, 12, 30, 10, 0), 1)
    with pytest.raises(CalendarRangeError):
        services.add_working_days(tpe(2019, 12, 31, 10, 0), 1)


def test_a_negative_number_of_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        services.add_working_days(tpe(2020, 6, 18, 10, 0), -1)


def test_an_extension_adds_working_days_after_the_due_date() -> None:
    # Due Wed 2020-06-24; +1 is Mon 29, +2 Tue 30.
    assert services.extend_due(due(2020, 6, 24), 2) == due(2020, 6, 30)
    assert services.extend_due(due(2024, 2, 7), 1) == due(2024, 2, 15)
    assert services.extend_due(due(2024, 2, 7), 0) == due(2024, 2, 7)


def test_working_days_can_be_added_to_and_taken_from_a_date() -> None:
    assert services.add_working_days_to_date(date(2024, 2, 7), 1) == date(2024, 2, 15)
    assert services.add_working_days_to_date(date(2024, 2, 15), -1) == date(2024, 2, 7)
    assert services.add_working_days_to_date(date(2024, 2, 19), -2) == date(2024, 2, 16)
    assert services.add_working_days_to_date(date(2024, 2, 10), 0) == date(2024, 2, 15)
    assert services.add_working_days_to_date(date(2024, 2, 7), 0) == date(2024, 2, 7)


def test_going_back_before_the_calendar_raises_a_range_error() -> None:
    with pytest.raises(CalendarRangeError, match="before 2020-01-02"):
        services.add_working_days_to_date(date(2020, 1, 2), -1)


# --- clock hours -----------------------------------------------------------------


def test_hours_run_round_the_clock_across_midnight_and_holidays() -> None:
    assert services.add_hours(tpe(2024, 2, 9, 20, 0), 8) == tpe(2024, 2, 10, 4, 0)
    assert services.add_hours(tpe(2020, 6, 24, 12, 0), 24) == tpe(2020, 6, 25, 12, 0)


def test_hours_are_returned_in_taipei_time() -> None:
    result = services.add_hours(datetime(2020, 6, 24, 16, 30, tzinfo=UTC), 4)
    assert result.isoformat() == "2020-06-25T04:30:00+08:00"


# --- elapsed working time ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Mon 10:00 → Wed 10:00: 14 h + 24 h + 10 h.
        (tpe(2020, 6, 15, 10), tpe(2020, 6, 17, 10), "2.0"),
        # Fri 12:00 → Mon 12:00 over a normal weekend.
        (tpe(2020, 6, 12, 12), tpe(2020, 6, 15, 12), "1.0"),
        # Wed 12:00 → Mon 12:00 across the Dragon Boat holiday (Thu–Sun off).
        (tpe(2020, 6, 24, 12), tpe(2020, 6, 29, 12), "1.0"),
        # Fri 12:00 → Mon 12:00 with Saturday 20 June a make-up workday.
        (tpe(2020, 6, 19, 12), tpe(2020, 6, 22, 12), "2.0"),
        # Tue 00:00 → next Tue 00:00: Tue–Sat (make-up) and Mon.
        (tpe(2020, 6, 16), tpe(2020, 6, 23), "6.0"),
        # Six hours within one working day: 0.25, rounded half up.
        (tpe(2020, 6, 15, 9), tpe(2020, 6, 15, 15), "0.3"),
        # Within a holiday.
        (tpe(2020, 6, 25, 9), tpe(2020, 6, 25, 18), "0.0"),
        # The end before the start.
        (tpe(2020, 6, 17, 10), tpe(2020, 6, 15, 10), "0.0"),
    ],
)
def test_working_days_between(start: datetime, end: datetime, expected: str) -> None:
    assert services.working_days_between(start, end) == Decimal(expected)


def test_working_days_between_uses_taipei_days() -> None:
    # 2020-06-14 16:00 UTC is Mon 00:00 in Taipei; 2020-06-15 16:00 UTC is Tue 00:00.
    start = datetime(2020, 6, 14, 16, tzinfo=UTC)
    assert services.working_days_between(start, start + timedelta(days=1)) == Decimal("1.0")


def test_working_days_between_outside_the_calendar_raises() -> None:
    with pytest.raises(CalendarRangeError):
        services.working_days_between(tpe(2019, 12, 30), tpe(2020, 1, 3))


# --- declaring days off ------------------------------------------------------------


def test_declaring_a_typhoon_day_moves_a_deadline_and_revoking_moves_it_back() -> None:
    received = tpe(2020, 6, 18, 10, 0)
    services.calendar_declare_day_off(day=date(2020, 6, 22), reason="颱風停止上班")
    # Fri 19, Sat 20, Tue 23, Wed 24, Mon 29, Tue 30.
    assert services.add_working_days(received, 6) == due(2020, 6, 30)
    assert services.day_info(date(2020, 6, 22)).note == "颱風停止上班"
    services.calendar_revoke_day_off(day=date(2020, 6, 22))
    assert services.add_working_days(received, 6) == due(2020, 6, 29)


def test_a_declared_day_records_what_it_was_and_who_declared_it(django_user_model) -> None:
    user = django_user_model.objects.create_user(username="controller", password="x" * 16)
    services.calendar_declare_day_off(day=date(2020, 6, 20), reason="颱風停止上班", by=user)
    row = CalendarDay.objects.get(date=date(2020, 6, 20))
    assert (row.is_working_day, row.source, row.declared_by) == (False, "declared", user)
    assert (row.previous_note, row.previous_source) == ("補行上班", "official")
    services.calendar_revoke_day_off(day=date(2020, 6, 20), by=user)
    row.refresh_from_db()
    assert (row.is_working_day, row.note, row.source) == (True, "補行上班", "official")
    assert row.declared_by is None


def test_declaring_raises_the_calendar_version() -> None:
    before = CalendarVersion.objects.get().version
    services.calendar_declare_day_off(day=date(2025, 7, 29), reason="颱風停止上班")
    assert CalendarVersion.objects.get().version == before + 1


def test_an_empty_reason_becomes_the_typhoon_reason() -> None:
    row = services.calendar_declare_day_off(day=date(2025, 7, 29), reason="  ")
    assert row.note == "颱風停止上班"


def test_a_day_that_is_already_off_cannot_be_declared_off() -> None:
    with pytest.raises(ValueError, match="already a day off"):
        services.calendar_declare_day_off(day=date(2020, 6, 25), reason="颱風停止上班")


def test_a_day_outside_the_calendar_cannot_be_declared_off() -> None:
    with pytest.raises(CalendarRangeError):
        services.calendar_declare_day_off(day=date(2030, 7, 29), reason="颱風停止上班")


def test_only_a_declared_day_off_can_be_revoked() -> None:
    with pytest.raises(ValueError, match="not a declared day off"):
        services.calendar_revoke_day_off(day=date(2020, 6, 25))


def test_declaring_a_day_off_sends_a_signal_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    received: list[dict] = []

    def listener(sender, **kwargs) -> None:
        received.append(kwargs)

    calendar_day_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_declare_day_off(day=date(2025, 7, 29), reason="颱風停止上班")
    finally:
        calendar_day_changed.disconnect(listener)
    assert [(k["day"], k["is_working_day"], k["by"]) for k in received] == [
        (date(2025, 7, 29), False, None)
    ]


# --- the cache ------------------------------------------------------------------------


def test_a_change_by_another_process_is_noticed_through_the_version(settings) -> None:
    settings.YANKAO_CALENDAR_CHECK_SECONDS = 0
    assert services.is_working_day(date(2025, 7, 29))
    # Another process changes the table and raises the version.
    CalendarDay.objects.filter(date=date(2025, 7, 29)).update(is_working_day=False)
    assert services.is_working_day(date(2025, 7, 29))  # the version has not moved yet
    services.loading.bump_version(CalendarVersion)
    assert not services.is_working_day(date(2025, 7, 29))


def test_the_version_is_checked_at_most_every_few_seconds(settings) -> None:
    settings.YANKAO_CALENDAR_CHECK_SECONDS = 3600
    assert services.is_working_day(date(2025, 7, 29))
    CalendarDay.objects.filter(date=date(2025, 7, 29)).update(is_working_day=False)
    services.loading.bump_version(CalendarVersion)
    assert services.is_working_day(date(2025, 7, 29))  # still the cached copy
    services.invalidate_cache()
    assert not services.is_working_day(date(2025, 7, 29))


def test_an_empty_calendar_says_to_load_it() -> None:
    CalendarDay.objects.all().delete()
    services.calendar_changed()
    with pytest.raises(CalendarRangeError, match="yankao calendar load"):
        services.add_working_days(tpe(2025, 7, 29, 10), 1)
    assert services.calendar_range() is None


def test_a_gap_in_the_calendar_is_reported_not_skipped() -> None:
    CalendarDay.objects.filter(date=date(2025, 7, 30)).delete()
    services.calendar_changed()
    with pytest.raises(CalendarRangeError, match="2025-07-30 is missing"):
        services.add_working_days(tpe(2025, 7, 29, 10), 2)
    assert services.add_working_days(tpe(2025, 7, 25, 10), 1) == due(2025, 7, 28)
