"""Loading the city's petition reference data (categories and routing rules) from
the CSV files shipped in the city's data folder.

Works on the model classes it is given, so that the data migration can pass its
historical models and the service its real ones. Idempotent: loading twice
changes nothing; a changed file updates the rows it names.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_TIME_LIMIT_DAYS = 6


@dataclass(frozen=True)
class ReferenceLoadResult:
    categories: int
    rules: int
    rules_skipped: int


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def load_categories(category_model: Any, path: Path) -> int:
    """Main items first, then sub-items, so every parent exists when its child is
    saved; a sub-item without a limit of its own takes its parent's."""
    rows = _rows(path)
    limits: dict[str, int] = {}
    ids: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: (bool(r["parent_code"]), r["code"])):
        parent = row["parent_code"]
        own = row.get("time_limit_days", "")
        limit = int(own) if own else limits.get(parent, DEFAULT_TIME_LIMIT_DAYS)
        limits[row["code"]] = limit
        category, _ = category_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "parent_id": ids[parent] if parent else None,
                "time_limit_days": limit,
            },
        )
        ids[row["code"]] = category.pk
    return len(rows)


def load_rules(
    rule_model: Any, category_model: Any, agency_model: Any, district_model: Any, path: Path
) -> tuple[int, int]:
    """Rules whose agency or district is not loaded yet are skipped (and counted),
    so the categories can be loaded before the city's organisation is."""
    categories = dict(category_model.objects.values_list("code", "pk"))
    agencies = dict(agency_model.objects.values_list("key", "pk"))
    districts = dict(district_model.objects.values_list("key", "pk"))
    loaded = skipped = 0
    for row in _rows(path):
        district_key = row["district_key"]
        agency_id = agencies.get(row["agency_key"])
        district_id = districts.get(district_key) if district_key else None
        if row["category_code"] not in categories:
            raise ValueError(f"Routing rule for unknown category {row['category_code']!r}.")
        if agency_id is None or (district_key and district_id is None):
            skipped += 1
            continue
        rule_model.objects.update_or_create(
            category_id=categories[row["category_code"]],
            district_id=district_id,
            defaults={"agency_id": agency_id},
        )
        loaded += 1
    return loaded, skipped


def load_reference(
    *,
    category_model: Any,
    rule_model: Any,
    agency_model: Any,
    district_model: Any,
    folder: Path,
) -> ReferenceLoadResult:
    categories = load_categories(category_model, folder / "petition-categories.csv")
    rules, skipped = load_rules(
        rule_model, category_model, agency_model, district_model, folder / "petition-routing.csv"
    )
    return ReferenceLoadResult(categories=categories, rules=rules, rules_skipped=skipped)
