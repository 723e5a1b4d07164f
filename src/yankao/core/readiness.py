"""Readiness: may this process take traffic? (/readyz; /healthz is liveness.)

Three checks, each answering on its own so that an operator sees which one failed:

- database: a trivial query answers;
- queue: the task queue's storage answers (Redis in production, the SQLite file
  in the embedded default), asked for its length;
- worker: a background worker ran its heartbeat task (every minute) within
  YANKAO_WORKER_STALE_SECONDS: without one, outbox messages, queued petitions and
  sweeps would wait unseen while every page still answered.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.utils import timezone

from yankao.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT = "worker"


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    age_seconds: int | None = None
    pending: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Readiness: the database does not answer: %s", error)
        return Check(ok=False, detail="error")
    return Check(ok=True, detail="ok")


def queue_check(huey: Any) -> Check:
    """Any failure of the queue's storage (a refused connection, a locked file)
    means work cannot be handed to the worker."""
    try:
        pending = int(huey.pending_count())
    except Exception as error:
        logger.warning("Readiness: the task queue does not answer: %s", error)
        return Check(ok=False, detail="error")
    return Check(ok=True, detail="ok", pending=pending)


def worker_check(*, now: datetime | None = None) -> Check:
    now = now or timezone.now()
    try:
        beat = WorkerHeartbeat.objects.filter(name=HEARTBEAT).values_list("beat_at", flat=True)
        last = beat.first()
    except DatabaseError:
        return Check(ok=False, detail="unknown")
    if last is None:
        return Check(ok=False, detail="no heartbeat")
    age = max(int((now - last).total_seconds()), 0)
    stale = age > settings.YANKAO_WORKER_STALE_SECONDS
    return Check(ok=not stale, detail="stale" if stale else "ok", age_seconds=age)


def readiness(huey: Any) -> dict[str, Check]:
    return {"database": database_check(), "queue": queue_check(huey), "worker": worker_check()}


def worker_heartbeat_record(*, now: datetime | None = None) -> None:
    """Written by the worker's periodic task: one row, updated in place."""
    WorkerHeartbeat.objects.update_or_create(
        name=HEARTBEAT, defaults={"beat_at": now or timezone.now()}
    )
