"""Tracked items in bulk, for trying the platform at city scale (`seed --items`).

Rows are written in batches straight into the item table, with the same
deadline arithmetic and verdict rules as the services, so statistics over them
mean what they mean for real items. They carry no history: the demo's replayed
directives show history; these show volume. Memory stays bounded by the batch.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import transaction

from yankao.calendar import services as office_calendar
from yankao.core import clock
from yankao.organisation.models import Agency
from yankao.tracking.models import Clock, Outcome, Status, TrackedItem

BATCH = 10_000
LIMITS = (3, 6, 6, 6, 10, 15, 30)
TITLES = (
    "道路坑洞修補",
    "路燈故障",
    "側溝阻塞",
    "違規停車",
    "噪音陳情",
    "公園設施損壞",
    "行道樹修剪",
    "垃圾清運",
    "號誌故障",
    "人行道破損",
)


@lru_cache(maxsize=200_000)
def _due(received_hour: datetime, limit: int) -> datetime:
    return office_calendar.add_working_days(received_hour, limit)


def _row(
    rng: random.Random, number: int, agency_ids: list[int], start: datetime, now: datetime
) -> TrackedItem:
    received = start + timedelta(minutes=rng.randrange(int((now - start).total_seconds() // 60)))
    received = received.replace(second=0, microsecond=0)
    limit = rng.choice(LIMITS)
    due = _due(received.replace(minute=0), limit)
    item = TrackedItem(
        kind="sample",
        number=f"S{number:08d}",
        title=rng.choice(TITLES),
        owner_agency_id=rng.choice(agency_ids),
        received_at=received,
        clock_started_at=received,
        clock=Clock.WORKING_DAYS,
        time_limit=limit,
        due_at=due,
        original_due_at=due,
        remind_at=due - timedelta(days=1),
        commission_escalation_at=due + timedelta(days=3),
        status=Status.IN_PROGRESS,
    )
    roll = rng.random()
    share = rng.uniform(1.05, 2.0) if roll < 0.1 else rng.uniform(0.2, 0.98)
    closed = received + (due - received) * share
    if closed < now and rng.random() < 0.92:
        item.status = Status.CLOSED
        item.closed_at = closed
        item.outcome = Outcome.ON_TIME if closed <= due else Outcome.LATE
        item.working_days_taken = office_calendar.working_days_between(received, closed)
    elif rng.random() < 0.3:
        item.status = Status.ASSIGNED
    if rng.random() < 0.05:
        item.extension_count = 1
    if rng.random() < 0.04:
        item.transfer_count = 1
    return item


def bulk_items_seed(
    *, count: int, seed: int = 1150101, progress: Callable[[int], object] = lambda n: None
) -> int:
    rng = random.Random(seed)
    agency_ids = list(Agency.objects.values_list("pk", flat=True))
    now = clock.now().replace(microsecond=0)
    start = now - timedelta(days=730)
    first = TrackedItem.objects.filter(kind="sample").count() + 1
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        rows = [_row(rng, first + offset + i, agency_ids, start, now) for i in range(size)]
        with transaction.atomic():
            TrackedItem.objects.bulk_create(rows, batch_size=2_000)
        progress(size)
    return count
