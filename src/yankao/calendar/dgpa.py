"""Reading the DGPA office calendar file (「中華民國政府行政機關辦公日曆表」).

The Directorate-General of Personnel Administration publishes one CSV per year on
the national open-data portal (dataset 14718)::

    西元日期,星期,是否放假,備註
    20250208,六,0,補行上班

是否放假 is ``0`` for a workday and ``2`` for a day off. Files come in UTF-8 with a
byte-order mark or in Big5/cp950. This module only parses and validates; it never
touches the database, so the data migration can use it too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

HEADER = ("西元日期", "星期", "是否放假", "備註")
WEEKDAY_CHARS = "一二三四五六日"  # Monday first, as date.weekday()
WORKDAY_FLAG = "0"
DAY_OFF_FLAG = "2"
MAX_NOTE_LENGTH = 50

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "data" / "calendar"
# Years whose shipped file is derived from the holiday rules, not yet the official file.
PROVISIONAL_YEARS = frozenset({2027})


class CalendarFileError(ValueError):
    """The file is not a valid DGPA office calendar; the message says where and why."""


@dataclass(frozen=True, slots=True)
class ParsedDay:
    date: date
    is_working_day: bool
    note: str


def decode(raw: bytes) -> tuple[str, str]:
    """Decode the file's bytes; returns (text, encoding name).

    UTF-8 (with or without a byte-order mark) is tried first; a file that is not
    valid UTF-8 is read as Big5 in Microsoft's cp950 variant.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise CalendarFileError(
                f"The file starts with a UTF-8 byte-order mark but is not valid UTF-8 "
                f"(byte {exc.start + 3})."
            ) from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp950"), "cp950"
    except UnicodeDecodeError as exc:
        raise CalendarFileError(
            f"The file is neither UTF-8 nor Big5/cp950 text (undecodable byte at {exc.start})."
        ) from exc


def parse_text(text: str, *, require_whole_years: bool = True) -> list[ParsedDay]:
    """Parse and validate the CSV text; return the days sorted by date.

    Every problem is collected and reported together (up to 20 lines), so a bad
    file is rejected as a whole.
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise CalendarFileError("The file is empty.")
    header = tuple(cell.strip() for cell in rows[0])
    if header[:4] != HEADER or any(header[4:]):
        raise CalendarFileError(
            f"Line 1: expected the header {','.join(HEADER)!r}, found {','.join(header)!r}."
        )
    errors: list[str] = []
    days: dict[date, ParsedDay] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue  # a blank line
        try:
            parsed = _parse_row(cells)
        except CalendarFileError as exc:
            errors.append(f"Line {line_no}: {exc}")
            continue
        if parsed.date in days:
            errors.append(f"Line {line_no}: {parsed.date.isoformat()} appears twice.")
            continue
        days[parsed.date] = parsed
    if not errors and not days:
        errors.append("The file has a header but no days.")
    if not errors and require_whole_years:
        errors.extend(_missing_days(days))
    if errors:
        shown = errors[:20]
        if len(errors) > 20:
            shown.append(f"… and {len(errors) - 20} more problems.")
        raise CalendarFileError("\n".join(shown))
    return [days[key] for key in sorted(days)]


def _parse_row(cells: list[str]) -> ParsedDay:
    if len(cells) < 3 or (len(cells) > 4 and any(cells[4:])):
        raise CalendarFileError(f"expected 4 columns, found {len(cells)}.")
    raw_date, weekday, flag = cells[0], cells[1], cells[2]
    note = cells[3] if len(cells) > 3 else ""
    if len(raw_date) != 8 or not raw_date.isdigit() or not raw_date.isascii():
        raise CalendarFileError(f"西元日期 must be YYYYMMDD, found {raw_date!r}.")
    try:
        day = datetime.strptime(raw_date, "%Y%m%d").date()  # noqa: DTZ007 - a plain date
    except ValueError as exc:
        raise CalendarFileError(f"{raw_date} is not a real date.") from exc
    expected = WEEKDAY_CHARS[day.weekday()]
    if weekday != expected:
        raise CalendarFileError(
            f"星期 of {day.isoformat()} should be {expected!r}, found {weekday!r}."
        )
    if flag not in (WORKDAY_FLAG, DAY_OFF_FLAG):
        raise CalendarFileError(
            f"是否放假 must be 0 (workday) or 2 (day off), found {flag!r} on {day.isoformat()}."
        )
    if len(note) > MAX_NOTE_LENGTH:
        raise CalendarFileError(f"備註 is longer than {MAX_NOTE_LENGTH} characters.")
    return ParsedDay(date=day, is_working_day=flag == WORKDAY_FLAG, note=note)


def _missing_days(days: dict[date, ParsedDay]) -> list[str]:
    problems = []
    for year in sorted({day.year for day in days}):
        first = date(year, 1, 1)
        expected = (date(year + 1, 1, 1) - first).days
        present = sum(1 for day in days if day.year == year)
        if present != expected:
            missing = [
                first + timedelta(days=i)
                for i in range(expected)
                if first + timedelta(days=i) not in days
            ]
            listed = ", ".join(day.isoformat() for day in missing[:5])
            more = "…" if len(missing) > 5 else ""
            problems.append(
                f"Year {year} is incomplete: {present} of {expected} days present; "
                f"missing {listed}{more}."
            )
    return problems


def parse_bytes(raw: bytes, *, require_whole_years: bool = True) -> list[ParsedDay]:
    text, _encoding = decode(raw)
    return parse_text(text, require_whole_years=require_whole_years)


def parse_file(path: Path, *, require_whole_years: bool = True) -> list[ParsedDay]:
    return parse_bytes(path.read_bytes(), require_whole_years=require_whole_years)


def shipped_files() -> list[Path]:
    """The calendar files shipped with the platform, one per year, oldest first."""
    return sorted(
        path for path in SHIPPED_DIR.glob("*.csv") if path.stem.isdigit() and len(path.stem) == 4
    )


def weekday_char(day: date) -> str:
    return WEEKDAY_CHARS[day.weekday()]


def to_csv(days: Iterable[ParsedDay]) -> str:
    """Write days back in the DGPA format (used by tests and exports)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for day in days:
        flag = WORKDAY_FLAG if day.is_working_day else DAY_OFF_FLAG
        writer.writerow([day.date.strftime("%Y%m%d"), weekday_char(day.date), flag, day.note])
    return out.getvalue()
