"""Fixtures of the calendar tests.

The test database already holds the shipped calendar (the data migration loads
it). Tests roll back their changes, so the in-memory calendar is dropped around
every test; otherwise a day declared off in one test would linger in the next.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from yankao.calendar import services

WEEKDAYS = "一二三四五六日"


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    services.invalidate_cache()
    yield
    services.invalidate_cache()


def whole_year_csv(year: int, offs: dict[date, str], makeup: set[date] | None = None) -> str:
    """A DGPA-format calendar of a whole year: weekends off, plus the given days off."""
    makeup = makeup or set()
    lines = ["西元日期,星期,是否放假,備註"]
    day = date(year, 1, 1)
    while day.year == year:
        if day in makeup:
            flag, note = "0", "補行上班"
        elif day in offs:
            flag, note = "2", offs[day]
        elif day.weekday() >= 5:
            flag, note = "2", ""
        else:
            flag, note = "0", ""
        lines.append(f"{day:%Y%m%d},{WEEKDAYS[day.weekday()]},{flag},{note}")
        day += timedelta(days=1)
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def year_2028_csv() -> str:
    """2028 with 和平紀念日 on Monday 2028-02-28 and a made-up make-up Saturday."""
    return whole_year_csv(2028, {date(2028, 2, 28): "和平紀念日"}, {date(2028, 3, 4)})


@pytest.fixture
def write_file(tmp_path: Path):
    def write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write
