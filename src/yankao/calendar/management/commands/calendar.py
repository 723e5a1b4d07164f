import calendar as month_calendar
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yankao.calendar import dgpa
from yankao.calendar.models import CalendarDay
from yankao.calendar.roc import format_roc_short, parse_date
from yankao.calendar.services import (
    DEFAULT_DAY_OFF_REASON,
    CalendarRangeError,
    calendar_declare_day_off,
    calendar_import_file,
    calendar_load_shipped,
    calendar_revoke_day_off,
)


class Command(BaseCommand):
    help = (
        "The official office calendar: load the shipped years, import a DGPA file, "
        "declare or revoke a day off, show a month."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Load every calendar year shipped with the platform.")
        importing = sub.add_parser(
            "import",
            help="Import a DGPA 行政機關辦公日曆表 CSV (UTF-8 with BOM or Big5).",
        )
        importing.add_argument("file", type=Path)
        importing.add_argument(
            "--allow-partial",
            action="store_true",
            help="Accept a file that does not cover whole years.",
        )
        declare = sub.add_parser(
            "declare-off", help="Declare a working day a day off (e.g. a typhoon day)."
        )
        declare.add_argument("date", help="ISO or ROC date, e.g. 2025-07-29 or 114/07/29")
        declare.add_argument("--reason", default=DEFAULT_DAY_OFF_REASON)
        revoke = sub.add_parser("revoke-off", help="Undo a declared day off.")
        revoke.add_argument("date")
        show = sub.add_parser("show", help="Show a month: yankao calendar show 2025-02")
        show.add_argument("month", help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            self.stdout.write(calendar_load_shipped().summary())
        elif action == "import":
            self._import(options["file"], allow_partial=options["allow_partial"])
        elif action == "declare-off":
            day = self._date(options["date"])
            try:
                row = calendar_declare_day_off(day=day, reason=options["reason"])
            except ValueError as exc:  # CalendarRangeError too
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{day.isoformat()} is now a day off ({row.note}).")
        elif action == "revoke-off":
            day = self._date(options["date"])
            try:
                calendar_revoke_day_off(day=day)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{day.isoformat()} is a working day again.")
        else:
            self._show(options["month"])

    def _date(self, text: str) -> date:
        try:
            return parse_date(text)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _import(self, path: Path, *, allow_partial: bool) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            report = calendar_import_file(path, require_whole_years=not allow_partial)
        except dgpa.CalendarFileError as exc:
            raise CommandError(f"{path} was not imported; nothing was changed.\n{exc}") from exc
        self.stdout.write(f"Imported {path.name}. {report.summary()}")

    def _show(self, text: str) -> None:
        try:
            year_text, month_text = text.strip().split("-")
            year, month = int(year_text), int(month_text)
            first = date(year, month, 1)
        except ValueError as exc:
            raise CommandError(f"Expected a month as YYYY-MM, got {text!r}.") from exc
        last = date(year, month, month_calendar.monthrange(year, month)[1])
        rows = {row.date: row for row in CalendarDay.objects.filter(date__range=(first, last))}
        if not rows:
            raise CommandError(str(CalendarRangeError(f"{text} is not in the office calendar.")))
        self.stdout.write(f"{first:%Y-%m} (民國 {year - 1911} 年 {month} 月)")
        working = 0
        for number in range(1, last.day + 1):
            day = date(year, month, number)
            row = rows.get(day)
            if row is None:
                self.stdout.write(f"{day.isoformat()}  {dgpa.weekday_char(day)}  missing")
                continue
            working += row.is_working_day
            kind = "workday" if row.is_working_day else "day off"
            note = f"  {row.note}" if row.note else ""
            source = "" if row.source == "official" else f"  [{row.source}]"
            self.stdout.write(
                f"{day.isoformat()}  {format_roc_short(day)}  {dgpa.weekday_char(day)}  "
                f"{kind:<7}{note}{source}"
            )
        self.stdout.write(f"{working} working days.")
