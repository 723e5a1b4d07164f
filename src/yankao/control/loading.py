"""Loading the mayor's policy pillars and pledges from `mayor-pledges.csv` in the
city's data folder. Works on the model classes it is given, so the data migration
can pass its historical models. Idempotent: a changed file updates the rows it
names; pledges it no longer names are marked inactive, never deleted (programmes
keep pointing at them).

Kaohsiung's file holds the five pillars of the mayor's policy white paper named in
the commission's report (首富經濟, 務實建設, 樂活社會, 國際接軌, 青年城市) and its 14
pledges; the pledges' names are short paraphrases from public reporting of the
white paper, to be checked against the city's own list (they can be edited in the
admin, or the file replaced)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

COLUMNS = ["pillar_code", "pillar_name", "pledge_code", "pledge_name"]
FILE_NAME = "mayor-pledges.csv"


class PledgeFileError(ValueError):
    pass


def read_pledges(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise PledgeFileError(
                f"{path.name}: expected columns {COLUMNS}, got {reader.fieldnames}"
            )
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    codes: set[str] = set()
    for number, row in enumerate(rows, start=2):
        if not all(row[column] for column in COLUMNS):
            raise PledgeFileError(f"{path.name} line {number}: every column needs a value")
        if row["pledge_code"] in codes:
            raise PledgeFileError(f"{path.name} line {number}: pledge code repeated")
        codes.add(row["pledge_code"])
    return rows


def load_pledges(pillar_model: Any, pledge_model: Any, path: Path) -> int:
    rows = read_pledges(path)
    pillars: dict[str, Any] = {}
    for row in rows:
        if row["pillar_code"] not in pillars:
            pillars[row["pillar_code"]], _created = pillar_model.objects.update_or_create(
                code=row["pillar_code"],
                defaults={"name": row["pillar_name"], "sort_order": len(pillars)},
            )
    for order, row in enumerate(rows):
        pledge_model.objects.update_or_create(
            code=row["pledge_code"],
            defaults={
                "pillar": pillars[row["pillar_code"]],
                "name": row["pledge_name"],
                "sort_order": order,
                "is_active": True,
            },
        )
    pledge_model.objects.exclude(code__in=[row["pledge_code"] for row in rows]).update(
        is_active=False
    )
    return len(rows)
