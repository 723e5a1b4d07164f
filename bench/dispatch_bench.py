"""Dispatch-ticket figures: how fast tickets are registered in-process, the dispatchers'
list page, and the per-class statistics.

Call `figures(database, items)` from bench/run.py's worker, with Django set up and the
database migrated and the city loaded. If there are fewer than `items` tickets, the
difference is written in bulk first (`yankao.dispatch.demo.bulk_tickets_seed`, over
two years) and the seeding rate is a figure too. Each figure is a dict with the keys
of run.Figure: metric, value, unit, database, items, target, runs, of, and `above`
(True when the value must exceed the target), so `[Figure(**row) for row in
figures(...)]` gives the table's rows.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from bench.measure import median_seconds, percentile, row

RUNS = 5
SEED = 1999
CREATE_TICKETS = 200  # tickets registered one by one through the service
CREATE_TARGET_PER_SECOND = 50.0
LIST_REQUESTS = 60  # dispatcher list pages rendered, one at a time, after warm-up
LIST_TARGET_MS = 100.0
STATISTICS_TARGET_SECONDS = 1.0
SEED_TARGET_PER_SECOND = 1000.0


def _seeded(database: str, items: int) -> list[dict[str, Any]]:
    from yankao.core.planner import planner_statistics_refresh
    from yankao.dispatch.demo import bulk_tickets_seed
    from yankao.dispatch.models import Ticket

    missing = items - Ticket.objects.count()
    if missing <= 0:
        return []
    began = time.perf_counter()
    bulk_tickets_seed(count=missing, seed=SEED)
    rate = missing / (time.perf_counter() - began)
    planner_statistics_refresh()  # after a bulk load, as the seed command does
    return [
        row(database, items, f"seed {missing:,} tickets (bulk)", round(rate), "tickets/s",
             SEED_TARGET_PER_SECOND, missing, above=True, of="tickets:")
    ]  # fmt: skip


def _user(username: str, role: str) -> Any:
    from yankao.accounts.models import User
    from yankao.organisation.models import Agency

    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "agency": Agency.objects.filter(key="rdec").first()},
    )
    return user


def _create_figure(database: str, items: int, count: int) -> dict[str, Any]:
    from django.db import connection

    from yankao.accounts.roles import Role
    from yankao.dispatch.models import Channel, TicketClass
    from yankao.dispatch.services import ticket_create
    from yankao.organisation.models import District

    agent = _user("bench-dispatch-agent", Role.AGENT)
    classes = list(TicketClass.objects.filter(is_active=True).order_by("code"))
    districts = list(District.objects.order_by("sort_order")[:10])
    began = time.perf_counter()
    for n in range(count):
        ticket_create(
            by=agent,
            ticket_class=classes[n % len(classes)],
            description="路樹傾倒擋住車道（效能測試）",
            latitude="22.627300",
            longitude="120.301400",
            district=districts[n % len(districts)],
            address=f"中正一路{n}號前",
            reporter_phone="0912345678",
            channel=Channel.PHONE,
        )
    rate = count / (time.perf_counter() - began)
    vendor = connection.vendor
    return row(database, items, f"ticket_create in-process ({vendor}, with its outbox messages)",
                round(rate, 1), "tickets/s", CREATE_TARGET_PER_SECOND, count,
                above=True, of="tickets:")  # fmt: skip


def _list_figure(database: str, items: int, requests: int) -> dict[str, Any]:
    """The /dispatch/ page rendered by its view (no HTTP), for a 1999 agent who sees
    the whole city, with the filters a dispatcher uses in turn."""
    from django.test import RequestFactory

    from yankao.accounts.roles import Role
    from yankao.dispatch.models import TicketClass
    from yankao.dispatch.views import ticket_list

    agent = _user("bench-dispatch-agent", Role.AGENT)
    class_ids = list(TicketClass.objects.values_list("pk", flat=True)[:6])
    queries = [{}, {"overdue": "on"}, {"status": "all"}] + [{"ticket_class": c} for c in class_ids]
    factory = RequestFactory()

    def render(query: dict[str, Any]) -> None:
        request = factory.get("/dispatch/", query)
        request.user = agent
        response = ticket_list(request)
        assert response.status_code == 200

    for query in queries:
        render(query)
    times = []
    for n in range(requests):
        began = time.perf_counter()
        render(queries[n % len(queries)])
        times.append((time.perf_counter() - began) * 1000)
    metric = "dispatcher list page (/dispatch/, view only)"
    p95 = round(percentile(times, 0.95), 1)
    return row(database, items, metric, p95, "ms", LIST_TARGET_MS, requests, of="p95 of")


def _statistics_figure(database: str, items: int) -> dict[str, Any]:
    from yankao.core import clock
    from yankao.dispatch.selectors import ticket_statistics

    end = clock.now()
    start = end - timedelta(days=90)
    seconds = median_seconds(lambda: ticket_statistics(start, end), RUNS)
    total = ticket_statistics(start, end).total.count
    return row(database, items, f"ticket statistics by class, 90 days ({total:,} tickets)",
                round(seconds, 3), "s", STATISTICS_TARGET_SECONDS, RUNS)  # fmt: skip


def figures(
    database: str,
    items: int,
    *,
    creates: int = CREATE_TICKETS,
    list_requests: int = LIST_REQUESTS,
) -> list[dict[str, Any]]:
    """The dispatch rows of the bench table (smaller `creates` and `list_requests`
    keep the test quick)."""
    from yankao.dispatch.services import dispatch_reference_load

    dispatch_reference_load()
    rows = _seeded(database, items)
    rows.append(_statistics_figure(database, items))
    rows.append(_list_figure(database, items, list_requests))
    rows.append(_create_figure(database, items, creates))
    return rows
