"""Locks on names rather than rows, held until the transaction ends.

A limit counted over many rows ("at most three open bookings from one address")
has no row to lock: two requests counting at the same moment both see room. On
PostgreSQL a transaction-level advisory lock on the name makes them take turns;
SQLite needs none, since its IMMEDIATE transactions let one writer in at a time
(settings.py)."""

from __future__ import annotations

import hashlib

from django.db import connection


def _key(name: str) -> int:
    """A signed 64-bit key for the name, the type PostgreSQL's advisory locks take."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_names(*names: str) -> None:
    """Hold a lock on each non-empty name until the current transaction ends. Names
    are taken in one order, so two transactions locking the same names never wait
    for each other in a circle. Call inside transaction.atomic()."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({_key(name) for name in names if name})
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
