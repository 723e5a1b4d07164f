"""Performance figures of the platform at city scale: `make bench` (see bench/README.md).

The script runs in two roles. Called plainly it orchestrates: for each database it
makes a fresh one, migrates it, times `yankao seed --items N` as a subprocess, then
starts itself again with `--worker` in that database's environment to time the
in-process figures (deadline arithmetic, statistics queries). It prints one table
and writes the same figures to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the bench package lives at the root
    sys.path.insert(0, str(ROOT))

from bench.measure import median_seconds, percentile  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.json"
DEFAULT_ITEMS = 1_000_000
QUICK_ITEMS = 50_000
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/yankao_bench"
QUERY_RUNS = 7
ARITHMETIC_RUNS = 5
ARITHMETIC_CALLS = 20_000
SEED_TARGET_SECONDS = 60.0
QUERY_TARGET_SECONDS = 1.0
PETITION_SEED_TARGET_SECONDS = 90.0
API_SECONDS = 10.0  # the length of the API load
API_THREADS = 4  # client threads, each one request at a time, against 2 workers
API_MAX_REQUESTS = 20_000  # a bound on the load whatever the speed
API_TARGET_RPS = 300.0
WORKER_RSS_TARGET_MIB = 250.0
PAGE_REQUESTS = 100  # timed requests per page, one at a time, after warm-up ones
PAGE_TARGET_MS = 50.0
REPORT_RUNS = 5
REPORT_TARGET_SECONDS = 2.0
# `yankao seed` without its demo city's businesses: the bench seeds its own volumes.
NO_DEMO_DATA = (
    "--directives", "0", "--petitions", "0", "--tickets", "0", "--legal-bookings", "0",
    "--calls", "0", "--no-knowledge", "--no-open311",
)  # fmt: skip
# The other businesses at the report's proportions to a year of 1M petitions and calls:
# dispatch tickets about a tenth, legal bookings about a fiftieth.
TICKETS_SHARE = 10
LEGAL_BOOKINGS_SHARE = 50
CALLS_SHARE = 2  # 500,000 calls: the report's seven months (488,697)
# Past-case search is measured over every bulk petition, indexed for the bench (None:
# all of them; the reindex takes under three minutes a million on either database).
SEARCH_PETITIONS: int | None = None


@dataclass
class Figure:
    metric: str
    value: float
    unit: str
    database: str
    items: int
    target: float | None = None  # the value must stay below it (above it, if `above`)
    runs: int = 1
    above: bool = False
    of: str = "median of"  # what the runs give: "median of", "p95 of", "requests:" …

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        return self.value > self.target if self.above else self.value < self.target

    @property
    def target_text(self) -> str:
        return "-" if self.target is None else f"{'>' if self.above else '<'} {self.target:g}"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("above")
        data["target"] = None if self.target is None else self.target_text
        data["pass"] = self.passed
        return data


# --- measuring ------------------------------------------------------------------------


def timed_command(command: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Wall-clock seconds and peak resident memory (MiB) of a command."""
    gnu_time = shutil.which("time", path="/usr/bin")
    if gnu_time:
        command = [gnu_time, "-v", *command]
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"Failed: {' '.join(command)}")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return seconds, int(found.group(1)) / 1024 if found else None


# --- the worker: in-process figures, run with Django set up for one database -----------


def worker(
    items: int, database: str, arithmetic: bool, petitions: bool = False, extras: bool = False
) -> None:
    import django

    django.setup()
    if petitions:
        print(json.dumps([asdict(figure) for figure in petition_figures(database, items)]))
        return
    if extras:
        print(json.dumps([asdict(figure) for figure in business_figures(database, items)]))
        return
    figures = []
    if arithmetic:
        figures += arithmetic_figures(database, items)
    figures += query_figures(database, items)
    print(json.dumps([asdict(figure) for figure in figures]))


