"""Loading the city's dispatch classes from `dispatch-classes.csv` in the city's data
folder. Works on the model class it is given, so the data migration can pass its
historical model. Idempotent: a changed file updates the rows it names."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

COLUMNS = ["code", "group", "name", "name_en", "hours", "agency_key"]
FILE_NAME = "dispatch-classes.csv"


class ClassFileError(ValueError):
    pass


def read_classes(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise ClassFileError(
                f"{path.name}: expected columns {COLUMNS}, got {reader.fieldnames}"
            )
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    for number, row in enumerate(rows, start=2):
        if not row["hours"].isdigit() or not 1 <= int(row["hours"]) <= 72:
            raise ClassFileError(f"{path.name} line {number}: hours must be 1 to 72")
        if not row["code"] or not row["name"] or not row["agency_key"]:
            raise ClassFileError(f"{path.name} line {number}: code, name and agency_key needed")
    return rows


def load_classes(class_model: Any, path: Path) -> int:
    rows = read_classes(path)
    for order, row in enumerate(rows):
        class_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "group": row["group"],
                "name": row["name"],
                "name_en": row["name_en"],
                "hours": int(row["hours"]),
                "agency_key": row["agency_key"],
                "sort_order": order,
            },
        )
    return len(rows)
