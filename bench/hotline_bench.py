"""1999 call-centre figures: the statistics for a month and for a year over the call
log, and how fast calls are recorded.

Call `figures(database, items)` from bench/run.py's worker, with Django set up and
the database migrated. If the log holds fewer than `items` calls, the difference is
seeded first (`yankao.hotline.demo.calls_seed`, at the city's daily volume, so a
million calls span about fourteen months) and the seeding time is a figure too.
Each figure is a dict with the keys of run.Figure: metric, value, unit, database,
items, target, runs, of, and `above` (True when the value must exceed the target),
so `[Figure(**row) for row in figures(...)]` gives the table's rows.
"""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from typing import Any

from bench.measure import median_seconds, row

RUNS = 5
SEED = 1999
MONTH_TARGET_SECONDS = 0.5
YEAR_TARGET_SECONDS = 2.0
CREATE_CALLS = 300  # calls recorded one by one through the service
CREATE_TARGET_PER_SECOND = 100.0
API_CALLS = 200
API_TARGET_PER_SECOND = 50.0
SEED_TARGET_CALLS_PER_SECOND = 4000.0


def _seeded(database: str, items: int) -> list[dict[str, Any]]:
    from yankao.hotline.demo import calls_seed
    from yankao.hotline.models import Call

    missing = items - Call.objects.count()
    if missing <= 0:
        return []
    began = time.perf_counter()
    calls_seed(count=missing, seed=SEED)
    rate = missing / (time.perf_counter() - began)
    metric = f"seed {missing:,} calls (bulk_create)"
    return [
        row(database, items, metric, round(rate), "calls/s", SEED_TARGET_CALLS_PER_SECOND,
             above=True, of="calls:", runs=missing)
    ]  # fmt: skip


def _reader() -> Any:
    from yankao.accounts.models import User
    from yankao.accounts.roles import Role

    reader, _created = User.objects.get_or_create(
        username="bench-hotline-controller", defaults={"role": Role.CONTROLLER}
    )
    return reader


def _agent() -> Any:
    from yankao.hotline.demo import demo_agents

    return demo_agents(1)[0]


def _statistics_figures(database: str, items: int) -> list[dict[str, Any]]:
    from django.db.models import Max

    from yankao.hotline.models import Call
    from yankao.hotline.selectors import call_statistics

    reader = _reader()
    last = Call.objects.aggregate(last=Max("day"))["last"] or date.today()
    month_start = last.replace(day=1)
    year_start = last - timedelta(days=364)
    month = median_seconds(lambda: call_statistics(user=reader, start=month_start, end=last), RUNS)
    year_stats = call_statistics(user=reader, start=year_start, end=last)
    year = median_seconds(lambda: call_statistics(user=reader, start=year_start, end=last), RUNS)
    total = Call.objects.count()
    return [
        row(database, items, f"call statistics, one month ({total:,} calls in the log)",
             round(month, 3), "s", MONTH_TARGET_SECONDS, RUNS),
        row(database, items, f"call statistics, one year ({year_stats.total:,} calls in it)",
             round(year, 3), "s", YEAR_TARGET_SECONDS, RUNS),
    ]  # fmt: skip


def _create_figures(database: str, items: int) -> list[dict[str, Any]]:
    from django.test import Client

    from yankao.accounts.models import User
    from yankao.accounts.roles import Role
    from yankao.core import clock
    from yankao.hotline.models import Outcome
    from yankao.hotline.services import call_record

    agent = _agent()
    began = time.perf_counter()
    for _n in range(CREATE_CALLS):
        call_record(
            by=agent,
            agent=agent,
            started_at=clock.now() - timedelta(minutes=3),
            duration_seconds=150,
            outcome=Outcome.OTHER,
            caller_number="0900-000-000",
        )
    service_rate = CREATE_CALLS / (time.perf_counter() - began)

    system, _created = User.objects.get_or_create(
        username="bench-hotline-cti", defaults={"role": Role.SYSTEM}
    )
    client = Client()
    client.force_login(system)
    began = time.perf_counter()
    failures = 0
    for n in range(API_CALLS):
        body = {
            "agent": agent.username,
            "started_at": (clock.now() - timedelta(minutes=2)).isoformat(),
            "duration_seconds": 120,
            "outcome": "other",
            "source_id": f"bench-{time.time_ns()}-{n}",
        }
        response = client.post(
            "/api/v1/calls",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=body["source_id"],
        )
        failures += response.status_code != 201
    if failures:
        raise SystemExit(f"POST /api/v1/calls failed {failures} times of {API_CALLS}")
    api_rate = API_CALLS / (time.perf_counter() - began)
    return [
        row(database, items, "call_record (service, one at a time)", round(service_rate),
             "calls/s", CREATE_TARGET_PER_SECOND, CREATE_CALLS, above=True, of="calls:"),
        row(database, items, "POST /api/v1/calls with Idempotency-Key (in-process client)",
             round(api_rate), "req/s", API_TARGET_PER_SECOND, API_CALLS, above=True,
             of="requests:"),
    ]  # fmt: skip


def figures(database: str, items: int) -> list[dict[str, Any]]:
    """The call-centre figures at `items` calls in the log."""
    rows = _seeded(database, items)
    rows += _statistics_figures(database, items)
    rows += _create_figures(database, items)
    return rows