def arithmetic_figures(database: str, items: int) -> list[Figure]:
    import random
    from datetime import timedelta

    from yankao.calendar import services

    rng = random.Random(1)
    base = datetime(2025, 1, 1, tzinfo=services.TAIPEI)
    moments = [base + timedelta(minutes=rng.randrange(600 * 1440)) for _ in range(ARITHMETIC_CALLS)]
    limits = [rng.choice((1, 3, 6, 10, 15, 30)) for _ in moments]
    ends = [moment + timedelta(minutes=rng.randrange(60 * 1440)) for moment in moments]

    def add() -> None:
        for moment, limit in zip(moments, limits, strict=True):
            services.add_working_days(moment, limit)

    def between() -> None:
        for moment, end in zip(moments, ends, strict=True):
            services.working_days_between(moment, end)

    return [
        Figure(
            f"{name} calls per second",
            round(ARITHMETIC_CALLS / median_seconds(action, ARITHMETIC_RUNS)),
            "calls/s",
            database,
            items,
            runs=ARITHMETIC_RUNS,
        )
        for name, action in (("add_working_days", add), ("working_days_between", between))
    ]


def query_figures(database: str, items: int) -> list[Figure]:
    from datetime import timedelta

    from yankao.calendar.services import TAIPEI
    from yankao.core import clock
    from yankao.tracking.models import TrackedItem
    from yankao.tracking.selectors import item_statistics, item_statistics_by_agency

    today = clock.now().astimezone(TAIPEI).date()
    end = datetime(today.year, today.month, 1, tzinfo=TAIPEI)
    start = (end - timedelta(days=1)).replace(day=1)  # the last whole month
    everything = TrackedItem.objects.all()
    if item_statistics(everything, start=start, end=end).received == 0 and items:
        raise SystemExit("The month measured has no items: the seed did not run.")
    queries = (
        ("item_statistics, one month", item_statistics),
        ("item_statistics_by_agency, one month", item_statistics_by_agency),
    )
    return [
        Figure(
            name,
            round(median_seconds(partial(query, everything, start=start, end=end), QUERY_RUNS), 3),
            "s",
            database,
            items,
            target=QUERY_TARGET_SECONDS,
            runs=QUERY_RUNS,
        )
        for name, query in queries
    ]


