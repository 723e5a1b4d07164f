"""Reading DGPA calendar files: encodings and validation (no database)."""

from datetime import date

import pytest

from tests.calendar.conftest import whole_year_csv
from yankao.calendar import dgpa

HEADER = "西元日期,星期,是否放假,備註\r\n"


def test_a_big5_file_is_decoded_as_cp950() -> None:
    text, encoding = dgpa.decode((HEADER + "20250208,六,0,補行上班\r\n").encode("cp950"))
    assert encoding == "cp950"
    assert "補行上班" in text


def test_a_utf8_file_with_a_byte_order_mark_is_decoded_without_the_mark() -> None:
    text, encoding = dgpa.decode((HEADER + "20250208,六,0,補行上班\r\n").encode("utf-8-sig"))
    assert encoding == "utf-8-sig"
    assert text.startswith("西元日期")


def test_a_partial_file_parses_when_whole_years_are_not_required() -> None:
    raw = (HEADER + "20250208,六,0,補行上班\r\n20250209,日,2,\r\n").encode("cp950")
    days = dgpa.parse_bytes(raw, require_whole_years=False)
    assert days == [
        dgpa.ParsedDay(date(2025, 2, 8), True, "補行上班"),
        dgpa.ParsedDay(date(2025, 2, 9), False, ""),
    ]


def test_a_whole_year_parses_in_date_order() -> None:
    days = dgpa.parse_text(whole_year_csv(2028, {date(2028, 2, 28): "和平紀念日"}))
    assert len(days) == 366
    assert days[0].date == date(2028, 1, 1)
    assert days[-1].date == date(2028, 12, 31)
    assert dgpa.ParsedDay(date(2028, 2, 28), False, "和平紀念日") in days


def test_a_three_column_row_without_a_note_is_accepted() -> None:
    days = dgpa.parse_text(HEADER + "20250210,一,0\r\n", require_whole_years=False)
    assert days == [dgpa.ParsedDay(date(2025, 2, 10), True, "")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("date,weekday,off,note\r\n20250210,一,0,\r\n", "header"),
        (HEADER, "no days"),
        (HEADER + "2025021,一,0,\r\n", "YYYYMMDD"),
        (HEADER + "20250230,一,0,\r\n", "not a real date"),
        (HEADER + "20250210,二,0,\r\n", "should be '一'"),
        (HEADER + "20250210,一,1,\r\n", r"0 \(workday\) or 2 \(day off\)"),
        (HEADER + "20250210,一,0,\r\n20250210,一,0,\r\n", "appears twice"),
        (HEADER + "20250210,一,0,,extra\r\n", "4 columns"),
    ],
)
def test_bad_content_is_rejected_with_a_clear_message(content: str, message: str) -> None:
    with pytest.raises(dgpa.CalendarFileError, match=message):
        dgpa.parse_text(content, require_whole_years=False)


def test_an_incomplete_year_is_rejected_naming_the_missing_days() -> None:
    text = whole_year_csv(2028, {}).replace("20280229,二,0,\r\n", "")
    with pytest.raises(dgpa.CalendarFileError, match=r"2028 is incomplete.*2028-02-29"):
        dgpa.parse_text(text)


def test_errors_name_their_line_numbers() -> None:
    with pytest.raises(dgpa.CalendarFileError, match="Line 3"):
        dgpa.parse_text(HEADER + "20250210,一,0,\r\n20250211,二,x,\r\n", require_whole_years=False)


def test_bytes_that_are_neither_utf8_nor_big5_are_rejected() -> None:
    with pytest.raises(dgpa.CalendarFileError, match="neither UTF-8 nor Big5"):
        dgpa.decode(b"\xff\xff\xff\xff")


def test_a_byte_order_mark_followed_by_bad_utf8_is_rejected() -> None:
    with pytest.raises(dgpa.CalendarFileError, match="byte-order mark"):
        dgpa.decode(b"\xef\xbb\xbf\xff\xfe")


def test_written_csv_reads_back_the_same_days() -> None:
    days = [dgpa.ParsedDay(date(2025, 2, 8), True, "補行上班")]
    assert dgpa.to_csv(days) == HEADER + "20250208,六,0,補行上班\r\n"
    assert dgpa.parse_text(dgpa.to_csv(days), require_whole_years=False) == days


def test_eight_years_are_shipped() -> None:
    assert [path.stem for path in dgpa.shipped_files()] == [str(y) for y in range(2020, 2028)]
