"""The calendar files shipped in src/yankao/data/calendar."""

import csv
from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "src" / "yankao" / "data" / "calendar"
YEARS = range(2020, 2028)
WEEKDAYS = "一二三四五六日"


def rows(year: int) -> list[list[str]]:
    with (DATA / f"{year}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def flags(year: int) -> dict[str, tuple[str, str]]:
    return {row[0]: (row[2], row[3]) for row in rows(year)[1:]}


@pytest.mark.parametrize("year", YEARS)
def test_every_shipped_year_has_its_header_and_one_row_per_day(year: int) -> None:
    content = rows(year)
    assert content[0] == ["西元日期", "星期", "是否放假", "備註"]
    leap = year % 4 == 0
    assert len(content) - 1 == (366 if leap else 365)
    assert len({row[0] for row in content[1:]}) == len(content) - 1


@pytest.mark.parametrize("year", YEARS)
def test_every_row_has_the_right_weekday_and_a_0_or_2(year: int) -> None:
    for raw, weekday, flag, note in rows(year)[1:]:
        day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        assert day.year == year
        assert weekday == WEEKDAYS[day.weekday()], raw
        assert flag in {"0", "2"}, raw
        if day.weekday() >= 5 and flag == "0":
            assert note == "補行上班", raw
        if day.weekday() < 5:
            assert (flag == "2") == bool(note), f"{raw}: weekday days off are named, workdays not"


def test_the_2020_dragon_boat_festival_is_off_from_june_25_to_28_with_june_20_worked() -> None:
    days = flags(2020)
    assert days["20200620"] == ("0", "補行上班")
    assert days["20200625"] == ("2", "端午節")
    assert days["20200626"] == ("2", "調整放假")
    assert days["20200627"][0] == "2"
    assert days["20200628"][0] == "2"
    assert days["20200629"] == ("0", "")


def test_the_2024_lunar_new_year_is_off_from_february_8_to_14_with_february_17_worked() -> None:
    days = flags(2024)
    for number in range(8, 15):
        assert days[f"202402{number:02d}"][0] == "2"
    assert days["20240208"][1] == "調整放假"
    assert days["20240209"][1] == "除夕"
    assert days["20240213"][1] == "補假"
    assert days["20240215"] == ("0", "")
    assert days["20240217"] == ("0", "補行上班")


def test_2025_february_8_is_a_make_up_workday() -> None:
    assert "20250208,六,0,補行上班" in (DATA / "2025.csv").read_text(encoding="utf-8-sig")


def test_2026_has_no_make_up_workdays_and_labour_day_off() -> None:
    days = flags(2026)
    assert not [key for key, (flag, note) in days.items() if note == "補行上班"]
    assert days["20260501"] == ("2", "勞動節")


def test_the_readme_says_2027_is_provisional() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert "2027 is provisional" in text
    assert "yankao calendar import" in text
    assert "14718" in text
