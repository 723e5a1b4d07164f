"""ROC dates: formatting and parsing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from yankao.calendar import roc

UTC = ZoneInfo("UTC")


def test_the_long_form_spells_out_the_roc_year() -> None:
    assert roc.format_roc_long(date(2026, 11, 26)) == "民國 115 年 11 月 26 日"
    assert roc.format_roc_long(date(2020, 6, 5)) == "民國 109 年 6 月 5 日"


def test_the_short_form_pads_month_and_day() -> None:
    assert roc.format_roc_short(date(2026, 11, 26)) == "115/11/26"
    assert roc.format_roc_short(date(2020, 6, 5)) == "109/06/05"
    assert roc.format_roc_short(date(1912, 1, 1)) == "1/01/01"


def test_datetimes_are_shown_in_taipei_time() -> None:
    moment = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)  # 14:30 in Taipei
    assert roc.format_roc_short_datetime(moment) == "115/11/26 14:30"
    assert roc.format_roc_long_datetime(moment) == "民國 115 年 11 月 26 日 14:30"
    assert roc.format_roc_datetime(moment) == "115/11/26 14:30"
    assert roc.format_roc_datetime(moment, long=True) == "民國 115 年 11 月 26 日 14:30"
    assert roc.format_iso_datetime(moment) == "2026-11-26 14:30"


def test_a_utc_evening_is_the_next_day_in_taipei() -> None:
    assert roc.format_roc_short(datetime(2026, 11, 25, 16, 30, tzinfo=UTC)) == "115/11/26"
    assert roc.format_roc_short_datetime(datetime(2026, 11, 25, 16, 30, tzinfo=UTC)) == (
        "115/11/26 00:30"
    )


def test_a_date_before_the_republic_cannot_be_formatted() -> None:
    with pytest.raises(ValueError, match="before ROC year 1"):
        roc.format_roc_short(date(1911, 12, 31))


@pytest.mark.parametrize(
    "text",
    [
        "115/11/26",
        "115-11-26",
        "115.11.26",
        "1151126",
        "民國115年11月26日",
        "民國 115 年 11 月 26 日",
        "中華民國115年11月26日",
        "115年11月26日",
        "１１５／１１／２６",
        "民國１１５年１１月２６日",
        "2026-11-26",
        "2026/11/26",
        "２０２６－１１－２６",
        "20261126",
        "2026年11月26日",
        "  115/11/26 ",
    ],
)
def test_roc_and_iso_forms_parse_to_the_same_date(text: str) -> None:
    assert roc.parse_date(text) == date(2026, 11, 26)


def test_short_years_and_unpadded_parts_parse() -> None:
    assert roc.parse_date("99/12/31") == date(2010, 12, 31)
    assert roc.parse_date("991231") == date(2010, 12, 31)
    assert roc.parse_date("115/1/5") == date(2026, 1, 5)
    assert roc.parse_date("1/1/1") == date(1912, 1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a date"),
        ("tomorrow", "is not a date"),
        ("0/11/26", "ROC year must be 1 or later"),
        ("-1/11/26", "ROC year must be 1 or later"),
        ("民國0年1月1日", "ROC year must be 1 or later"),
        ("115/02/29", "not a real date"),  # 2026 is not a leap year
        ("113/02/30", "not a real date"),
        ("115/13/01", "not a real date"),
        ("2026-02-30", "not a real date"),
        ("115/11/26/1", "is not a date"),
        ("115/11-26", "is not a date"),
        ("民國20261126", "at most 3 digits"),
        ("2026-11-26T10:00", "is not a date"),
        ("12345", "is not a date"),
    ],
)
def test_bad_dates_are_rejected_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        roc.parse_date(text)


def test_leap_day_in_an_roc_leap_year_parses() -> None:
    assert roc.parse_date("113/02/29") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "day", [date(1912, 1, 1), date(2020, 6, 20), date(2024, 2, 29), date(2026, 11, 26)]
)
def test_formatted_dates_parse_back(day: date) -> None:
    assert roc.parse_date(roc.format_roc_short(day)) == day
    assert roc.parse_date(roc.format_roc_long(day)) == day
    assert roc.parse_date(day.isoformat()) == day
