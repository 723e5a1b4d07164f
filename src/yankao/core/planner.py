"""The statistics the database's query planner chooses its indexes by.

Both databases plan from statistics about each table and index. After a bulk load
they describe tables that no longer exist: SQLite, whose statistics are only
gathered by ANALYZE, then walks an index of every open item of the city to find
45 overdue dispatch tickets (100 ms) instead of reading the 89 unreported tickets
from their own index (5 ms). PostgreSQL's autovacuum catches up minutes later; SQLite
never does, so the scheduler refreshes them nightly.
"""

from __future__ import annotations

from django.db import connection


def planner_statistics_refresh(*, vacuum: bool = False) -> str:
    """ANALYZE every table; with `vacuum` on PostgreSQL, VACUUM ANALYZE, which also
    marks new pages all-visible so counts can be read from indexes alone. Returns
    the statement run."""
    vacuum = vacuum and connection.vendor == "postgresql" and not connection.in_atomic_block
    statement = "VACUUM ANALYZE" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(statement)
    return statement