# --- petitions: the API under gunicorn, the staff pages, the monthly report ------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, bytes, float]:
    """One request on a fresh connection to 127.0.0.1 (gunicorn's sync workers close
    each connection); its status, body and wall-clock seconds.

    Written and read on a plain socket (HTTP/1.1, `Connection: close`, the answer
    read to the end): the clients share the machine's cores with the server, and
    http.client's header parsing cost them about as much CPU again as this."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    request = "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + (body or b"")
    chunks = []
    began = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        while chunk := connection.recv(1 << 18):
            chunks.append(chunk)
    seconds = time.perf_counter() - began
    head, _, content = b"".join(chunks).partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1."):
        raise OSError(f"Not an HTTP answer: {head[:100]!r}")
    if b"\r\ntransfer-encoding: chunked" in head.lower():
        content = _unchunked(content)
    return int(head[9:12]), content, seconds


def _unchunked(content: bytes) -> bytes:
    """A chunked body (RFC 9112 section 7.1) as its bytes."""
    parts: list[bytes] = []
    at = 0
    while True:
        end = content.index(b"\r\n", at)
        size = int(content[at:end].split(b";")[0], 16)
        if size == 0:
            return b"".join(parts)
        parts.append(content[end + 2 : end + 2 + size])
        at = end + 2 + size + 2


class Gunicorn:
    """`gunicorn yankao.wsgi` with 2 sync workers on 127.0.0.1, DEBUG off. With a
    `config` (deploy/gunicorn.conf.py) the production settings apply, bound here."""

    def __init__(
        self,
        *,
        env: dict[str, str] | None = None,
        config: Path | None = None,
        log: Path | None = None,
    ) -> None:
        self.port = free_port()
        binary = Path(sys.executable).with_name("gunicorn")
        if not binary.exists():
            raise SystemExit("gunicorn is missing: pip install -e '.[prod]'.")
        env = {**(os.environ if env is None else env), "YANKAO_DEBUG": "0"}
        command = [str(binary), "yankao.wsgi:application", "--workers", "2"]
        command += ["--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}"]
        if config is None:
            command += ["--log-level", "warning", "--timeout", "60"]
        else:
            command += ["--config", str(config)]
        output = None if log is None else log.open("ab")
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT if log else None
        )
        if output is not None:
            output.close()  # the child has its own copy
        deadline = time.monotonic() + 60
        while True:
            try:
                if http(self.port, "GET", "/healthz", {})[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit("gunicorn did not start.")
            time.sleep(0.2)

    def worker_rss_mib(self) -> list[float]:
        """VmRSS of each worker process (the master's children), from /proc."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            parent = re.search(r"^PPid:\s+(\d+)", text, re.M)
            rss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
            if parent and rss and int(parent.group(1)) == self.process.pid:
                sizes.append(int(rss.group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def petition_figures(database: str, items: int) -> list[Figure]:
    import io
    import random
    import threading
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from yankao.accounts.models import User
    from yankao.calendar.services import TAIPEI
    from yankao.core import clock
    from yankao.demo.petitions import MATTERS, ROADS
    from yankao.organisation.models import District
    from yankao.organisation.scoping import agency_scope_q
    from yankao.petitions.intake import petition_intakes_register
    from yankao.petitions.models import IntakeState, Petition, PetitionIntake
    from yankao.petitions.reports.selectors import petition_report
    from yankao.petitions.selectors import petitions_visible_to

    petitions = Petition.objects.count()
    supervisor = User.objects.get(username="supervisor")
    out = io.StringIO()
    call_command("token", "create", "agent", "--name", "bench", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = Client()
    client.force_login(supervisor)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    districts = list(District.objects.values_list("key", flat=True))
    codes = list(MATTERS)
    rng = random.Random(5)
    visible = list(petitions_visible_to(supervisor).values_list("pk", flat=True))
    cases = rng.sample(visible, min(PAGE_REQUESTS, len(visible)))
    # The open petitions the supervisor's agencies own: their pages load the possible
    # duplicates and repeats with htmx, which is timed as its own request.
    handled = list(
        petitions_visible_to(supervisor)
        .filter(agency_scope_q(supervisor, "item__owner_agency"), item__closed_at__isnull=True)
        .values_list("pk", flat=True)
    )
    open_cases = rng.sample(handled, min(PAGE_REQUESTS, len(handled)))
    figures: list[Figure] = []

    def figure(
        metric: str, value: float, unit: str, target: float | None = None, **kw: Any
    ) -> None:
        figures.append(Figure(metric, value, unit, database, items, target, **kw))

    server = Gunicorn()
    try:
        # The API load: API_THREADS clients, each one request at a time, for API_SECONDS.
        def body(n: int) -> bytes:
            road = ROADS[n % len(ROADS)]
            return json.dumps(
                {
                    "channel": "app",
                    "category": codes[n % len(codes)],
                    "district": districts[n % len(districts)],
                    "subject": f"{road}路燈故障不亮（測試 {n}）",
                    "content": f"{road}路燈故障不亮已一週，請派員修復。",
                    "petitioner_name": "測試員",
                    "petitioner_email": f"bench{n}@example.invalid",
                    "petitioner_phone": "0900000000",
                },
                ensure_ascii=False,
            ).encode()

        counter = iter(range(API_MAX_REQUESTS * 2))

        def api_load(label: str, extra: dict[str, str], expect: int, target: float | None) -> None:
            """API_THREADS clients, each one request at a time, for API_SECONDS."""
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            headers.update(extra)
            status, data, _ = http(server.port, "POST", "/api/v1/petitions", headers, body(0))
            if status != expect:
                raise SystemExit(f"POST /api/v1/petitions answered {status}: {data[:500]!r}")
            for _n in range(20):  # warm both workers up
                http(server.port, "POST", "/api/v1/petitions", headers, body(next(counter)))
            latencies: list[float] = []
            failures: list[int] = []
            lock = threading.Lock()
            sent = 0
            began = time.perf_counter()
            stop_at = began + API_SECONDS

            def load() -> None:
                nonlocal sent
                while time.perf_counter() < stop_at:
                    with lock:
                        if sent >= API_MAX_REQUESTS:
                            return
                        sent += 1
                        n = next(counter)
                    status, _data, seconds = http(
                        server.port, "POST", "/api/v1/petitions", headers, body(n)
                    )
                    with lock:
                        if status == expect:
                            latencies.append(seconds)
                        else:
                            failures.append(status)

            threads = [threading.Thread(target=load) for _ in range(API_THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
            runs = len(latencies)
            if failures:
                sys.stderr.write(f"[{database}] API: {len(failures)} failed {set(failures)}\n")
            figure(
                f"API POST /api/v1/petitions, {label}, 2 gunicorn workers, {API_THREADS} clients",
                round(runs / elapsed),
                "req/s",
                target,
                runs=runs,
                above=True,
                of="requests:",
            )
            for share in (0.5, 0.95):
                figure(
                    f"API POST ({label}) latency p{round(share * 100)}",
                    round(percentile(latencies, share) * 1000, 1),
                    "ms",
                    runs=runs,
                    of=f"p{round(share * 100)} of",
                )

        # Registered within the request (201), then accepted and queued (202) for a
        # worker, which is timed draining the queue the second load left.
        api_load("registered in the request (201)", {}, 201, None)
        queued_before = PetitionIntake.objects.filter(state=IntakeState.QUEUED).count()
        api_load("Prefer: respond-async (202)", {"Prefer": "respond-async"}, 202, API_TARGET_RPS)
        backlog = PetitionIntake.objects.filter(state=IntakeState.QUEUED).count() - queued_before
        began = time.perf_counter()
        drained = petition_intakes_register()
        seconds = time.perf_counter() - began
        left = PetitionIntake.objects.filter(state=IntakeState.QUEUED).count()
        if left or drained < backlog:
            raise SystemExit(f"The queue kept {left} petitions ({drained} of {backlog} done).")
        figure(
            f"queued petitions registered by one worker ({drained:,} after the load)",
            round(drained / seconds),
            "petitions/s",
            runs=drained,
            of="petitions:",
        )
        sizes = server.worker_rss_mib()
        figure(
            f"gunicorn worker RSS after the load (largest of {len(sizes)})",
            round(max(sizes)),
            "MiB",
            WORKER_RSS_TARGET_MIB,
        )

        # Pages, signed in as the demo supervisor, one request at a time.
        page = {"Cookie": cookie}
        htmx = {**page, "HX-Request": "true"}
        pages = [
            ("staff home / (worklist)", ["/"] * PAGE_REQUESTS, page),
            ("/petitions/", ["/petitions/"] * PAGE_REQUESTS, page),
            ("case page /petitions/<pk>/", [f"/petitions/{pk}/" for pk in cases], page),
            (
                "its possible duplicates, loaded by htmx /petitions/<pk>/suggestions/",
                [f"/petitions/{pk}/suggestions/" for pk in open_cases],
                htmx,
            ),
        ]
        for name, paths, page in pages:
            status, data, _ = http(server.port, "GET", paths[0], page)
            if status == 404 and name == "/petitions/":
                sys.stderr.write(f"[{database}] /petitions/ answers 404: there is no such page.\n")
                continue
            if status != 200:
                raise SystemExit(f"GET {paths[0]} answered {status}: {data[:300]!r}")
            for path in paths[:3]:
                http(server.port, "GET", path, page)  # warm-up
            times = []
            for path in paths:
                status, data, seconds = http(server.port, "GET", path, page)
                if status != 200:
                    raise SystemExit(f"GET {path} answered {status}")
                times.append(seconds * 1000)
            n = len(times)
            figure(f"{name} p50", round(percentile(times, 0.5), 1), "ms", runs=n, of="p50 of")
            figure(
                f"{name} p95",
                round(percentile(times, 0.95), 1),
                "ms",
                PAGE_TARGET_MS,
                runs=n,
                of="p95 of",
            )
    finally:
        server.stop()

    # The monthly report for every agency (a city-wide user), grouped by agency.
    controller = User.objects.get(username="controller")
    today = clock.now().astimezone(TAIPEI).date()
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)

    def report() -> object:
        return petition_report(user=controller, start=start, end=end, group_by="agency")

    if report().total.received == 0 and petitions:  # type: ignore[attr-defined]
        raise SystemExit("The month measured has no petitions: the bulk seed did not run.")
    figure(
        f"petition_report by agency, one month ({petitions:,} petitions)",
        round(median_seconds(report, REPORT_RUNS), 3),
        "s",
        REPORT_TARGET_SECONDS,
        runs=REPORT_RUNS,
    )
    return figures


# --- the orchestrator ------------------------------------------------------------------


def business_figures(database: str, items: int) -> list[Figure]:
    """The other businesses, each measured by its own module in bench/: Open311 and
    full-text search over the petitions already seeded, then dispatch tickets, 1999
    calls and legal bookings seeded at their share of `items`."""
    from bench import dispatch_bench, hotline_bench, legal_bench, open311_bench, search_bench

    rows: list[dict[str, Any]] = []
    for label, measure in (
        ("Open311 under gunicorn", lambda: open311_bench.figures(database, items)),
        (
            "search: reindex and queries",
            lambda: search_bench.figures(database, items, petitions=SEARCH_PETITIONS),
        ),
        ("dispatch tickets", lambda: dispatch_bench.figures(database, items // TICKETS_SHARE)),
        ("1999 calls", lambda: hotline_bench.figures(database, items // CALLS_SHARE)),
        (
            "legal consultations",
            lambda: legal_bench.figures(database, items // LEGAL_BOOKINGS_SHARE),
        ),
    ):
        print(f"[{database}] {label} …", file=sys.stderr, flush=True)
        rows += measure()
    return [Figure(**row) for row in rows]


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    # Demo mode for its generated secret key, but not its DEBUG: Django would keep
    # every query in memory and the figures would not be production's.
    env.update(
        DJANGO_SETTINGS_MODULE="yankao.settings",
        YANKAO_DEMO="1",
        YANKAO_DEBUG="0",
        YANKAO_DATA_DIR=str(data_dir),
    )
    env.pop("DATABASE_URL", None)
    # The in-process figures use Django's test client, whose host is "testserver".
    env["YANKAO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def yankao(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("yankao")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "yankao.cli", *args]


def measure_database(
    database: str, items: int, env: dict[str, str], *, arithmetic: bool
) -> list[Figure]:
    print(f"[{database}] migrating a fresh database …", flush=True)
    subprocess.run(yankao("migrate", "-v", "0"), env=env, check=True)
    print(f"[{database}] seeding {items:,} tracked items …", flush=True)
    seconds, peak = timed_command(yankao("seed", *NO_DEMO_DATA, "--items", str(items)), env)
    target = SEED_TARGET_SECONDS if database == "sqlite" else None
    figures = [Figure(f"seed --items {items:,}", round(seconds, 1), "s", database, items, target)]
    if peak is not None:
        figures.append(Figure("seed peak memory (RSS)", round(peak), "MiB", database, items))
    print(f"[{database}] timing queries …", flush=True)
    figures += run_worker(database, items, env, ["--arithmetic"] if arithmetic else [])
    print(f"[{database}] seeding {items:,} petitions in bulk …", flush=True)
    command = ["seed", *NO_DEMO_DATA, "--bulk-petitions", str(items)]
    seconds, peak = timed_command(yankao(*command), env)
    target = PETITION_SEED_TARGET_SECONDS if database == "sqlite" else None
    figures.append(
        Figure(f"seed --bulk-petitions {items:,}", round(seconds, 1), "s", database, items, target)
    )
    if peak is not None:
        figures.append(
            Figure("bulk petitions seed peak memory", round(peak), "MiB", database, items)
        )
    print(f"[{database}] timing petitions: API under gunicorn, pages, report …", flush=True)
    figures += run_worker(database, items, env, ["--petitions"])
    print(f"[{database}] timing the other businesses …", flush=True)
    return figures + run_worker(database, items, env, ["--extras"])


def run_worker(database: str, items: int, env: dict[str, str], extra: list[str]) -> list[Figure]:
    command = [sys.executable, __file__, "--worker", "--items", str(items), "--database", database]
    done = subprocess.run([*command, *extra], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"The {database} worker failed.")
    sys.stderr.write(done.stderr)
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    return [Figure(**row) for row in rows]


def seed_base_figure() -> Figure:
    """The seed without bulk items (calendar, city, staff): the fixed part of the seed."""
    print("[sqlite] seeding without items, for the fixed part of the seed …", flush=True)
    with tempfile.TemporaryDirectory(prefix="yankao-bench-") as folder:
        env = environment(Path(folder), None)
        subprocess.run(yankao("migrate", "-v", "0"), env=env, check=True)
        seconds, _ = timed_command(yankao("seed", *NO_DEMO_DATA, "--items", "0"), env)
    return Figure("seed --items 0 (its fixed part)", round(seconds, 1), "s", "sqlite", 0)


def postgres_recreate(url: str, *, drop_only: bool = False) -> str | None:
    """Drop and create the bench database; its server version, or None when unreachable."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if not drop_only:
                conn.execute(f'CREATE DATABASE "{name}"')
            return str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    except psycopg.OperationalError as error:
        print(f"[postgresql] skipped: {error}".strip(), flush=True)
        return None


def machine() -> dict[str, Any]:
    import sqlite3

    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else ""
    memory = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        memory = round(int(found.group(1)) / 1024**2, 1) if found else None
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory_gib": memory,
        "commit": commit or None,
    }


def table(figures: list[Figure]) -> str:
    header = ("metric", "value", "unit", "database", "items", "target", "pass/fail")
    verdicts = {True: "pass", False: "FAIL", None: "-"}
    lines = [
        (
            f.metric + (f" ({f.of} {f.runs})" if f.runs > 1 else ""),
            f"{f.value:,.3f}".rstrip("0").rstrip(".") if f.value % 1 else f"{f.value:,.0f}",
            f.unit,
            f.database,
            f"{f.items:,}",
            f.target_text,
            verdicts[f.passed],
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    right = {1, 4}

    def render(row: tuple[str, ...]) -> str:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(header), rule, *(render(row) for row in lines)])


def orchestrate(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    items = QUICK_ITEMS if args.quick and args.items is None else (args.items or DEFAULT_ITEMS)
    info = {"date": datetime.now(UTC).isoformat(timespec="seconds"), **machine()}
    figures: list[Figure] = []
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="yankao-bench-") as folder:
            env = environment(Path(folder), None)
            figures += measure_database("sqlite", items, env, arithmetic=True)
        figures.insert(1, seed_base_figure())
    if not args.no_postgres:
        version = postgres_recreate(args.postgres_url)
        if version:
            info["postgresql"] = version
            with tempfile.TemporaryDirectory(prefix="yankao-bench-") as folder:
                env = environment(Path(folder), args.postgres_url)
                figures += measure_database("postgresql", items, env, arithmetic=False)
            if not args.keep:
                postgres_recreate(args.postgres_url, drop_only=True)
    info["total_seconds"] = round(time.perf_counter() - began, 1)
    print()
    print(table(figures))
    print(f"\n{info['date']} · {info['cpu']} × {info['cpu_count']} · {info['total_seconds']} s")
    output = Path(args.output).resolve() if args.output else RESULTS
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {**info, "figures": [figure.as_json() for figure in figures]}
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {output}.")
    return 1 if any(figure.passed is False for figure in figures) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items", type=int, help=f"Tracked items to seed (default {DEFAULT_ITEMS:,})."
    )
    parser.add_argument("--quick", action="store_true", help=f"Seed {QUICK_ITEMS:,} items only.")
    parser.add_argument("--no-postgres", action="store_true", help="Measure SQLite only.")
    parser.add_argument("--no-sqlite", action="store_true", help="Measure PostgreSQL only.")
    parser.add_argument(
        "--output", help="Write the JSON here instead of bench/results/latest.json."
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("YANKAO_BENCH_DATABASE_URL", DEFAULT_PG_URL),
        help="The PostgreSQL database to recreate for the bench (it is dropped first).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL bench database.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--arithmetic", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--petitions", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--extras", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.items, args.database, args.arithmetic, args.petitions, args.extras)
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
