"""Races for the PostgreSQL suite: one task run in several threads at once, each
thread on a database connection of its own."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection


def needs_shared_database() -> None:
    """Skip on SQLite, whose in-memory test database threads cannot share."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's in-memory test database cannot be shared by threads; "
            "this runs in the PostgreSQL suite"
        )


def at_once(task: Callable[[], object], threads: int) -> list[BaseException]:
    """Run `task` in `threads` threads and wait for them; what they raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            task()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return errors
