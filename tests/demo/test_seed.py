"""The demo city: staff per role, replayed directives with true histories."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.control.models import Directive
from yankao.core import clock
from yankao.core.models import Sequence
from yankao.demo.directives import directives_seed
from yankao.demo.staff import DEMO_PASSWORD, agency_staff_create, staff_create
from yankao.tracking.models import Action, Outcome, Status, TrackedItem

pytestmark = pytest.mark.django_db


def test_there_is_a_demo_sign_in_for_every_role_but_the_system_account():
    staff_create(demo_passwords=False)
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values) - {Role.SYSTEM}


def test_outside_demo_mode_the_demo_accounts_have_no_usable_password(settings):
    settings.DEMO = False
    staff_create()
    assert not User.objects.get(username="handler").check_password(DEMO_PASSWORD)
    with pytest.raises(ImproperlyConfigured):
        staff_create(demo_passwords=True)


def test_in_demo_mode_the_printed_password_signs_in(settings):
    settings.DEMO = True
    staff_create()
    assert User.objects.get(username="supervisor").check_password(DEMO_PASSWORD)


def test_replayed_directives_have_histories_and_some_are_late():
    staff_create(demo_passwords=False)
    agency_staff_create(demo_passwords=False)
    assert directives_seed(count=120, seed=3) == 120
    items = TrackedItem.objects.filter(kind="directive")
    assert items.count() == Directive.objects.count() == 120
    closed = items.filter(status=Status.CLOSED)
    assert closed.filter(outcome=Outcome.LATE).exists()
    assert closed.filter(outcome=Outcome.ON_TIME).exists()
    one = closed.first()
    actions = list(one.events.values_list("action", flat=True))
    assert actions[0] == Action.CREATE and actions[-1] == Action.CLOSE
    for item in closed:
        assert (item.closed_at <= item.due_at) == (item.outcome == Outcome.ON_TIME)


def test_the_same_seed_gives_the_same_city():
    staff_create(demo_passwords=False)
    agency_staff_create(demo_passwords=False)
    now = timezone.now()

    def city() -> list[tuple]:
        directives_seed(count=30, seed=5, now=now)
        rows = list(
            TrackedItem.objects.order_by("pk").values_list(
                "number", "title", "owner_agency", "status", "received_at", "closed_at"
            )
        )
        Directive.objects.all().delete()
        TrackedItem.objects.all().delete()
        Sequence.objects.all().delete()
        return rows

    first, second = city(), city()
    assert len(first) == 30
    assert first == second


def test_the_seed_command_builds_the_city_and_its_staff(settings):
    settings.DEMO = False
    # The other businesses' demo data have tests of their own; kept small here.
    call_command(
        "seed",
        "--directives", "5",
        "--programmes", "2",
        "--petitions", "0",
        "--tickets", "3",
        "--legal-bookings", "3",
        "--calls", "50",
        "--no-knowledge",
        "--no-open311",
    )  # fmt: skip
    assert User.objects.filter(role=Role.HANDLER).count() > 38
    assert Directive.objects.count() == 5


def test_demo_petitions_go_through_the_real_intake_and_are_worked():
    from yankao.demo.petitions import petitions_seed
    from yankao.petitions.models import Petition

    staff_create(demo_passwords=False)
    agency_staff_create(demo_passwords=False)
    assert petitions_seed(count=60, seed=9) == 60
    petitions = Petition.objects.select_related("item")
    assert petitions.count() == 60
    statuses = {p.item.status for p in petitions}
    assert Status.CLOSED in statuses
    # Routed by the shipped rules: road matters go to the maintenance office.
    potholes = petitions.filter(category__code="0101")
    assert potholes.exists()
    assert {p.item.owner_agency.key for p in potholes} == {"pw-maintenance"}


def test_demo_petitions_spike_in_the_typhoon_weeks_with_flooding_matters():
    from collections import Counter

    from yankao.demo.petitions import TYPHOON_WEEKS, petitions_seed
    from yankao.petitions.models import Petition

    staff_create(demo_passwords=False)
    agency_staff_create(demo_passwords=False)
    now = clock.now()
    petitions_seed(count=200, seed=3, now=now)
    start = (now - timedelta(days=365)).astimezone(ZoneInfo("Asia/Taipei"))
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    weeks: Counter[str] = Counter()
    flooding = Counter()
    for petition in Petition.objects.select_related("item", "category"):
        day = (petition.item.received_at - start).days
        storm = any(first <= day < last for first, last in TYPHOON_WEEKS)
        weeks["storm" if storm else "other"] += 1
        if petition.category.code in ("3301", "3302"):
            flooding["storm" if storm else "other"] += 1
    # Two weeks of 52 hold well over their share (4 %) of the year, mostly water matters.
    assert weeks["storm"] / 200 > 0.12
    assert flooding["storm"] / weeks["storm"] > 2 * flooding["other"] / weeks["other"]


def test_the_busiest_handler_works_for_the_agency_with_the_most_open_items(staff):
    from tests.factories import item
    from yankao.demo.staff import busiest_handler
    from yankao.tracking.services import item_accept, item_close

    assert busiest_handler() is None  # nothing open yet
    for owner in ["pw-maintenance"] * 2 + ["public-works"] * 3:
        item(owner=owner)
    assert busiest_handler() == staff.hank  # Public Works: 3 open against 2
    for _ in range(2):
        item(owner="pw-maintenance")
    assert busiest_handler() == staff.holly  # now the Maintenance Office: 4 against 3
    for one in TrackedItem.objects.filter(owner_agency__key="pw-maintenance"):
        item_close(item=item_accept(item=one, by=staff.holly), by=staff.holly)
    assert busiest_handler() == staff.hank  # closed items do not count
