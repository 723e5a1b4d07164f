"""Items on the hours clock (dispatch tickets and the like) through the engine:
closing them never consults the office calendar, "due soon" means hours, and
escalations reach the nearest supervisors up the agency tree."""

from datetime import datetime, timedelta

import pytest

from tests.factories import agency, item, taipei, user
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.messaging.models import OutboxMessage
from yankao.tracking import notifications
from yankao.tracking.kinds import ItemKind, register
from yankao.tracking.models import Clock, Escalation
from yankao.tracking.selectors import WorklistFilters, worklist
from yankao.tracking.services import item_accept, item_close

pytestmark = pytest.mark.django_db

HOURLY = register(ItemKind(key="hourly", label="Hourly", clock=Clock.HOURS, default_time_limit=4))


def test_closing_an_hours_item_beyond_the_loaded_calendar_works_and_counts_no_days(staff):
    received = datetime(2031, 3, 3, 10, tzinfo=taipei(2026, 1, 1).tzinfo)  # no calendar then
    hazard = item(kind="hourly", received_at=received, time_limit=4)
    with clock.frozen(received + timedelta(hours=3)):
        accepted = item_accept(item=hazard, by=staff.hank)
        closed = item_close(item=accepted, by=staff.hank, reason="已排除")
    assert closed.outcome == "on_time"
    assert closed.working_days_taken is None


def test_due_soon_means_two_hours_on_the_hours_clock(staff):
    now = taipei(2026, 11, 26, 10)
    soon = item(kind="hourly", received_at=now - timedelta(hours=3), time_limit=4)  # due 11:00
    later = item(kind="hourly", received_at=now, time_limit=4)  # due 14:00
    with clock.frozen(now):
        found = set(worklist(staff.hank, WorklistFilters(due="soon")).values_list("pk", flat=True))
    assert soon.pk in found and later.pk not in found


def test_escalations_reach_the_nearest_supervisor_above_an_agency_without_one(staff):
    # pw-maintenance (養護工程處) has no supervisor of its own; Sue supervises Public Works.
    assert agency("pw-maintenance").path.startswith(agency("public-works").path)
    hazard = item(kind="hourly", owner="pw-maintenance")
    notifications.item_escalated(hazard, Escalation.SUPERVISOR)
    message = OutboxMessage.objects.order_by("-pk").first()
    assert message.to == [staff.sue.email]


def test_an_agencys_own_supervisor_comes_before_the_one_above(staff):
    own = user("sam", Role.SUPERVISOR, "pw-maintenance")
    hazard = item(kind="hourly", owner="pw-maintenance")
    notifications.item_escalated(hazard, Escalation.SUPERVISOR)
    assert OutboxMessage.objects.order_by("-pk").first().to == [own.email]
