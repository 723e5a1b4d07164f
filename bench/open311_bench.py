"""Open311 GeoReport v2 figures: POST requests/s and GET requests latencies at the
database's size, the app served by gunicorn (2 sync workers) as bench/run.py serves
it for the petition figures.

Call `figures(database, items)` from bench/run.py's worker, with Django set up and
the database migrated and seeded (the lead runs it after `seed --bulk-petitions N`;
about 12% of bulk petitions come in on the app channel and are published, as the
city app's Open311 posts are by default: those GET requests lists).
It issues an API key of its own, so no setup is needed. Each figure is a dict with
the keys of run.Figure: metric, value, unit, database, items, target, runs, of,
and `above` (True when the value must exceed the target), so
`[Figure(**row) for row in figures(...)]` gives the table's rows.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

# Open311 registers each request in the request (a petition, or a dispatch ticket whose
# agency is told at once) and answers with its service_request_id. The target comes
# from the channel's load: the city app sent 13,805 reports in seven months (about 66
# a day); a typhoon burst of a thousand reports in one minute is 17 a second, and 50
# leaves three times that. (It was 200 before, by analogy with the queued API intake,
# which answers before registering.)
POST_TARGET_RPS = 50.0
LIST_TARGET_MS = 300.0  # the default list: up to 1,000 requests of the last 90 days
PAGE_TARGET_MS = 50.0  # a page of 50 of one service, or one request
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _harness() -> Any:
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench import run

    return run


def _post_load(harness: Any, port: int, bodies: Any, seconds: float, threads: int) -> tuple:
    """`threads` clients, each one request at a time, for `seconds`."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def load() -> None:
        while time.perf_counter() < stop_at:
            with lock:
                body = next(bodies, None)
            if body is None:
                return
            status, _data, took = harness.http(
                port, "POST", "/open311/v2/requests.json", FORM, body
            )
            with lock:
                (latencies if status == 201 else failures).append(took if status == 201 else status)

    began = time.perf_counter()
    workers = [threading.Thread(target=load) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, failures, time.perf_counter() - began


def _timed_gets(harness: Any, port: int, paths: list[str]) -> list[float]:
    for path in paths[:3]:  # warm-up
        harness.http(port, "GET", path, {})
    times = []
    for path in paths:
        status, data, took = harness.http(port, "GET", path, {})
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {data[:300]!r}")
        times.append(took * 1000)
    return times


def figures(
    database: str,
    items: int,
    *,
    seconds: float | None = None,
    requests: int | None = None,
    threads: int | None = None,
) -> list[dict[str, Any]]:
    harness = _harness()
    from yankao.open311.services import client_create
    from yankao.petitions.models import Category, Petition

    seconds = harness.API_SECONDS if seconds is None else seconds
    requests = harness.PAGE_REQUESTS if requests is None else requests
    threads = harness.API_THREADS if threads is None else threads
    key = client_create(name=f"bench {time.time_ns()}", rate_per_minute=10**9).raw
    codes = list(
        Category.objects.filter(is_active=True, parent__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    public = Petition.objects.filter(published=True).count()
    rows: list[dict[str, Any]] = []

    def figure(metric: str, value: float, unit: str, target: float | None = None, **kw: Any):
        row = {"metric": metric, "value": value, "unit": unit, "database": database}
        row |= {"items": items, "target": target, "runs": 1, "of": "median of", "above": False}
        rows.append(row | kw)

    def body(n: int) -> bytes:
        return urlencode(
            {
                "api_key": key,
                "service_code": f"P-{codes[n % len(codes)]}",
                "lat": f"{22.60 + (n % 50) / 1000:.6f}",
                "long": f"{120.30 + (n % 70) / 1000:.6f}",
                "address_string": f"高雄市苓雅區四維三路{n % 300 + 1}號",
                "description": f"路燈故障不亮已一週，請派員修復（測試 {n}）。",
                "first_name": "測試",
                "last_name": "員",
                "email": f"open311-bench{n}@example.invalid",
            }
        ).encode()

    server = harness.Gunicorn()
    try:
        status, data, _ = harness.http(
            server.port, "POST", "/open311/v2/requests.json", FORM, body(0)
        )
        if status != 201:
            raise SystemExit(f"POST /open311/v2/requests.json answered {status}: {data[:500]!r}")
        for n in range(1, 20):  # warm both workers up
            harness.http(server.port, "POST", "/open311/v2/requests.json", FORM, body(n))
        bodies = (body(n) for n in range(20, 20 + harness.API_MAX_REQUESTS))
        latencies, failures, elapsed = _post_load(harness, server.port, bodies, seconds, threads)
        if failures:
            sys.stderr.write(f"[{database}] Open311 POST: {len(failures)} failed {set(failures)}\n")
        n = len(latencies)
        figure(
            f"Open311 POST requests.json, 2 gunicorn workers, {threads} clients",
            round(n / elapsed),
            "req/s",
            POST_TARGET_RPS,
            runs=n,
            of="requests:",
            above=True,
        )
        p95 = harness.percentile(latencies, 0.95) * 1000 if latencies else 0.0
        figure("Open311 POST latency p95", round(p95, 1), "ms", runs=n, of="p95 of")

        base = f"/open311/v2/requests.json?api_key={key}"
        numbers = list(
            Petition.objects.filter(published=True)
            .order_by("-item__received_at")
            .values_list("item__number", flat=True)[:requests]
        )
        pages = [
            (
                f"Open311 GET requests.json, default window ({public:,} published petitions)",
                LIST_TARGET_MS,
                [base] * requests,
            ),
            (
                "Open311 GET requests.json, one service, page_size=50",
                PAGE_TARGET_MS,
                [
                    f"{base}&service_code=P-{codes[i % len(codes)]}&page_size=50"
                    for i in range(requests)
                ],
            ),
            (
                "Open311 GET requests/{id}.json",
                PAGE_TARGET_MS,
                [
                    f"/open311/v2/requests/{numbers[i % len(numbers)]}.json?api_key={key}"
                    for i in range(requests)
                ],
            ),
        ]
        for name, target, paths in pages:
            times = _timed_gets(harness, server.port, paths)
            runs = len(times)
            figure(
                f"{name} p50",
                round(harness.percentile(times, 0.5), 1),
                "ms",
                runs=runs,
                of="p50 of",
            )
            figure(
                f"{name} p95",
                round(harness.percentile(times, 0.95), 1),
                "ms",
                target,
                runs=runs,
                of="p95 of",
            )
    finally:
        server.stop()
    return rows
