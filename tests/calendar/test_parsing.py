"""The one parser of the API's and Open311's dates and moments: every ISO 8601
date form is the same day, a moment without an offset is Taipei time, and a value
outside the years 2 to 9998 is refused instead of overflowing later."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from yankao.calendar import parsing
from yankao.core.taipei import TAIPEI

FEB_7 = date(2024, 2, 7)


@pytest.mark.parametrize("text", ["2024-02-07", "20240207", "2024-W06-3", "2024W063", "2024-038"])
def test_every_iso_form_of_a_day_is_the_same_day(text):
    assert parsing.parse_api_day(text) == FEB_7
    assert parsing.parse_api_moment(text) == FEB_7


@pytest.mark.parametrize(
    "text",
    [
        "2024038",  # reads like an ROC date (1130207), so refused
        "2024-W06",  # a week, not a day
        "2023-366",  # 2023 has 365 days
        "2024-000",
        "2024-02-30",
        "2024-2-7",
        "113/02/07",
        "tomorrow",
        "",
        "1700000000",
    ],
)
def test_what_is_not_an_iso_day_is_refused(text):
    with pytest.raises(parsing.DateInputError):
        parsing.parse_api_day(text)


def test_the_last_day_of_a_leap_year_by_its_number():
    assert parsing.parse_api_day("2024-366") == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-07T10:00", datetime(2024, 2, 7, 10, tzinfo=TAIPEI)),
        ("20240207T1000", datetime(2024, 2, 7, 10, tzinfo=TAIPEI)),
        ("2024-W06-3T10:00:00", datetime(2024, 2, 7, 10, tzinfo=TAIPEI)),
        ("2024-038T02:00:00Z", datetime(2024, 2, 7, 2, tzinfo=UTC)),
        ("2024-02-07 10:00", datetime(2024, 2, 7, 10, tzinfo=TAIPEI)),
        ("2024-02-07T10:00:00 08:00", datetime(2024, 2, 7, 2, tzinfo=UTC)),  # unencoded +
    ],
)
def test_a_moment_in_its_iso_forms(text, expected):
    found = parsing.parse_api_moment(text)
    assert found == expected
    assert found.tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T23:00:00-10:00",  # UTC: the year 10000
        "0001-01-01T00:00:00+14:00",  # UTC: the year 0
        "0001-01-01T00:00:00",  # Taipei time: UTC in the year 0
        "9999-12-31",
        "0001-01-01",
        "9999-365",
        "9998-12-31T23:00:00-10:00",  # UTC: 9999-01-01
        "0002-01-01T07:00:00+08:00",  # UTC: 0001-12-31
    ],
)
def test_moments_outside_the_years_2_to_9998_are_refused(text):
    with pytest.raises(parsing.OutOfRange) as raised:
        parsing.parse_api_moment(text)
    assert text in str(raised.value)


def test_the_ends_of_the_range_are_accepted_and_convert_both_ways():
    first = parsing.parse_api_moment("0002-01-01T08:00:00+08:00")
    last = parsing.parse_api_moment("9998-12-31T23:59:59+00:00")
    assert isinstance(first, datetime)
    assert isinstance(last, datetime)
    for moment in (first, last):
        moment.astimezone(UTC)
        moment.astimezone(TAIPEI)


@pytest.mark.parametrize("text", ["2024-02-07T25:00", "2024-02-07Tnoon", "2026-13-45T00:00:00Z"])
def test_a_broken_moment_is_refused_naming_the_whole_text(text):
    with pytest.raises(parsing.DateInputError) as raised:
        parsing.parse_api_moment(text)
    assert not isinstance(raised.value, parsing.OutOfRange)
    assert text in str(raised.value)


def test_a_plain_day_becomes_the_given_time_in_taipei():
    assert parsing.on_day(FEB_7, time(9)) == datetime(2024, 2, 7, 9, tzinfo=TAIPEI)
    with pytest.raises(parsing.OutOfRange):
        parsing.on_day(date(9999, 12, 31), time(9))


def test_an_aware_moment_keeps_its_offset():
    moment = datetime(2024, 2, 7, 10, tzinfo=timezone(timedelta(hours=-10)))
    assert parsing.checked_moment(moment) is moment
