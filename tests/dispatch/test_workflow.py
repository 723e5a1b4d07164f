"""Acknowledging and reporting back: what changes, and who may do it."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.dispatch import factories, files
from tests.factories import taipei
from yankao.core import clock
from yankao.dispatch import policy
from yankao.dispatch.services import DispatchError, ticket_acknowledge, ticket_report_back
from yankao.organisation.models import Agency
from yankao.tracking.models import Outcome, Status
from yankao.tracking.services import item_reopen, item_transfer

RECEIVED = taipei(2026, 11, 2, 9)


@pytest.mark.django_db
def test_acknowledging_records_who_and_when_and_starts_the_work(staff):
    ticket = factories.ticket(received_at=RECEIVED)
    with clock.frozen(RECEIVED + timedelta(minutes=12)):
        ticket = ticket_acknowledge(ticket=ticket, by=staff.holly)
    assert ticket.acknowledged_by == staff.holly
    assert ticket.acknowledged_at == RECEIVED + timedelta(minutes=12)
    assert ticket.item.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_a_progress_report_keeps_the_clock_running(staff, media):
    ticket = factories.ticket(received_at=RECEIVED)
    with clock.frozen(RECEIVED + timedelta(hours=1)):
        report = ticket_report_back(
            ticket=ticket,
            by=staff.holly,
            status_text="已派員前往，先放置三角錐警示",
            done=False,
            photos=[files.checked()],
        )
    ticket.refresh_from_db()
    ticket.item.refresh_from_db()
    assert ticket.item.status == Status.IN_PROGRESS
    assert ticket.acknowledged_by == staff.holly  # reporting acknowledges
    assert ticket.reported_back_at is None
    assert report.photos.count() == 1


@pytest.mark.django_db
def test_the_done_report_closes_the_ticket_with_its_time_and_verdict(staff):
    ticket = factories.ticket(received_at=RECEIVED)  # 4 h: due 13:00
    with clock.frozen(RECEIVED + timedelta(hours=3, minutes=30)):
        ticket_report_back(ticket=ticket, by=staff.holly, status_text="已填補完成", done=True)
    ticket.refresh_from_db()
    item = ticket.item
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert item.outcome == Outcome.ON_TIME
    assert ticket.hours_to_report == Decimal("3.50")
    assert ticket.reported_back_at == RECEIVED + timedelta(hours=3, minutes=30)


@pytest.mark.django_db
def test_a_late_report_is_late(staff):
    ticket = factories.ticket(received_at=RECEIVED)
    with clock.frozen(RECEIVED + timedelta(hours=5)):
        ticket_report_back(ticket=ticket, by=staff.holly, status_text="完成", done=True)
    ticket.item.refresh_from_db()
    assert ticket.item.outcome == Outcome.LATE


@pytest.mark.django_db
def test_a_closed_ticket_takes_no_more_reports(staff):
    ticket = factories.ticket(received_at=RECEIVED)
    with clock.frozen(RECEIVED + timedelta(hours=1)):
        ticket_report_back(ticket=ticket, by=staff.holly, status_text="完成", done=True)
        with pytest.raises(DispatchError):
            ticket_report_back(ticket=ticket, by=staff.holly, status_text="again", done=True)


@pytest.mark.django_db
def test_an_empty_report_is_refused(staff):
    ticket = factories.ticket(received_at=RECEIVED)
    with pytest.raises(DispatchError):
        ticket_report_back(ticket=ticket, by=staff.holly, status_text="  ", done=True)


@pytest.mark.django_db
def test_report_photos_must_be_pictures(staff, media):
    ticket = factories.ticket(received_at=RECEIVED)
    with pytest.raises(DispatchError):
        ticket_report_back(
            ticket=ticket,
            by=staff.holly,
            status_text="完成",
            done=True,
            photos=[files.checked("report.pdf", files.pdf())],
        )
    ticket.item.refresh_from_db()
    assert ticket.item.status == Status.ASSIGNED


@pytest.mark.django_db
def test_reopening_clears_the_report_time(staff):
    ticket = factories.ticket(received_at=RECEIVED)
    with clock.frozen(RECEIVED + timedelta(hours=1)):
        ticket_report_back(ticket=ticket, by=staff.holly, status_text="完成", done=True)
        item_reopen(item=ticket.item, by=staff.connie, reason="現場仍有坑洞")
    ticket.refresh_from_db()
    assert ticket.hours_to_report is None
    assert ticket.reported_back_at is None


@pytest.mark.django_db
def test_the_owning_agency_may_work_the_ticket(staff):
    ticket = factories.ticket(received_at=RECEIVED)
    assert policy.may_acknowledge(staff.holly, ticket)
    assert policy.may_report_back(staff.holly, ticket)
    assert policy.may_report_back(staff.sue, ticket)  # supervisor of the parent bureau


@pytest.mark.django_db
def test_another_agencys_handler_may_not_work_the_ticket(staff):
    ticket = factories.ticket(received_at=RECEIVED)
    assert not policy.may_acknowledge(staff.dora, ticket)
    assert not policy.may_report_back(staff.dora, ticket)
    assert not policy.may_report_back(staff.hank, ticket)  # parent bureau, own-agency scope
    assert not policy.may_report_back(staff.amy, ticket)  # 1999 agent
    assert not policy.may_report_back(staff.connie, ticket)  # the commission oversees


@pytest.mark.django_db
def test_reporter_data_is_for_agents_and_the_owning_agency(staff):
    ticket = factories.ticket(received_at=RECEIVED)
    assert policy.may_see_reporter(staff.amy, ticket)
    assert policy.may_see_reporter(staff.holly, ticket)
    assert not policy.may_see_reporter(staff.dora, ticket)
    assert not policy.may_see_reporter(staff.connie, ticket)
    assert not policy.may_see_reporter(staff.mia, ticket)


@pytest.mark.django_db
def test_a_transfer_tells_the_new_agencys_duty_desk(staff):
    from yankao.dispatch.models import DispatchContact
    from yankao.messaging.models import OutboxMessage

    water = Agency.objects.get(key="water-resources")
    DispatchContact.objects.create(agency=water, duty_phone="0922000111")
    ticket = factories.ticket(code="101", received_at=RECEIVED)
    with clock.frozen(RECEIVED + timedelta(minutes=30)):
        ticket_acknowledge(ticket=ticket, by=staff.holly)
        item_transfer(item=ticket.item, to_agency=water, by=staff.holly, reason="雨水下水道破損")
    sms = OutboxMessage.objects.get(ref_id=str(ticket.pk), channel="sms")
    assert sms.to == ["0922000111"]
    ticket.item.refresh_from_db()
    assert ticket.item.due_at == RECEIVED + timedelta(minutes=30, hours=4)
