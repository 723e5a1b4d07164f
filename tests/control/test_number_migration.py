"""The data migration that gives directive numbers six digits (control 0002)."""

from importlib import import_module

import pytest
from django.apps import apps

from tests.factories import item
from yankao.tracking.models import TrackedItem

migration = import_module("yankao.control.migrations.0002_directive_numbers_six_digits")

pytestmark = pytest.mark.django_db


def _numbered(kind: str, number: str) -> TrackedItem:
    made = item(kind=kind)
    TrackedItem.objects.filter(pk=made.pk).update(number=number)
    return made


def _numbers(rows: list[TrackedItem]) -> list[str]:
    return [TrackedItem.objects.get(pk=row.pk).number for row in rows]


def test_old_directive_numbers_get_six_digits_and_sort_with_new_ones():
    old = [_numbered("directive", f"指115-{n:05d}") for n in (1, 42, 12345)]
    new = _numbered("directive", "指115-000007")
    migration.pad(apps, None)
    numbers = _numbers([*old, new])
    assert numbers == ["指115-000001", "指115-000042", "指115-012345", "指115-000007"]
    assert sorted(numbers) == ["指115-000001", "指115-000007", "指115-000042", "指115-012345"]


def test_other_kinds_and_other_shapes_are_left_alone():
    others = [
        _numbered("sample", "指115-00001"),  # another kind's number, however it looks
        _numbered("directive", "指115-123456"),
        _numbered("directive", "D-00001"),
    ]
    migration.pad(apps, None)
    assert _numbers(others) == ["指115-00001", "指115-123456", "D-00001"]


def test_the_migration_can_be_undone():
    rows = [_numbered("directive", "指115-00042"), _numbered("directive", "指115-000043")]
    migration.pad(apps, None)
    migration.unpad(apps, None)
    assert _numbers(rows) == ["指115-00042", "指115-00043"]
