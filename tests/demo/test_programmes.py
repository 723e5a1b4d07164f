"""The demo's programmes: every kind, about two years of monthly reports made
through the services (some late, some lagging with their reasons), milestones
met on time or late, the older months locked, last month partly unreported."""

from collections import Counter

import pytest

from tests.factories import taipei
from yankao.control.models import Milestone, MonthLock, Programme, ProgrammeKind, ProgressReport
from yankao.demo.programmes import TEMPLATES, programmes_seed
from yankao.demo.staff import agency_staff_create, staff_create
from yankao.tracking.models import Outcome

pytestmark = pytest.mark.django_db
NOW = taipei(2026, 12, 8, 10)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module's tests (they only read)."""
    from django.db import connection, transaction

    with django_db_blocker.unblock():
        with transaction.atomic():
            staff_create(demo_passwords=False)
            agency_staff_create(demo_passwords=False)
            made = programmes_seed(count=len(TEMPLATES), seed=7, now=NOW)
            yield made
            transaction.set_rollback(True)
        connection.close()


def test_every_kind_of_programme_is_seeded_with_two_years_of_reports(seeded):
    assert seeded == len(TEMPLATES) == Programme.objects.count()
    assert set(Programme.objects.values_list("kind", flat=True)) == set(ProgrammeKind.values)
    months = Counter(ProgressReport.objects.values_list("programme_id", flat=True))
    assert max(months.values()) >= 20


def test_some_programmes_lag_and_say_why(seeded):
    lights = Counter(Programme.objects.values_list("light", flat=True))
    assert lights["green"] and lights["yellow"] + lights["red"]
    lagging = ProgressReport.objects.exclude(light="green")
    assert lagging.exists() and not lagging.filter(lag_reason="").exists()


def test_some_reports_are_late_and_last_month_is_partly_missing(seeded):
    reports = list(ProgressReport.objects.all())
    assert any(r.late for r in reports) and not all(r.late for r in reports)
    last = ProgressReport.objects.filter(month="2026-11-01").count()
    assert 0 < last < Programme.objects.filter(start_date__lte="2026-11-30").count()


def test_milestones_are_met_on_time_or_late(seeded):
    outcomes = Counter(Milestone.objects.values_list("item__outcome", flat=True))
    assert outcomes[Outcome.ON_TIME] and outcomes[Outcome.LATE]


def test_the_commission_locked_the_older_months(seeded):
    locked = set(MonthLock.objects.values_list("month", flat=True))
    assert max(locked).isoformat() == "2026-09-01"
