"""Writes to the organisation: loading a city's agencies from its data file."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from yankao.organisation.models import Agency, AgencyLevel, District

AGENCY_FILE_COLUMNS = ["key", "code", "name", "short_name", "name_en", "level", "parent_key"]


@dataclass(frozen=True)
class AgencyLoadResult:
    created: int
    updated: int


def city_data_dir(city: str | None = None) -> Path:
    """The folder of a city's data files (agencies, districts, petition categories
    and routing, dispatch classes, legal venues): the one way every loader finds
    them. `city` (default: settings.YANKAO_CITY) names a folder the project ships
    under data/cities/, or is the absolute path of a folder the city keeps itself."""
    return Path(settings.PACKAGE_DIR) / "data" / "cities" / (city or settings.YANKAO_CITY)


class AgencyFileError(ValueError):
    pass


def _read_agency_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != AGENCY_FILE_COLUMNS:
            raise AgencyFileError(
                f"{path.name}: expected columns {AGENCY_FILE_COLUMNS}, got {reader.fieldnames}"
            )
        rows = list(reader)
    levels = set(AgencyLevel.values)
    keys: set[str] = set()
    for number, row in enumerate(rows, start=2):
        if row["level"] not in levels:
            raise AgencyFileError(f"{path.name} line {number}: unknown level {row['level']!r}")
        if row["parent_key"] and row["parent_key"] not in keys:
            raise AgencyFileError(
                f"{path.name} line {number}: parent {row['parent_key']!r} must come earlier"
            )
        keys.add(row["key"])
    return rows


@transaction.atomic
def agencies_load(*, path: Path) -> AgencyLoadResult:
    """Create or update agencies from a CSV file (parents before children).
    Keys are stable; names, codes and parents may change between loads."""
    rows = _read_agency_rows(path)
    existing = {agency.key: agency for agency in Agency.objects.all()}
    created = updated = 0
    for order, row in enumerate(rows):
        parent = existing.get(row["parent_key"]) if row["parent_key"] else None
        fields = {
            "code": row["code"],
            "name": row["name"],
            "short_name": row["short_name"],
            "name_en": row["name_en"],
            "level": row["level"],
            "parent": parent,
            "path": f"{parent.path if parent else '/'}{row['key']}/",
            "sort_order": order,
        }
        agency = existing.get(row["key"])
        if agency is None:
            agency = Agency.objects.create(key=row["key"], **fields)
            existing[agency.key] = agency
            created += 1
        else:
            for name, value in fields.items():
                setattr(agency, name, value)
            agency.save()
            updated += 1
    return AgencyLoadResult(created=created, updated=updated)


DISTRICT_FILE_COLUMNS = ["key", "name", "name_en", "postal_code", "office_key"]


@transaction.atomic
def districts_load(*, path: Path) -> AgencyLoadResult:
    """Create or update districts from a CSV file; their offices must be loaded."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != DISTRICT_FILE_COLUMNS:
            raise AgencyFileError(
                f"{path.name}: expected columns {DISTRICT_FILE_COLUMNS}, got {reader.fieldnames}"
            )
        rows = list(reader)
    offices = {a.key: a for a in Agency.objects.filter(key__in=[r["office_key"] for r in rows])}
    created = updated = 0
    for order, row in enumerate(rows):
        office = offices.get(row["office_key"])
        if office is None:
            raise AgencyFileError(f"{path.name}: unknown office {row['office_key']!r}")
        _, was_created = District.objects.update_or_create(
            key=row["key"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "postal_code": row["postal_code"],
                "office": office,
                "sort_order": order,
            },
        )
        created += was_created
        updated += not was_created
    return AgencyLoadResult(created=created, updated=updated)


def city_load(city: str | None = None) -> tuple[AgencyLoadResult, AgencyLoadResult]:
    """Load the agencies and districts of a city from the files the project ships."""
    folder = city_data_dir(city)
    return (
        agencies_load(path=folder / "agencies.csv"),
        districts_load(path=folder / "districts.csv"),
    )
