"""Tickets run on clock hours: round the clock, through nights, weekends, holidays
and typhoon days off, and the engine's reminders and escalations follow."""

from datetime import date, timedelta

import pytest

from tests.dispatch import factories
from tests.factories import taipei
from yankao.calendar.services import calendar_declare_day_off, is_working_day
from yankao.core import clock
from yankao.messaging.models import OutboxMessage
from yankao.tracking.models import Action, Escalation
from yankao.tracking.services import (
    items_escalate_overdue,
    items_recalculate_deadlines,
    items_send_reminders,
)


@pytest.mark.django_db
def test_deadline_runs_through_the_weekend():
    # Friday 27 November 2026, 22:00; 24 h for a streetlight: Saturday 22:00.
    ticket = factories.ticket(code="106", received_at=taipei(2026, 11, 27, 22))
    assert not is_working_day(date(2026, 11, 28))
    assert ticket.item.due_at == taipei(2026, 11, 28, 22)


@pytest.mark.django_db
def test_deadline_runs_through_a_typhoon_day_off_and_is_not_moved_by_it():
    # A fallen tree on the morning of a typhoon day off: 4 h later, the same morning.
    typhoon = date(2026, 11, 3)
    calendar_declare_day_off(day=typhoon, reason="颱風停止上班")
    ticket = factories.ticket(code="105", received_at=taipei(2026, 11, 3, 6, 30))
    assert ticket.item.due_at == taipei(2026, 11, 3, 10, 30)
    # Declaring (or re-declaring) the day off later leaves hour deadlines alone.
    items_recalculate_deadlines(changed_day=typhoon)
    ticket.item.refresh_from_db()
    assert ticket.item.due_at == taipei(2026, 11, 3, 10, 30)


@pytest.mark.django_db
def test_deadline_over_midnight_on_a_national_holiday():
    # New Year's Eve 23:00 + 8 h (oil on the road): 1 January 07:00.
    ticket = factories.ticket(code="402", received_at=taipei(2026, 12, 31, 23))
    assert ticket.item.due_at == taipei(2027, 1, 1, 7)


@pytest.mark.django_db
def test_reminder_when_three_quarters_of_the_hours_have_gone(staff):
    ticket = factories.ticket(code="101", received_at=taipei(2026, 11, 7, 8))  # a Saturday
    assert items_send_reminders(now=taipei(2026, 11, 7, 10, 59)) == 0
    with clock.frozen(taipei(2026, 11, 7, 11)):
        assert items_send_reminders(now=taipei(2026, 11, 7, 11)) == 1
    assert ticket.item.events.filter(action=Action.REMIND).exists()


@pytest.mark.django_db
def test_overdue_ticket_goes_to_the_supervisor_then_the_commission(staff):
    ticket = factories.ticket(code="105", received_at=taipei(2026, 11, 8, 1))  # Sunday night
    due = taipei(2026, 11, 8, 5)
    item = ticket.item
    assert items_escalate_overdue(now=due) == 0
    with clock.frozen(due + timedelta(minutes=1)):
        assert items_escalate_overdue(now=clock.now()) == 1
    item.refresh_from_db()
    assert item.escalation == Escalation.SUPERVISOR
    # The commission hears of it 4 clock hours after the deadline, still on Sunday.
    with clock.frozen(due + timedelta(hours=4, minutes=1)):
        assert items_escalate_overdue(now=clock.now()) == 1
    item.refresh_from_db()
    assert item.escalation == Escalation.COMMISSION
    to_commission = OutboxMessage.objects.get(
        ref_id=str(item.pk), dedupe_key__contains=f"escalate-{Escalation.COMMISSION}"
    )
    assert to_commission.to == ["connie@example.test"]
