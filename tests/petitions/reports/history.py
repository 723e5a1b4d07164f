"""Petition histories for the report tests, and an independent recount of the figures
from the raw rows (plain Python over the item and calendar tables, no SQL aggregates)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tests.factories import agency, taipei
from tests.petitions.factories import petition
from yankao.calendar.models import CalendarDay
from yankao.core import clock
from yankao.core.taipei import TAIPEI
from yankao.petitions.models import Channel, Petition
from yankao.petitions.services import petition_reroute
from yankao.tracking import services
from yankao.tracking.models import OPEN_STATUSES, Status

CODES = ["0101", "0103", "0201", "0301", "0501"]
DISTRICTS = [None, "fengshan", "nanzi", "gushan"]


def close(item, at: datetime, by) -> None:
    with clock.frozen(at):
        services.item_close(item=item, by=by, reason="已處理完成")


def extend(item, at: datetime, by, approver, amount: int = 2) -> None:
    with clock.frozen(at):
        extension = services.extension_request(item=item, by=by, reason="需會勘", amount=amount)
        services.extension_decide(extension=extension, by=approver, approve=True)


def transfer(registered, at: datetime, by, to: str) -> None:
    with clock.frozen(at):
        petition_reroute(petition=registered.petition, by=by, reason="移文", to_agency=agency(to))


def random_history(staff, rng: random.Random, count: int) -> None:
    """Petitions received from 2025-01-06 to 2025-02-28 (across the 2025 Lunar New Year
    days off and the make-up Saturday 2025-02-08), some transferred, extended,
    withdrawn or closed, on time or late."""
    for _ in range(count):
        received = taipei(2025, 1, 6, 0) + timedelta(minutes=rng.randrange(0, 60 * 24 * 53))
        registered = petition(
            code=rng.choice(CODES),
            district_key=rng.choice(DISTRICTS),
            channel=rng.choice(Channel.values),
            received_at=received,
        )
        item = registered.petition.item
        if rng.random() < 0.15:
            transfer(registered, received + timedelta(hours=1), staff.connie, "police")
            item.refresh_from_db()
        if rng.random() < 0.2:
            extend(item, received + timedelta(hours=2), staff.hank, staff.sue)
            item.refresh_from_db()
        roll = rng.random()
        if roll < 0.05:
            with clock.frozen(received + timedelta(hours=rng.randrange(3, 24 * 20))):
                services.item_withdraw(item=item, by=staff.connie, reason="陳情人撤回")
        elif roll < 0.8:
            close(item, received + timedelta(minutes=rng.randrange(180, 60 * 24 * 25)), staff.hank)


# --- the independent recount -----------------------------------------------------


def working_days(start: datetime, end: datetime) -> Decimal:
    """Working time between two moments, by walking the calendar table day by day."""
    working = dict(CalendarDay.objects.values_list("date", "is_working_day"))
    start, end = start.astimezone(TAIPEI), end.astimezone(TAIPEI)
    seconds = 0.0
    day = start.date()
    while day <= end.date():
        if working[day]:
            low = max(start, datetime.combine(day, time.min, tzinfo=TAIPEI))
            high = min(end, datetime.combine(day + timedelta(days=1), time.min, tzinfo=TAIPEI))
            seconds += max((high - low).total_seconds(), 0)
        day += timedelta(days=1)
    return (Decimal(seconds) / 86400).quantize(Decimal("0.1"), ROUND_HALF_UP)


def nearest_rank_p90(values: list[Decimal]) -> Decimal | None:
    """The smallest value with at least 90 % of the values at or below it."""
    ordered = sorted(values)
    for value in ordered:
        if sum(1 for other in ordered if other <= value) * 10 >= 9 * len(ordered):
            return value
    return None


@dataclass
class Raw:
    group: object
    received_at: datetime
    closed_at: datetime | None
    status: str
    due_at: datetime
    extended: bool
    transferred: bool


def raw_rows(group_by: str) -> list[tuple[Raw, object]]:
    rows = []
    for p in Petition.objects.select_related("item", "category"):
        item = p.item
        group = {
            "agency": item.owner_agency_id,
            "category": p.category.parent_id or p.category_id,
            "channel": p.channel,
            "district": p.district_id,
        }[group_by]
        rows.append(
            Raw(
                group=group,
                received_at=item.received_at,
                closed_at=item.closed_at,
                status=item.status,
                due_at=item.due_at,
                extended=item.extension_count > 0,
                transferred=item.transfer_count > 0,
            )
        )
    return rows


def recount(rows: list[Raw], start: date, end: date, now: datetime) -> dict:
    low = datetime.combine(start, time.min, tzinfo=TAIPEI)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=TAIPEI)
    as_of = min(now, high)
    received = [r for r in rows if low <= r.received_at < high]
    closed = [r for r in rows if r.status == Status.CLOSED and low <= r.closed_at < high]
    days = [working_days(r.received_at, r.closed_at) for r in closed]
    on_time = sum(1 for r in closed if r.closed_at <= r.due_at)
    still_open = [
        r
        for r in rows
        if r.received_at < as_of
        and (r.closed_at is None or r.closed_at >= as_of)
        and r.due_at < as_of
    ]
    assert all(r.status in OPEN_STATUSES or r.closed_at >= as_of for r in still_open)
    return {
        "received": len(received),
        "closed": len(closed),
        "closed_on_time": on_time,
        "closed_late": len(closed) - on_time,
        "open_overdue": len(still_open),
        "extended": sum(1 for r in received if r.extended),
        "transferred": sum(1 for r in received if r.transferred),
        "on_time_rate": (
            (Decimal(on_time * 100) / len(closed)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if closed
            else None
        ),
        "average_working_days": (
            (sum(days) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP) if days else None
        ),
        "p90_working_days": nearest_rank_p90(days),
    }


def figures(row) -> dict:
    return {
        "received": row.received,
        "closed": row.closed,
        "closed_on_time": row.closed_on_time,
        "closed_late": row.closed_late,
        "open_overdue": row.open_overdue,
        "extended": row.extended,
        "transferred": row.transferred,
        "on_time_rate": row.on_time_rate,
        "average_working_days": row.average_working_days,
        "p90_working_days": row.p90_working_days,
    }


def monthly_start(year: int, month: int) -> date:
    return date(year, month, 1)
