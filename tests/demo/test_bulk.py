"""Tracked items in bulk: the rows follow the calendar services and the model's rules."""

import random
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from yankao.calendar import services as office_calendar
from yankao.core import clock
from yankao.demo import bulk
from yankao.tracking.models import Clock, Outcome, Status, TrackedItem

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Asia/Taipei"))
COUNT = 2_000


@pytest.fixture
def seeded() -> list[TrackedItem]:
    with clock.frozen(NOW):
        bulk.bulk_items_seed(count=COUNT, seed=7)
    return list(TrackedItem.objects.filter(kind="sample").order_by("number"))


def _rows(seed: int) -> list[tuple[object, ...]]:
    timeline = bulk.Timeline.build(now=NOW, adapt=connection.ops.adapt_datetimefield_value)
    return bulk.batch_rows(
        random.Random(seed),
        timeline=timeline,
        first_number=1,
        size=500,
        window=range(timeline.seconds),
        agency_ids=[1, 2, 3],
        stamp="stamp",
    )


def test_seeding_creates_the_items_asked_for(seeded: list[TrackedItem]) -> None:
    assert len(seeded) == COUNT
    assert {item.number for item in seeded} == {f"S{n:08d}" for n in range(1, COUNT + 1)}
    assert {item.status for item in seeded} == {
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.CLOSED,
    }
    assert all(item.clock == Clock.WORKING_DAYS for item in seeded)


def test_a_second_seed_numbers_its_items_after_the_first(seeded: list[TrackedItem]) -> None:
    with clock.frozen(NOW):
        bulk.bulk_items_seed(count=10, seed=8)
    numbers = TrackedItem.objects.filter(kind="sample").values_list("number", flat=True)
    assert max(numbers) == f"S{COUNT + 10:08d}"
    assert len(set(numbers)) == COUNT + 10


def test_the_row_generator_gives_the_same_rows_for_the_same_seed() -> None:
    assert _rows(1150101) == _rows(1150101)
    assert _rows(1150101) != _rows(1150102)


def test_items_are_numbered_in_order_of_receipt(seeded: list[TrackedItem]) -> None:
    received = [item.received_at for item in seeded]
    assert received == sorted(received)
    assert NOW - timedelta(days=bulk.SPAN_DAYS + 1) < received[0] and received[-1] < NOW


def test_every_closed_items_verdict_says_whether_it_closed_by_its_deadline(
    seeded: list[TrackedItem],
) -> None:
    closed = [item for item in seeded if item.status == Status.CLOSED]
    assert len(closed) > COUNT // 2
    for item in closed:
        assert item.closed_at is not None and item.closed_at < NOW
        expected = Outcome.ON_TIME if item.closed_at <= item.due_at else Outcome.LATE
        assert item.outcome == expected
    assert {item.outcome for item in closed} == {Outcome.ON_TIME, Outcome.LATE}


def test_open_items_have_neither_closing_moment_nor_verdict(seeded: list[TrackedItem]) -> None:
    for item in seeded:
        if item.status != Status.CLOSED:
            assert (item.closed_at, item.outcome, item.working_days_taken) == (None, "", None)


def test_deadlines_are_those_of_the_calendar_service(seeded: list[TrackedItem]) -> None:
    for item in random.Random(1).sample(seeded, 300):
        due = office_calendar.add_working_days(item.received_at, item.time_limit)
        assert (item.due_at, item.original_due_at) == (due, due)
        assert item.clock_started_at == item.received_at
        assert item.due_at > item.received_at


def test_deadlines_follow_the_office_close_on_the_receipt_day(
    seeded: list[TrackedItem],
) -> None:
    # Receipts on both sides of 17:30 on working days are where a cache keyed too
    # coarsely would go wrong; the sample must contain some of each.
    close = office_calendar.office_close()
    late = [i for i in seeded if office_calendar.to_taipei(i.received_at).time() >= close]
    early = [i for i in seeded if office_calendar.to_taipei(i.received_at).time() < close]
    assert late and early
    for item in late[:200] + early[:200]:
        assert item.due_at == office_calendar.add_working_days(item.received_at, item.time_limit)


def test_working_days_taken_are_those_of_the_calendar_service(
    seeded: list[TrackedItem],
) -> None:
    closed = [item for item in seeded if item.status == Status.CLOSED]
    for item in random.Random(2).sample(closed, 300):
        assert item.closed_at is not None
        expected = office_calendar.working_days_between(item.received_at, item.closed_at)
        assert item.working_days_taken == expected


def test_seeding_stops_when_a_row_disagrees_with_the_calendar_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulk, "CHECK_EVERY", 1)
    monkeypatch.setattr(office_calendar, "working_days_between", lambda start, end: Decimal("-1"))
    with clock.frozen(NOW), pytest.raises(bulk.BulkCheckError):
        bulk.bulk_items_seed(count=50)
