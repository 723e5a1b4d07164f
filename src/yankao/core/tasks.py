"""Housekeeping of the shared cores, run by the scheduler."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yankao.core.idempotency import idempotency_keys_purge


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_keys() -> int:
    """Stored replies (which may hold a new case's verification code) live 24 hours."""
    return idempotency_keys_purge()
