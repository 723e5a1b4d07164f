"""A city's data folder is found one way (organisation.services.city_data_dir):
pointing YANKAO_CITY at another folder changes what every loader reads."""

import csv
import shutil
from pathlib import Path

import pytest

from yankao.dispatch.models import TicketClass
from yankao.dispatch.services import dispatch_reference_load
from yankao.legal.models import Venue
from yankao.legal.services import venues_load
from yankao.organisation.models import Agency, District
from yankao.organisation.services import city_data_dir, city_load
from yankao.petitions.models import Category
from yankao.petitions.services import petition_reference_load

pytestmark = pytest.mark.django_db

RENAMED = "另一座城市"


def _rename(path: Path, key_column: str, key: str) -> None:
    """Give the row whose `key_column` is `key` the name RENAMED."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        if row[key_column] == key:
            row["name"] = f"{RENAMED}{row['name']}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def another_city(tmp_path: Path) -> Path:
    """A copy of the shipped city with one name changed in each file, in a package
    folder of its own (tmp_path/data/cities/another-city)."""
    folder = tmp_path / "data" / "cities" / "another-city"
    shutil.copytree(city_data_dir("kaohsiung"), folder)
    _rename(folder / "agencies.csv", "key", "public-works")
    _rename(folder / "districts.csv", "key", "fengshan")
    _rename(folder / "petition-categories.csv", "code", "01")
    _rename(folder / "dispatch-classes.csv", "code", "101")
    _rename(folder / "legal-venues.csv", "key", "service-centre")
    return folder


def test_the_shipped_city_is_the_default(settings):
    assert settings.YANKAO_CITY == "kaohsiung"
    assert (city_data_dir() / "agencies.csv").is_file()
    assert city_data_dir() == city_data_dir("kaohsiung")


@pytest.mark.parametrize("by", ["name", "path"])
def test_yankao_city_pointing_to_another_folder_changes_every_loader(settings, another_city, by):
    if by == "name":  # a city the package ships
        settings.PACKAGE_DIR = str(another_city.parent.parent.parent)
        settings.YANKAO_CITY = another_city.name
    else:  # a folder the city keeps outside the package
        settings.YANKAO_CITY = str(another_city)
    assert city_data_dir() == another_city
    city_load()
    petition_reference_load()
    dispatch_reference_load()
    venues_load()
    assert Agency.objects.get(key="public-works").name.startswith(RENAMED)
    assert District.objects.get(key="fengshan").name.startswith(RENAMED)
    assert Category.objects.get(code="01").name.startswith(RENAMED)
    assert TicketClass.objects.get(code="101").name.startswith(RENAMED)
    assert Venue.objects.get(key="service-centre").name.startswith(RENAMED)
