"""Writing parsed calendar days into the table.

Kept free of imports of the app's models so that the data migration can call it
with its historical models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone

from yankao.calendar.dgpa import PROVISIONAL_YEARS, ParsedDay, parse_file, shipped_files

OFFICIAL = "official"
DECLARED = "declared"
GENERATED = "generated"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_declared: int = 0
    kept_official: int = 0
    years: list[int] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def merge(self, other: LoadReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.kept_declared += other.kept_declared
        self.kept_official += other.kept_official
        self.years.extend(year for year in other.years if year not in self.years)

    def summary(self) -> str:
        years = ", ".join(str(year) for year in sorted(self.years)) or "none"
        text = (
            f"Years {years}: {self.created} days created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        if self.kept_declared:
            text += f", {self.kept_declared} declared days off kept"
        if self.kept_official:
            text += f", {self.kept_official} official days not replaced by provisional data"
        return text + "."


def bump_version(version_model: Any) -> None:
    """Raise the calendar version so every process reloads its cached calendar."""
    updated = version_model.objects.filter(pk=1).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not updated:
        version_model.objects.get_or_create(pk=1, defaults={"version": 1})


def upsert_days(
    day_model: Any, version_model: Any, days: Sequence[ParsedDay], *, source: str
) -> LoadReport:
    """Insert or update the given days; idempotent.

    A declared day off (typhoon) survives a file that calls the day a workday, and
    rows that came from an official file are never replaced by provisional data.
    """
    report = LoadReport(years=sorted({day.date.year for day in days}))
    if not days:
        return report
    ordered = sorted(days, key=lambda day: day.date)
    existing = {
        row.date: row
        for row in day_model.objects.filter(date__range=(ordered[0].date, ordered[-1].date))
    }
    now = timezone.now()
    to_create = []
    to_update = []
    for day in ordered:
        row = existing.get(day.date)
        if row is None:
            to_create.append(
                day_model(
                    date=day.date, is_working_day=day.is_working_day, note=day.note, source=source
                )
            )
            continue
        if row.source == DECLARED and day.is_working_day:
            report.kept_declared += 1
            if (row.previous_note, row.previous_source) != (day.note, source):
                row.previous_note, row.previous_source = day.note, source
                row.updated_at = now
                to_update.append(row)
            continue
        if row.source == OFFICIAL and source == GENERATED:
            report.kept_official += 1
            continue
        wanted = (day.is_working_day, day.note, source, "", "", None)
        current = (
            row.is_working_day,
            row.note,
            row.source,
            row.previous_note,
            row.previous_source,
            row.declared_by_id,
        )
        if current == wanted:
            report.unchanged += 1
            continue
        row.is_working_day, row.note, row.source = day.is_working_day, day.note, source
        row.previous_note, row.previous_source, row.declared_by_id = "", "", None
        row.updated_at = now
        to_update.append(row)
        report.updated += 1
    day_model.objects.bulk_create(to_create, batch_size=500)
    report.created = len(to_create)
    if to_update:
        day_model.objects.bulk_update(
            to_update,
            [
                "is_working_day",
                "note",
                "source",
                "previous_note",
                "previous_source",
                "declared_by",
                "updated_at",
            ],
            batch_size=500,
        )
    if to_create or to_update:
        bump_version(version_model)
    return report


def load_shipped(day_model: Any, version_model: Any) -> LoadReport:
    """Load every calendar file shipped with the platform (idempotent)."""
    report = LoadReport()
    for path in shipped_files():
        year = int(path.stem)
        source = GENERATED if year in PROVISIONAL_YEARS else OFFICIAL
        report.merge(upsert_days(day_model, version_model, parse_file(path), source=source))
    return report
