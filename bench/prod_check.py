"""`make prod-check`: the production shape on one machine, under a surge, through a
PostgreSQL restart and a worker kill (docs/deployment.md, "Proving the shape").

It starts what deploy/ describes, from the services on this machine: gunicorn with
deploy/gunicorn.conf.py, the huey worker on Redis, and nginx (Debian's) on a loopback
port with deploy/nginx/yankao-locations.conf, against a fresh PostgreSQL database.
locust then runs headless for LOAD_SECONDS with USERS clients through nginx: API
clients registering petitions (201 in the request, 202 queued, each with an
Idempotency-Key and retried on a 503 as a careful client does) and staff reading
worklists. In the middle the worker is killed (SIGKILL) and started again, then
PostgreSQL is restarted (`pg_ctlcluster … restart`).

When the worker has drained the queue it checks that every acknowledged petition
exists exactly once, that no intake failed, and that every failed answer was a
problem document or a clean 503/429. It prints a table and writes the figures to
var/prod-check/latest.json. It restarts the machine's PostgreSQL: never run it next
to work that needs the database.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the bench package lives at the root
    sys.path.insert(0, str(ROOT))

from bench.measure import percentile  # noqa: E402
from bench.run import Gunicorn, free_port, http, machine, postgres_recreate, yankao  # noqa: E402

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/yankao_prodcheck"
# Redis databases of its own (the test suite uses 15), flushed at the start.
QUEUE_URL = "redis://127.0.0.1:6379/12"
CACHE_URL = "redis://127.0.0.1:6379/13"
USERS = 100
LOAD_SECONDS = 60
SPAWN_RATE = 50  # users started per second
WORKER_KILL_AT = 15.0  # seconds into the load
WORKER_BACK_AFTER = 5.0
POSTGRES_RESTART_AT = 30.0
DRAIN_SECONDS = 150  # the sweep runs every minute
API_TOKENS = 10
OUTPUT = ROOT / "var" / "prod-check" / "latest.json"
LOCUSTFILE = ROOT / "bench" / "prod_locustfile.py"
LOCATIONS = ROOT / "deploy" / "nginx" / "yankao-locations.conf"
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
NO_DEMO_DATA = (
    "--directives", "0", "--petitions", "0", "--tickets", "0", "--legal-bookings", "0",
    "--calls", "0", "--no-knowledge", "--no-open311", "--items", "0",
)  # fmt: skip

# Targets: nothing lost or duplicated, every failure clean, and the platform answering
# through nginx within RECOVERY_TARGET seconds of PostgreSQL taking connections again
# (how long PostgreSQL itself takes to restart depends on its checkpoint and the load).
RECOVERY_TARGET = 5.0


def say(text: str) -> None:
    print(f"[prod-check] {text}", flush=True)


# --- what must be on the machine ------------------------------------------------------------


def preconditions(pg_url: str) -> dict[str, str]:
    """The programs and services the shape runs on; a clear exit when one is missing."""
    found = {}
    for program in ("nginx", "pg_ctlcluster", "redis-cli"):
        path = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
        if path is None:
            hint = "sudo bash scripts/install-system-packages.sh" if program == "nginx" else ""
            raise SystemExit(f"{program} is not installed. {hint}".strip())
        found[program] = path
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        raise SystemExit("locust is missing: pip install -e '.[test,bench]' (make prod-check).")
    found["locust"] = str(locust)
    clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    port = str(urlsplit(pg_url).port or 5432)
    cluster = next(
        (line.split()[:2] for line in clusters.stdout.splitlines() if line.split()[2:3] == [port]),
        None,
    )
    if cluster is None:
        raise SystemExit(f"No local PostgreSQL cluster listens on port {port} (pg_lsclusters).")
    found["cluster"] = " ".join(cluster)
    if subprocess.run([found["redis-cli"], "ping"], capture_output=True).returncode:
        raise SystemExit("Redis does not answer on 127.0.0.1:6379.")
    return found


# --- the shape --------------------------------------------------------------------------------


def environment(data: Path, pg_url: str) -> dict[str, str]:
    """Production's settings (deploy/yankao.env.example), on loopback and plain HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YANKAO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="yankao.settings",
        YANKAO_SECRET_KEY=secrets.token_urlsafe(64),
        YANKAO_DEBUG="0",
        YANKAO_HTTPS="0",  # nginx listens on plain HTTP on loopback here
        YANKAO_ALLOWED_HOSTS="127.0.0.1,localhost",
        YANKAO_DATA_DIR=str(data),
        DATABASE_URL=pg_url,
        YANKAO_CACHE_URL=CACHE_URL,
        YANKAO_QUEUE_URL=QUEUE_URL,
        YANKAO_TRUSTED_PROXIES="127.0.0.1",
        YANKAO_LOG_FORMAT="json",
        YANKAO_SECURITY_LOG=str(data / "security.log"),
        YANKAO_METRICS="1",
        PROMETHEUS_MULTIPROC_DIR=str(data / "metrics"),
    )
    return env


