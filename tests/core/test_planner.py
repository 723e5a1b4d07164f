"""The planner's statistics are refreshed after bulk loads and nightly."""

from datetime import datetime

import pytest
from django.db import connection

from yankao.core import tasks
from yankao.core.planner import planner_statistics_refresh
from yankao.organisation.models import Agency

pytestmark = pytest.mark.django_db


def _described_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchall():
                return set()
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            cursor.execute(
                "SELECT relname FROM pg_stat_user_tables"
                " WHERE last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL"
            )
        return {name for (name,) in cursor.fetchall()}


def test_the_refresh_describes_the_tables_to_the_planner():
    Agency.objects.create(key="new-office", code="X1", name="新辦公室", short_name="新", path="/x/")
    statement = planner_statistics_refresh(vacuum=True)
    assert statement == "ANALYZE"  # no VACUUM inside a transaction, nor on SQLite
    assert "organisation_agency" in _described_tables()


def test_the_scheduler_refreshes_them_every_night():
    assert tasks.refresh_planner_statistics.call_local() == "ANALYZE"
    schedule = tasks.refresh_planner_statistics.task_class().validate_datetime
    assert schedule(datetime(2026, 11, 27, 3, 11))
    assert not schedule(datetime(2026, 11, 27, 15, 11))
