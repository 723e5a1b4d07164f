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
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
DEFAULT_ITEMS = 1_000_000
QUICK_ITEMS = 50_000
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/yankao_bench"
QUERY_RUNS = 7
ARITHMETIC_RUNS = 5
ARITHMETIC_CALLS = 20_000
SEED_TARGET_SECONDS = 60.0
QUERY_TARGET_SECONDS = 1.0


@dataclass
class Figure:
    metric: str
    value: float
    unit: str
    database: str
    items: int
    target: float | None = None  # the value must stay below it
    runs: int = 1

    @property
    def passed(self) -> bool | None:
        return None if self.target is None else self.value < self.target

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = None if self.target is None else f"< {self.target:g}"
        data["pass"] = self.passed
        return data


# --- measuring ------------------------------------------------------------------------


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall-clock time of `runs` calls, after one untimed warm-up call."""
    action()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


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


def worker(items: int, database: str, arithmetic: bool) -> None:
    import django

    django.setup()
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
            round(
                median_seconds(lambda q=query: q(everything, start=start, end=end), QUERY_RUNS), 3
            ),
            "s",
            database,
            items,
            target=QUERY_TARGET_SECONDS,
            runs=QUERY_RUNS,
        )
        for name, query in queries
    ]


# --- the orchestrator ------------------------------------------------------------------


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="yankao.settings", YANKAO_DEMO="1", YANKAO_DATA_DIR=str(data_dir)
    )
    env.pop("DATABASE_URL", None)
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
    seconds, peak = timed_command(yankao("seed", "--directives", "0", "--items", str(items)), env)
    target = SEED_TARGET_SECONDS if database == "sqlite" else None
    figures = [Figure(f"seed --items {items:,}", round(seconds, 1), "s", database, items, target)]
    if peak is not None:
        figures.append(Figure("seed peak memory (RSS)", round(peak), "MiB", database, items))
    print(f"[{database}] timing queries …", flush=True)
    command = [sys.executable, __file__, "--worker", "--items", str(items), "--database", database]
    if arithmetic:
        command.append("--arithmetic")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"The {database} worker failed.")
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    return figures + [Figure(**row) for row in rows]


def seed_base_figure() -> Figure:
    """The seed without bulk items (calendar, city, staff): the fixed part of the seed."""
    print("[sqlite] seeding without items, for the fixed part of the seed …", flush=True)
    with tempfile.TemporaryDirectory(prefix="yankao-bench-") as folder:
        env = environment(Path(folder), None)
        subprocess.run(yankao("migrate", "-v", "0"), env=env, check=True)
        seconds, _ = timed_command(yankao("seed", "--directives", "0", "--items", "0"), env)
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
            f.metric + (f" (median of {f.runs})" if f.runs > 1 else ""),
            f"{f.value:,.3f}".rstrip("0").rstrip(".") if f.value % 1 else f"{f.value:,.0f}",
            f.unit,
            f.database,
            f"{f.items:,}",
            "-" if f.target is None else f"< {f.target:g}",
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
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {**info, "figures": [figure.as_json() for figure in figures]}
    RESULTS.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {RESULTS.relative_to(ROOT)}.")
    return 1 if any(figure.passed is False for figure in figures) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items", type=int, help=f"Tracked items to seed (default {DEFAULT_ITEMS:,})."
    )
    parser.add_argument("--quick", action="store_true", help=f"Seed {QUICK_ITEMS:,} items only.")
    parser.add_argument("--no-postgres", action="store_true", help="Measure SQLite only.")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("YANKAO_BENCH_DATABASE_URL", DEFAULT_PG_URL),
        help="The PostgreSQL database to recreate for the bench (it is dropped first).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL bench database.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--arithmetic", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.items, args.database, args.arithmetic)
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
