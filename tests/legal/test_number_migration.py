"""The data migration that gives booking numbers six digits (legal 0003), and the
public look-up that still finds a booking by the number printed before it."""

from importlib import import_module

import pytest
from django.apps import apps

from tests.legal import factories
from yankao.legal.models import Booking
from yankao.legal.selectors import booking_by_number_and_code
from yankao.legal.services import Booked

migration = import_module("yankao.legal.migrations.0003_booking_numbers_six_digits")

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(centre):
    return factories.session(centre)


def _old(booked: Booked, number: str) -> Booking:
    Booking.objects.filter(pk=booked.booking.pk).update(number=number)
    return booked.booking


def _numbers(rows: list[Booking]) -> list[str]:
    return [Booking.objects.get(pk=row.pk).number for row in rows]


def test_old_booking_numbers_get_six_digits_and_sort_with_new_ones(session):
    old = [
        _old(factories.booking(session, slot), f"L1151102-{n:04d}") for slot, n in [(0, 9), (1, 42)]
    ]
    new = _old(factories.booking(session, 2), "L1151102-000010")
    longer = _old(factories.booking(session, 3), "L1151102-12345")
    migration.pad(apps, None)
    numbers = _numbers([*old, new, longer])
    assert numbers == ["L1151102-000009", "L1151102-000042", "L1151102-000010", "L1151102-012345"]
    assert sorted(numbers) == [numbers[0], numbers[2], numbers[1], numbers[3]]


def test_numbers_of_another_shape_are_left_alone(session):
    bench = _old(factories.booking(session, 0), "B000000001")
    migration.pad(apps, None)
    assert _numbers([bench]) == ["B000000001"]


def test_the_migration_can_be_undone(session):
    rows = [_old(factories.booking(session, 0), "L1151102-0042")]
    migration.pad(apps, None)
    migration.unpad(apps, None)
    assert _numbers(rows) == ["L1151102-0042"]


def test_the_number_as_printed_before_still_finds_the_booking(session):
    booked = factories.booking(session)
    number = booked.booking.number
    assert len(number.split("-")[1]) == 6
    short = f"{number.split('-')[0]}-{int(number.split('-')[1]):04d}"
    assert booking_by_number_and_code(short, booked.code) == booked.booking
    assert booking_by_number_and_code(f" {short.lower()} ", booked.code) == booked.booking
    assert booking_by_number_and_code(short, "AAAAAAAA") is None
