"""The demo's tickets: through the real services, typhoon weeks visible, and bulk
rows that obey the same rules (deadlines in clock hours, numbers that continue)."""

from collections import Counter
from datetime import timedelta

import pytest

from tests.dispatch import factories
from tests.factories import taipei
from yankao.core import clock
from yankao.demo.staff import agency_staff_create, staff_create
from yankao.dispatch.demo import (
    TYPHOON,
    bulk_tickets_seed,
    tickets_seed,
    tickets_seed_for_command,
    typhoon_weeks,
)
from yankao.dispatch.models import ReportBack, Ticket
from yankao.dispatch.selectors import ticket_statistics
from yankao.tracking.models import Clock, Outcome, Status

pytestmark = pytest.mark.django_db
NOW = taipei(2026, 11, 20, 10)


@pytest.fixture
def cast():
    staff_create(demo_passwords=False)
    agency_staff_create(demo_passwords=False)


def test_seeded_tickets_go_through_the_services_with_typhoon_spikes(cast):
    made = tickets_seed(count=120, seed=3, now=NOW)
    tickets = list(Ticket.objects.select_related("item", "ticket_class"))
    assert made == len(tickets) > 100
    assert all(t.item.clock == Clock.HOURS for t in tickets)
    assert all(t.item.events.exists() for t in tickets[:10])
    assert ReportBack.objects.filter(done=True).exists()
    assert ReportBack.objects.filter(done=False).exists()
    starts = typhoon_weeks(NOW)
    in_typhoon = [
        t for t in tickets if any(s <= t.item.received_at < s + timedelta(days=4) for s in starts)
    ]
    storm_classes = Counter(t.ticket_class.code for t in in_typhoon)
    storm_share = sum(storm_classes[c] for c in TYPHOON) / len(in_typhoon)
    assert storm_share > 0.9
    closed = [t for t in tickets if t.item.status == Status.CLOSED]
    assert all(t.hours_to_report is not None for t in closed)
    assert {t.item.outcome for t in closed} == {Outcome.ON_TIME, Outcome.LATE}


def test_seeding_is_deterministic(cast):
    tickets_seed(count=20, seed=5, now=NOW)
    first = list(Ticket.objects.order_by("pk").values_list("description", "item__received_at"))
    Ticket.objects.all().delete()
    tickets_seed(count=20, seed=5, now=NOW)
    again = list(Ticket.objects.order_by("pk").values_list("description", "item__received_at"))
    assert first == again


def test_bulk_tickets_follow_the_services_rules_and_numbers_continue(cast):
    with clock.frozen(NOW):
        assert bulk_tickets_seed(count=400, seed=9) == 400
    tickets = list(Ticket.objects.select_related("item", "ticket_class"))
    assert len(tickets) == 400
    for t in tickets:
        item = t.item
        assert item.due_at == item.received_at + timedelta(hours=t.ticket_class.hours)
        assert item.time_limit == t.ticket_class.hours
        if item.status == Status.CLOSED:
            assert t.reported_back_at == item.closed_at
            on_time = item.closed_at <= item.due_at
            assert item.outcome == (Outcome.ON_TIME if on_time else Outcome.LATE)
    numbers = {t.item.number for t in tickets}
    assert len(numbers) == 400
    after = factories.ticket(received_at=NOW)
    assert after.item.number not in numbers
    figures = ticket_statistics(NOW - timedelta(days=800), NOW, now=NOW).total
    assert figures.count == 400
    assert figures.reported == sum(t.item.status == Status.CLOSED for t in tickets)


def test_the_seed_command_hook_reports_what_it_made(cast):
    with clock.frozen(NOW):
        lines = tickets_seed_for_command(tickets=5, bulk=10, seed=1)
    assert lines[1] == "Bulk dispatch tickets: 10."
    assert lines[0].startswith("Dispatch tickets: ")