def prepare(env: dict[str, str]) -> dict[str, Any]:
    """Migrate, seed the city (no demo cases), collect static files, and make what
    the load's clients sign in with."""
    say("migrating and seeding a fresh database …")
    subprocess.run(yankao("migrate", "-v", "0"), env=env, check=True)
    subprocess.run(yankao("seed", *NO_DEMO_DATA), env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(yankao("collectstatic", "--noinput", "-v", "0"), env=env, check=True)
    done = subprocess.run(
        [sys.executable, __file__, "--prepare"], env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit("Preparing the clients failed.")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def clients() -> None:
    """In the platform's environment: API tokens, a supervisor's session, and the
    categories and districts the clients write petitions for (printed as JSON)."""
    import io

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.base import SessionBase
    from django.core.management import call_command
    from django.test import Client

    from yankao.accounts.models import User
    from yankao.demo.petitions import MATTERS
    from yankao.organisation.models import District

    tokens = []
    for n in range(API_TOKENS):
        out = io.StringIO()
        call_command("token", "create", "agent", "--name", f"prod-check-{n}", stdout=out)
        tokens.append(out.getvalue().strip().splitlines()[-1])
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    session: SessionBase = client.session
    print(
        json.dumps(
            {
                "tokens": tokens,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                "categories": list(MATTERS),
                "districts": list(District.objects.values_list("key", flat=True)),
            }
        )
    )


NGINX_CONF = """\
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    access_log {folder}/nginx-access.log;
    keepalive_timeout 30s;
    upstream yankao_app {{
        server 127.0.0.1:{upstream} fail_timeout=0;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1 localhost;
        set $yankao_root {data};
        include {locations};
    }}
}}
"""


def nginx_config(folder: Path, data: Path, upstream: int, port: int) -> Path:
    """nginx.conf in `folder`: a loopback server with production's locations."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # its workers (another user when we are root) read static files
    data.chmod(0o755)
    # As root, nginx's workers run as www-data, which creates its temporary folders.
    user = "user www-data;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            folder=folder, user=user, upstream=upstream, port=port, data=data, locations=LOCATIONS
        )
    )
    return conf


class Nginx:
    """Debian's nginx in the foreground, as this user, on a loopback port, with the
    same locations as production (deploy/nginx/yankao-locations.conf)."""

    def __init__(self, binary: str, folder: Path, data: Path, upstream: int) -> None:
        self.port = free_port()
        conf = nginx_config(folder, data, upstream, self.port)
        subprocess.run([binary, "-t", "-q", "-c", str(conf)], check=True)
        self.process = subprocess.Popen([binary, "-c", str(conf), "-g", "daemon off;"])
        wait_for(lambda: healthy(self.port), 20, "nginx did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Worker:
    """`yankao run_huey`, in a process group of its own so a kill takes its threads."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                yankao("run_huey", "--workers", "2"),
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def healthy(port: int) -> bool:
    try:
        return http(port, "GET", "/healthz", {})[0] == 200
    except OSError:
        return False


def wait_for(check: Any, seconds: float, failure: str) -> float:
    """Poll `check` every 50 ms; the seconds it took."""
    began = time.monotonic()
    while not check():
        if time.monotonic() - began > seconds:
            raise SystemExit(failure)
        time.sleep(0.05)
    return time.monotonic() - began


# --- the surge and the failures -----------------------------------------------------------------


@dataclass
class Disruptions:
    cluster: str
    worker: Worker
    nginx_port: int
    restart_postgres: bool = True
    events: list[dict[str, Any]] = field(default_factory=list)
    recovery_seconds: float | None = None
    postgres_restart_seconds: float | None = None
    back_after_postgres_seconds: float | None = None

    def run(self, began: float) -> None:
        self._at(began, WORKER_KILL_AT)
        self.worker.kill()
        self.events.append({"at": round(time.monotonic() - began, 1), "event": "worker killed"})
        self._at(began, WORKER_KILL_AT + WORKER_BACK_AFTER)
        self.worker.start()
        self.events.append({"at": round(time.monotonic() - began, 1), "event": "worker started"})
        self._at(began, POSTGRES_RESTART_AT)
        if not self.restart_postgres:
            self.recovery_seconds = self.postgres_restart_seconds = 0.0
            self.back_after_postgres_seconds = 0.0
            return
        version, name = self.cluster.split()
        started = time.monotonic()
        self.events.append({"at": round(started - began, 1), "event": "PostgreSQL restart"})
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"],
            check=True,
            capture_output=True,
        )
        self.postgres_restart_seconds = round(time.monotonic() - started, 2)
        # Back when a request through nginx reaches the database again.
        wait_for(lambda: healthy(self.nginx_port), 60, "The platform did not recover.")
        self.recovery_seconds = round(time.monotonic() - started, 2)
        self.back_after_postgres_seconds = round(
            self.recovery_seconds - self.postgres_restart_seconds, 2
        )
        self.events.append({"at": round(time.monotonic() - began, 1), "event": "healthy again"})

    @staticmethod
    def _at(began: float, moment: float) -> None:
        time.sleep(max(0.0, began + moment - time.monotonic()))


def surge(
    locust: str, port: int, folder: Path, prepared: dict[str, Any], dis: Disruptions, load: Load
) -> None:
    env = {
        **os.environ,
        "PROD_CHECK_RECORDS": str(folder / "records.jsonl"),
        "PROD_CHECK_CLIENTS": json.dumps(prepared),
    }
    command = [locust, "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
    command += ["--users", str(load.users), "--spawn-rate", str(SPAWN_RATE)]
    command += ["--run-time", f"{load.seconds}s", "--stop-timeout", "10"]
    command += ["--host", f"http://127.0.0.1:{port}", "--loglevel", "WARNING"]
    say(f"surge: {load.users} clients for {load.seconds} s through nginx …")
    with (folder / "locust.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    began = time.monotonic()
    thread = threading.Thread(target=dis.run, args=(began,), daemon=True)
    thread.start()
    process.wait(timeout=load.seconds + 120)
    thread.join(timeout=60)
    if dis.recovery_seconds is None:
        raise SystemExit("The disruptions did not finish (see the events above).")


# --- checking ----------------------------------------------------------------------------------


def drained(pg_url: str) -> int:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM petitions_petitionintake WHERE state = 'queued'"
        ).fetchone()
    return int(row[0]) if row else 0


def verify(pg_url: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Each acknowledged number once among the petitions; each client's petition (its
    marker in the subject) at most once; failed intakes; the failures' kinds."""
    import psycopg

    acknowledged = [r for r in records if r["kind"] == "create" and r["status"] in (201, 202)]
    numbers = [r["number"] for r in acknowledged]
    with psycopg.connect(pg_url) as conn:
        found = Counter(
            row[0]
            for row in conn.execute(
                "SELECT i.number FROM petitions_petition p "
                "JOIN tracking_trackeditem i ON i.id = p.item_id WHERE i.number = ANY(%s)",
                [numbers],
            )
        )
        markers = Counter(
            row[0]
            for row in conn.execute(
                "SELECT substring(subject from '\\[pc:([0-9a-f]+)\\]') FROM petitions_petition "
                "WHERE subject LIKE '%%[pc:%%'"
            )
        )
        failed_intakes = conn.execute(
            "SELECT count(*) FROM petitions_petitionintake WHERE state = 'failed'"
        ).fetchone()
    lost = [n for n in numbers if found[n] == 0]
    duplicated = [m for m, count in markers.items() if count > 1]
    failures = [r for r in records if r.get("failed")]
    unclean = [r for r in failures if not r["clean"]]
    return {
        "acknowledged": len(acknowledged),
        "acknowledged_201": sum(r["status"] == 201 for r in acknowledged),
        "acknowledged_202": sum(r["status"] == 202 for r in acknowledged),
        "lost": len(lost),
        "lost_numbers": lost[:20],
        "duplicated": len(duplicated) + sum(count - 1 for count in found.values() if count > 1),
        "failed_intakes": int(failed_intakes[0]) if failed_intakes else 0,
        "failed_answers": len(failures),
        "failed_answers_by_status": dict(Counter(str(r["status"]) for r in failures)),
        "unclean_failures": len(unclean),
        "unclean_examples": unclean[:10],
    }


def latencies(records: list[dict[str, Any]], kind: str) -> dict[str, float]:
    times = [r["ms"] for r in records if r["kind"] == kind and not r.get("failed")]
    if not times:
        return {"p50": 0.0, "p95": 0.0, "count": 0}
    return {
        "p50": round(percentile(times, 0.5), 1),
        "p95": round(percentile(times, 0.95), 1),
        "count": len(times),
    }


def metrics_scraped(port: int) -> float | None:
    """Requests the platform counted itself, from /metrics straight from gunicorn."""
    status, body, _ = http(port, "GET", "/metrics", {})
    if status != 200:
        return None
    total = 0.0
    for line in body.decode().splitlines():
        found = re.match(r"django_http_requests_total_by_method_total\{[^}]*\} ([0-9.e+]+)", line)
        if found:
            total += float(found.group(1))
    return total


def log_lines(path: Path) -> tuple[int, int]:
    """Lines the web processes logged, and how many of them were not one JSON object."""
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    wrong = 0
    for line in lines:
        try:
            json.loads(line)
        except ValueError:
            wrong += 1
    return len(lines), wrong


def table(figures: dict[str, Any]) -> str:
    rows = [
        ("acknowledged petitions (201 + 202)", f"{figures['acknowledged']:,}", "-"),
        ("  registered in the request (201)", f"{figures['acknowledged_201']:,}", "-"),
        ("  queued (202)", f"{figures['acknowledged_202']:,}", "-"),
        ("lost", str(figures["lost"]), "= 0"),
        ("duplicated", str(figures["duplicated"]), "= 0"),
        ("failed intakes", str(figures["failed_intakes"]), "= 0"),
        ("failed answers (all clean)", str(figures["failed_answers"]), "-"),
        ("unclean failed answers", str(figures["unclean_failures"]), "= 0"),
        ("PostgreSQL restart took", f"{figures['postgres_restart_seconds']} s", "-"),
        ("recovery after the restart command", f"{figures['recovery_seconds']} s", "-"),
        (
            "  of which after PostgreSQL was back",
            f"{figures['back_after_postgres_seconds']} s",
            f"< {RECOVERY_TARGET:g}",
        ),
        ("create p50 / p95", "{p50} / {p95} ms".format(**figures["create_ms"]), "-"),
        ("worklist read p50 / p95", "{p50} / {p95} ms".format(**figures["read_ms"]), "-"),
        ("queue drained after the load", f"{figures['drain_seconds']} s", "-"),
        (
            "web log lines (not JSON)",
            f"{figures['log_lines']} ({figures['log_lines_not_json']})",
            "-",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    value = max(len(r[1]) for r in rows)
    lines = [f"{'figure':<{width}}  {'value':>{value}}  target", "-" * (width + value + 12)]
    lines += [f"{a:<{width}}  {b:>{value}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


def passed(figures: dict[str, Any]) -> bool:
    return (
        figures["lost"] == 0
        and figures["duplicated"] == 0
        and figures["failed_intakes"] == 0
        and figures["unclean_failures"] == 0
        and figures["acknowledged"] > 0
        and figures["back_after_postgres_seconds"] < RECOVERY_TARGET
    )


@dataclass(frozen=True)
class Load:
    users: int = USERS
    seconds: int = LOAD_SECONDS
    restart_postgres: bool = True


def redis_flush(redis_cli: str) -> None:
    """Empty the check's own Redis databases (the queue's and the cache's), only those."""
    for url in (QUEUE_URL, CACHE_URL):
        database = url.rsplit("/", 1)[1]
        subprocess.run(
            [redis_cli, "-n", database, "flushdb"], check=True, stdout=subprocess.DEVNULL
        )


def orchestrate(pg_url: str, output: Path, load: Load) -> int:
    found = preconditions(pg_url)
    began = time.monotonic()
    if postgres_recreate(pg_url) is None:
        raise SystemExit(f"PostgreSQL is not reachable at {pg_url}.")
    redis_flush(found["redis-cli"])
    with tempfile.TemporaryDirectory(prefix="yankao-prod-check-") as name:
        folder = Path(name)
        data = folder / "data"
        data.mkdir()
        env = environment(data, pg_url)
        prepared = prepare(env)
        server = Gunicorn(env=env, config=GUNICORN_CONFIG, log=folder / "gunicorn.log")
        worker = Worker(env, folder / "worker.log")
        nginx = None
        try:
            nginx = Nginx(found["nginx"], folder / "nginx", data, server.port)
            dis = Disruptions(found["cluster"], worker, nginx.port, load.restart_postgres)
            surge(found["locust"], nginx.port, folder, prepared, dis, load)
            for event in dis.events:
                say(f"  {event['at']:>5} s  {event['event']}")
            say("waiting for the worker to drain the queue …")
            drain = wait_for(
                lambda: drained(pg_url) == 0, DRAIN_SECONDS, "The queue kept petitions."
            )
            records = [json.loads(line) for line in (folder / "records.jsonl").open()]
            figures = verify(pg_url, records)
            figures.update(
                recovery_seconds=dis.recovery_seconds,
                postgres_restart_seconds=dis.postgres_restart_seconds,
                back_after_postgres_seconds=dis.back_after_postgres_seconds,
                create_ms=latencies(records, "create"),
                read_ms=latencies(records, "read"),
                drain_seconds=round(drain, 1),
                requests=len(records),
                requests_counted_by_metrics=metrics_scraped(server.port),
                events=dis.events,
            )
        finally:
            if nginx is not None:
                nginx.stop()
            worker.stop()
            server.stop()
        figures["log_lines"], figures["log_lines_not_json"] = log_lines(folder / "gunicorn.log")
    postgres_recreate(pg_url, drop_only=True)
    redis_flush(found["redis-cli"])
    figures["pass"] = passed(figures)
    document = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        **machine(),
        "users": load.users,
        "load_seconds": load.seconds,
        "postgres_restarted": load.restart_postgres,
        "total_seconds": round(time.monotonic() - began, 1),
        "figures": figures,
    }
    print()
    print(table(figures))
    print(f"\n{document['date']} · {document['cpu']} × {document['cpu_count']}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {output}.")
    if not figures["pass"]:
        for example in figures["unclean_examples"]:
            print(f"unclean: {example}", file=sys.stderr)
    return 0 if figures["pass"] else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("YANKAO_PROD_CHECK_DATABASE_URL", DEFAULT_PG_URL),
        help="The PostgreSQL database to recreate for the check (it is dropped first).",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--users", type=int, default=USERS, help=f"Clients (default {USERS}).")
    parser.add_argument(
        "--seconds", type=int, default=LOAD_SECONDS, help=f"Load (default {LOAD_SECONDS} s)."
    )
    parser.add_argument(
        "--no-postgres-restart",
        action="store_true",
        help="Leave PostgreSQL running (a trial of the rest; the check is then incomplete).",
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        clients()
        return 0
    load = Load(args.users, args.seconds, not args.no_postgres_restart)
    if args.seconds < POSTGRES_RESTART_AT + 10:
        raise SystemExit(f"--seconds must be at least {POSTGRES_RESTART_AT + 10:g}.")
    return orchestrate(args.postgres_url, args.output, load)


if __name__ == "__main__":
    sys.exit(main())
