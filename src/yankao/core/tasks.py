"""Housekeeping of the shared cores, run by the scheduler."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yankao.core.idempotency import idempotency_keys_purge
from yankao.core.planner import planner_statistics_refresh
from yankao.core.readiness import worker_heartbeat_record


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_keys() -> int:
    """Stored replies (which may hold a new case's verification code) live 24 hours."""
    return idempotency_keys_purge()


@db_periodic_task(crontab(minute="11", hour="3"))
def refresh_planner_statistics() -> str:
    """Nightly, while the city sleeps: SQLite never refreshes them by itself."""
    return planner_statistics_refresh()


@db_periodic_task(crontab())
def worker_heartbeat() -> None:
    """Every minute: proves to /readyz that the scheduler and a worker are alive
    and that tasks make the round trip through the queue."""
    worker_heartbeat_record()
