"""The `yankao calendar` command: load, import, declare-off, revoke-off, show."""

from datetime import date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.calendar.conftest import whole_year_csv
from yankao.calendar import services
from yankao.calendar.models import CalendarDay, CalendarVersion
from yankao.core.taipei import TAIPEI

pytestmark = pytest.mark.django_db


def run(*args: object) -> str:
    out = StringIO()
    call_command("calendar", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_load_reports_the_shipped_years() -> None:
    assert "Years 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027" in run("load")


def test_importing_a_big5_file_adds_its_year(write_file, year_2028_csv: str) -> None:
    path = write_file("2028-big5.csv", year_2028_csv.encode("cp950"))
    output = run("import", path)
    assert "366 days created" in output
    assert CalendarDay.objects.filter(date__year=2028).count() == 366
    assert services.day_info(date(2028, 2, 28)) == services.DayInfo(
        date(2028, 2, 28), False, 0, "和平紀念日"
    )
    assert services.is_working_day(date(2028, 3, 4))  # a Saturday worked
    # Deadlines now reach into 2028: Thu 2027-12-30 → Dec 31 off (補假), Mon 2028-01-03.
    received = date(2027, 12, 30)
    assert services.add_working_days_to_date(received, 1) == date(2028, 1, 3)


def test_importing_a_utf8_file_with_a_byte_order_mark_works(
    write_file,
    year_2028_csv: str,
) -> None:
    path = write_file("2028-utf8.csv", year_2028_csv.encode("utf-8-sig"))
    run("import", path)
    assert CalendarDay.objects.get(date=date(2028, 2, 28)).note == "和平紀念日"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    write_file,
    year_2028_csv: str,
) -> None:
    path = write_file("2028.csv", year_2028_csv.encode("utf-8-sig"))
    run("import", path)
    version = CalendarVersion.objects.get().version
    assert "0 days created, 0 updated, 366 unchanged" in run("import", path)
    assert CalendarVersion.objects.get().version == version


def test_an_import_updates_changed_days(write_file) -> None:
    corrected = whole_year_csv(2026, {date(2026, 12, 25): "行憲紀念日"})
    path = write_file("2026.csv", corrected.encode("cp950"))
    output = run("import", path)
    # The shipped 2026 has 22 weekday days off besides Christmas; they become workdays.
    assert "0 days created" in output
    assert CalendarDay.objects.get(date=date(2026, 5, 1)).is_working_day


@pytest.mark.parametrize(
    "content",
    [
        "date,weekday,off,note\r\n",
        "西元日期,星期,是否放假,備註\r\n20280101,六,1,\r\n",
        "西元日期,星期,是否放假,備註\r\n20280101,日,2,\r\n",
    ],
)
def test_a_bad_file_is_rejected_and_nothing_is_written(write_file, content: str) -> None:
    path = write_file("bad.csv", content.encode("utf-8-sig"))
    with pytest.raises(CommandError, match="nothing was changed"):
        run("import", path)
    assert not CalendarDay.objects.filter(date__year=2028).exists()


def test_one_bad_row_in_a_whole_year_rejects_the_whole_file(
    write_file,
    year_2028_csv: str,
) -> None:
    broken = year_2028_csv.replace("20281231,日,2,", "20281231,日,9,")
    path = write_file("2028.csv", broken.encode("cp950"))
    with pytest.raises(CommandError, match="Line 367"):
        run("import", path)
    assert not CalendarDay.objects.filter(date__year=2028).exists()


def test_a_bad_row_in_an_existing_year_leaves_that_year_unchanged(write_file) -> None:
    text = whole_year_csv(2026, {}).replace("20261231,四,0,", "20261231,四,x,")
    path = write_file("2026.csv", text.encode("utf-8-sig"))
    with pytest.raises(CommandError):
        run("import", path)
    assert not CalendarDay.objects.get(date=date(2026, 5, 1)).is_working_day


def test_a_partial_file_needs_allow_partial(write_file) -> None:
    content = "西元日期,星期,是否放假,備註\r\n20280103,一,2,颱風停止上班\r\n"
    path = write_file("part.csv", content.encode("cp950"))
    with pytest.raises(CommandError, match="incomplete"):
        run("import", path)
    run("import", path, "--allow-partial")
    assert CalendarDay.objects.get(date=date(2028, 1, 3)).note == "颱風停止上班"


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run("import", tmp_path / "nope.csv")


def test_declare_off_accepts_an_roc_date_and_moves_deadlines() -> None:
    output = run("declare-off", "109/06/22", "--reason", "颱風停止上班")
    assert output.strip() == "2020-06-22 is now a day off (颱風停止上班)."
    # Thu 18 10:00 + 6: Fri 19, Sat 20, (Mon 22 off), Tue 23, Wed 24, Mon 29, Tue 30.
    received = datetime(2020, 6, 18, 10, 0, tzinfo=TAIPEI)
    assert services.add_working_days(received, 6) == datetime(
        2020, 6, 30, 23, 59, 59, tzinfo=TAIPEI
    )


def test_declare_off_defaults_to_a_typhoon_day() -> None:
    run("declare-off", "2025-07-29")
    assert CalendarDay.objects.get(date=date(2025, 7, 29)).note == "颱風停止上班"


def test_declare_off_refuses_a_holiday_and_a_bad_date() -> None:
    with pytest.raises(CommandError, match="already a day off"):
        run("declare-off", "2020-06-25")
    with pytest.raises(CommandError, match="not a real date"):
        run("declare-off", "2020-06-31")


def test_revoke_off_undoes_a_declaration() -> None:
    run("declare-off", "2025-07-29")
    assert run("revoke-off", "2025-07-29").strip() == "2025-07-29 is a working day again."
    assert CalendarDay.objects.get(date=date(2025, 7, 29)).is_working_day
    with pytest.raises(CommandError, match="not a declared day off"):
        run("revoke-off", "2025-07-29")


def test_show_lists_a_month_with_its_notes() -> None:
    output = run("show", "2020-06")
    assert output.startswith("2020-06 (民國 109 年 6 月)")
    assert "2020-06-20  109/06/20  六  workday  補行上班" in output
    assert "2020-06-25  109/06/25  四  day off  端午節" in output
    assert output.rstrip().endswith("21 working days.")


def test_show_marks_declared_days() -> None:
    run("declare-off", "2025-07-29")
    assert "2025-07-29  114/07/29  二  day off  颱風停止上班  [declared]" in run("show", "2025-07")


@pytest.mark.parametrize("month", ["2020-13", "June", "2030-01"])
def test_show_rejects_a_bad_or_unknown_month(month: str) -> None:
    with pytest.raises(CommandError):
        run("show", month)
