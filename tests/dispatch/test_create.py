from decimal import Decimal

import pytest

from tests.dispatch import factories
from tests.factories import taipei
from yankao.dispatch.services import DispatchError, LocationError, ticket_create
from yankao.tracking.models import Clock, Status


@pytest.mark.django_db
def test_ticket_goes_to_the_class_agency_with_hours_deadline():
    ticket = factories.ticket(received_at=taipei(2026, 11, 2, 9))
    item = ticket.item
    assert item.kind == "ticket"
    assert item.clock == Clock.HOURS
    assert item.owner_agency.key == "pw-maintenance"
    assert item.status == Status.ASSIGNED
    assert item.time_limit == 4
    assert item.due_at == taipei(2026, 11, 2, 13)
    assert item.number == "派115-000001"
    assert ticket.latitude == Decimal("22.626500")


@pytest.mark.django_db
def test_numbers_count_up_within_a_year_and_restart_in_the_next():
    first = factories.ticket(received_at=taipei(2026, 12, 31, 23))
    second = factories.ticket(received_at=taipei(2026, 12, 31, 23, 30))
    third = factories.ticket(received_at=taipei(2027, 1, 1, 0, 30))
    assert [first.item.number, second.item.number, third.item.number] == [
        "派115-000001",
        "派115-000002",
        "派116-000001",
    ]


@pytest.mark.django_db
def test_coordinates_outside_kaohsiung_are_refused_with_a_clear_message():
    with pytest.raises(LocationError) as refused:
        factories.ticket(latitude="25.033964", longitude="121.564468")  # Taipei 101
    assert "outside Kaohsiung" in str(refused.value)


@pytest.mark.django_db
def test_swapped_coordinates_are_refused():
    with pytest.raises(LocationError):
        factories.ticket(latitude="120.357800", longitude="22.626500")


@pytest.mark.django_db
def test_only_one_coordinate_is_refused():
    with pytest.raises(LocationError):
        factories.ticket(latitude="22.6", longitude="")


@pytest.mark.django_db
def test_a_ticket_needs_a_place():
    with pytest.raises(DispatchError):
        factories.ticket(district=None, address="", latitude=None, longitude=None)


@pytest.mark.django_db
def test_unknown_channel_is_refused():
    with pytest.raises(DispatchError):
        ticket_create(
            by=None,
            ticket_class=factories.ticket_class(),
            description="x",
            district=None,
            address="中正路",
            channel="pigeon",
        )
