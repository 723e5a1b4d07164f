from decimal import Decimal

import pytest

from tests.dispatch import factories, files
from tests.factories import taipei
from yankao.dispatch.models import DispatchContact, Ticket
from yankao.dispatch.services import DispatchError, LocationError, ticket_create
from yankao.messaging.models import OutboxMessage
from yankao.organisation.models import Agency
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
    assert "不在高雄市範圍內" in str(refused.value)


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


@pytest.mark.django_db
def test_photos_are_stored_with_the_ticket(media):
    ticket = factories.ticket(photos=[files.checked("hole.jpg")])
    photo = ticket.photos.get()
    assert photo.content_type == "image/jpeg"
    assert photo.report_back is None
    assert photo.original_name == "hole.jpg"


@pytest.mark.django_db
def test_a_pdf_is_not_a_photo(media):
    with pytest.raises(DispatchError) as refused:
        factories.ticket(photos=[files.checked("scan.pdf", files.pdf())])
    assert "不是照片" in str(refused.value)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_the_engine_mails_the_agency_and_the_duty_desk_gets_sms_and_webhook(staff):
    agency = Agency.objects.get(key="pw-maintenance")
    DispatchContact.objects.create(
        agency=agency, duty_phone="0911222333", webhook_url="https://duty.example.test/hook"
    )
    ticket = factories.ticket()
    messages = OutboxMessage.objects.filter(ref_id=str(ticket.pk))
    channels = sorted(messages.values_list("channel", flat=True))
    assert channels == ["email", "sms", "webhook"]
    sms = messages.get(channel="sms")
    assert sms.to == ["0911222333"]
    assert ticket.item.number in sms.body
    assert "路面坑洞" in sms.subject
    email = messages.get(channel="email")
    assert "holly@example.test" in email.to
