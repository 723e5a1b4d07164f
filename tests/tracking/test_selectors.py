"""Scoping and statistics. Expected figures are recomputed here from the raw rows
with plain Python, independently of the SQL aggregates under test."""

import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.factories import agency, item, taipei
from yankao.core import clock
from yankao.tracking import services
from yankao.tracking.models import Outcome, Status, TrackedItem
from yankao.tracking.selectors import (
    item_statistics,
    item_statistics_by_agency,
    items_visible_to,
    worklist,
)

pytestmark = pytest.mark.django_db


def visible_numbers(user):
    return set(items_visible_to(user).values_list("number", flat=True))


def test_a_handler_sees_only_their_own_agencys_items(staff):
    own = item(owner="public-works")
    sub = item(owner="pw-maintenance")
    other = item(owner="water-resources")
    seen = visible_numbers(staff.hank)
    assert own.number in seen
    assert sub.number not in seen
    assert other.number not in seen


def test_a_supervisor_sees_their_agency_and_its_sub_agencies(staff):
    own = item(owner="public-works")
    sub = item(owner="pw-maintenance")
    other = item(owner="water-resources")
    seen = visible_numbers(staff.sue)
    assert {own.number, sub.number} <= seen
    assert other.number not in seen


def test_a_sub_agency_handler_does_not_see_the_parent_bureaus_items(staff):
    parent = item(owner="public-works")
    assert parent.number not in visible_numbers(staff.holly)


def test_controllers_and_the_mayors_office_see_the_whole_city(staff):
    numbers = {item(owner=key).number for key in ("public-works", "water-resources", "police")}
    assert numbers <= visible_numbers(staff.connie)
    assert numbers <= visible_numbers(staff.mia)


def test_a_co_handling_agency_sees_the_item_it_was_asked_to_help_with(staff):
    tracked = item(owner="public-works")
    assert tracked.number not in visible_numbers(staff.dora)
    services.item_add_cohandler(item=tracked, agency=agency("district-fengshan"), by=staff.hank)
    assert tracked.number in visible_numbers(staff.dora)


def test_the_worklist_lists_open_items_soonest_deadline_first(staff):
    late = item(received_at=taipei(2026, 11, 2), time_limit=10)
    soon = item(received_at=taipei(2026, 11, 2), time_limit=2)
    closed = item(received_at=taipei(2026, 11, 2), time_limit=1)
    services.item_accept(item=closed, by=staff.hank)
    services.item_submit_reply(item=closed, by=staff.hank, reply="完成")
    assert [i.number for i in worklist(staff.hank)] == [soon.number, late.number]


def _random_history(staff, rng: random.Random, count: int) -> None:
    owners = ["public-works", "pw-maintenance", "water-resources"]
    handlers = {
        "public-works": staff.hank,
        "pw-maintenance": staff.holly,
        "water-resources": staff.connie,
    }
    for _ in range(count):
        received = taipei(2026, 9, 1) + timedelta(hours=rng.randrange(0, 24 * 70))
        tracked = item(
            owner=rng.choice(owners), received_at=received, time_limit=rng.choice([1, 3, 6])
        )
        roll = rng.random()
        if roll < 0.15:
            continue
        owner_key = tracked.owner_agency.key
        if owner_key == "water-resources":
            with clock.frozen(received + timedelta(hours=1)):
                services.item_transfer(
                    item=tracked, to_agency=agency("public-works"), by=staff.connie, reason="移文"
                )
        handler = staff.hank if tracked.owner_agency.key == "public-works" else handlers[owner_key]
        tracked.refresh_from_db()
        with clock.frozen(received + timedelta(hours=2)):
            services.item_accept(item=tracked, by=handler)
        if rng.random() < 0.2:
            with clock.frozen(received + timedelta(hours=3)):
                extension = services.extension_request(
                    item=tracked, by=handler, reason="延", amount=2
                )
                services.extension_decide(extension=extension, by=staff.sue, approve=True)
        if roll < 0.3:
            continue
        done = received + timedelta(hours=rng.randrange(3, 24 * 14))
        with clock.frozen(done):
            services.item_submit_reply(item=tracked, by=handler, reply="完成")


def _expected(rows: list[TrackedItem], start: datetime, end: datetime, now: datetime) -> dict:
    received = [r for r in rows if start <= r.received_at < end]
    closed = [r for r in rows if r.status == Status.CLOSED and start <= r.closed_at < end]
    days = [r.working_days_taken for r in closed]
    average = (sum(days) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP) if days else None
    return {
        "received": len(received),
        "closed": len(closed),
        "closed_on_time": sum(1 for r in closed if r.closed_at <= r.due_at),
        "closed_late": sum(1 for r in closed if r.closed_at > r.due_at),
        # Open at `now` (not yet ended then) and past the deadline.
        "open_overdue": sum(
            1 for r in rows if (r.closed_at is None or r.closed_at >= now) and r.due_at < now
        ),
        "extended": sum(1 for r in received if r.extension_count),
        "transferred": sum(1 for r in received if r.transfer_count),
        "average_working_days": average,
    }


def test_statistics_match_an_independent_count_of_the_raw_rows(staff):
    _random_history(staff, random.Random(7), 120)
    start, end, now = taipei(2026, 10, 1, 0), taipei(2026, 11, 1, 0), taipei(2026, 11, 20)
    rows = list(TrackedItem.objects.all())
    figures = item_statistics(TrackedItem.objects.all(), start=start, end=end, now=now)
    expected = _expected(rows, start, end, now)
    assert figures.__dict__ == expected
    assert expected["closed"] > 10 and expected["closed_late"] > 0  # the sample is not trivial
    assert expected["transferred"] > 0 and expected["extended"] > 0


def test_statistics_by_agency_add_up_to_each_agencys_own_rows(staff):
    _random_history(staff, random.Random(11), 80)
    start, end, now = taipei(2026, 9, 1, 0), taipei(2026, 12, 1, 0), taipei(2026, 11, 20)
    by_agency = item_statistics_by_agency(TrackedItem.objects.all(), start=start, end=end, now=now)
    for agency_id, figures in by_agency.items():
        rows = list(TrackedItem.objects.filter(owner_agency_id=agency_id))
        assert figures.__dict__ == _expected(rows, start, end, now)
    assert sum(f.received for f in by_agency.values()) == 80


def test_the_on_time_rate_is_a_percentage_to_one_decimal(staff):
    tracked = [item(received_at=taipei(2026, 11, 2)) for _ in range(3)]
    for index, one in enumerate(tracked):
        services.item_accept(item=one, by=staff.hank)
        with clock.frozen(taipei(2026, 11, 5 if index < 2 else 20)):
            services.item_submit_reply(item=one, by=staff.hank, reply="完成")
    figures = item_statistics(
        TrackedItem.objects.all(), start=taipei(2026, 11, 1, 0), end=taipei(2026, 12, 1, 0)
    )
    assert (figures.closed_on_time, figures.closed_late) == (2, 1)
    assert figures.on_time_rate == Decimal("66.7")
    assert Outcome.LATE in set(TrackedItem.objects.values_list("outcome", flat=True))
