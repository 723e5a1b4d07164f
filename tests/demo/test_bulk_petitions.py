"""Petitions in bulk: each has its item, is routed as the rules say, and is numbered
as the real intake numbers, continuing its counters."""

import random
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from yankao.calendar import services as office_calendar
from yankao.core import clock
from yankao.core.numbering import PETITION_NUMBERS
from yankao.demo import bulk, bulk_petitions
from yankao.petitions.models import Petition
from yankao.petitions.selectors import petition_route
from yankao.tracking.models import Outcome, Status, TrackedItem

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Asia/Taipei"))
COUNT = 2_000


@pytest.fixture
def seeded() -> list[Petition]:
    with clock.frozen(NOW):
        assert bulk_petitions.bulk_petitions_seed(count=COUNT, seed=7) == COUNT
    return list(
        Petition.objects.select_related("item", "category__parent", "district").order_by(
            "item__received_at", "pk"
        )
    )


def test_every_petition_has_its_item_of_kind_petition(seeded: list[Petition]) -> None:
    assert len(seeded) == COUNT
    assert TrackedItem.objects.filter(kind="petition").count() == COUNT
    assert all(p.item.kind == "petition" and p.item.title == p.subject for p in seeded)
    assert all(p.verification_hash == "" for p in seeded)
    assert all(p.item.time_limit == p.category.time_limit_days for p in seeded)


def test_items_made_after_the_load_get_new_ids(seeded: list[Petition]) -> None:
    """The load gives its items' ids itself; the database's own counter of ids
    (PostgreSQL's sequence) must have moved past them."""
    from yankao.organisation.models import Agency
    from yankao.tracking.services import item_create

    top = max(petition.item_id for petition in seeded)
    with clock.frozen(NOW):
        item = item_create(
            kind="sample",
            number="S-after-the-load",
            title="after",
            owner_agency=Agency.objects.first(),
            by=None,
            time_limit=5,
        )
    assert item.pk > top


def test_the_drawing_process_hands_back_its_error() -> None:
    def failing():
        yield 1
        raise bulk.BulkCheckError("a row does not match")

    drawn = []
    with pytest.raises(bulk.BulkCheckError, match="does not match"):
        for batch in bulk.drawn_ahead(failing()):
            drawn.append(batch)
    assert drawn == [1]


def test_a_caller_that_stops_early_stops_the_drawing() -> None:
    endless = iter(int, 1)  # 0, 0, 0 … for ever
    batches = bulk.drawn_ahead(endless)
    assert next(batches) == 0
    batches.close()  # returns: the child was stopped and joined


def test_each_owner_is_the_agency_petition_route_gives(seeded: list[Petition]) -> None:
    routes: dict[tuple[int, int | None], int | None] = {}
    for petition in seeded:
        key = (petition.category_id, petition.district_id)
        if key not in routes:
            agency = petition_route(petition.category, petition.district)
            routes[key] = agency.pk if agency else None
        assert petition.item.owner_agency_id == routes[key]
    # The sample spans many categories, districts and several agencies.
    assert len(routes) > 50
    assert len(set(routes.values())) > 5


def test_case_numbers_are_unique_and_follow_the_date_of_receipt(seeded: list[Petition]) -> None:
    numbers = [p.item.number for p in seeded]
    assert len(set(numbers)) == COUNT
    for petition in seeded[:: COUNT // 100]:
        day = petition.item.received_at.astimezone(office_calendar.TAIPEI).date()
        assert petition.item.number.startswith(
            f"{day.year - 1911:03d}{day.month:02d}{day.day:02d}-"
        )


def test_the_real_intake_numbers_after_the_bulk_rows(seeded: list[Petition]) -> None:
    last = max(
        (p.item.number for p in seeded if p.item.number.startswith("115")),
        key=lambda n: int(n.split("-")[1]),
    )
    with clock.frozen(NOW):
        following = PETITION_NUMBERS.next(NOW)
    assert int(following.split("-")[1]) == int(last.split("-")[1]) + 1
    with clock.frozen(NOW):
        bulk_petitions.bulk_petitions_seed(count=10, seed=8)
    assert len(
        set(TrackedItem.objects.filter(kind="petition").values_list("number", flat=True))
    ) == (COUNT + 10)


def test_the_mix_is_realistic(seeded: list[Petition]) -> None:
    channels = Counter(p.channel for p in seeded)
    assert channels.most_common(1)[0][0] == "web" and len(channels) >= 5
    assert 0.8 < sum(p.district_id is not None for p in seeded) / COUNT < 0.97
    anonymous = [p for p in seeded if p.anonymous]
    assert anonymous and all(p.petitioner_name == "" for p in anonymous)
    assert all(p.petitioner_email.endswith("@example.invalid") for p in seeded)
    statuses = {p.item.status for p in seeded}
    assert statuses == {Status.ASSIGNED, Status.IN_PROGRESS, Status.CLOSED}
    closed = [p.item for p in seeded if p.item.status == Status.CLOSED]
    assert {i.outcome for i in closed} == {Outcome.ON_TIME, Outcome.LATE}


def test_deadlines_and_working_days_are_those_of_the_calendar(seeded: list[Petition]) -> None:
    for petition in random.Random(1).sample(seeded, 200):
        item = petition.item
        assert item.due_at == office_calendar.add_working_days(item.received_at, item.time_limit)
        if item.closed_at is not None:
            taken = office_calendar.working_days_between(item.received_at, item.closed_at)
            assert item.working_days_taken == taken


def test_seeding_stops_when_a_row_is_routed_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHECK_EVERY", 1)
    monkeypatch.setattr(bulk_petitions, "petition_route", lambda category, district: None)
    with clock.frozen(NOW), pytest.raises(bulk.BulkCheckError):
        bulk_petitions.bulk_petitions_seed(count=50)


@pytest.mark.django_db(transaction=True)  # indexes are dropped and built outside a test's
def test_a_large_load_builds_the_plain_indexes_afresh_even_when_it_fails(monkeypatch):
    from django.db import connection

    from yankao.calendar.services import calendar_load_shipped, invalidate_cache
    from yankao.organisation.services import city_load
    from yankao.petitions.services import petition_reference_load

    city_load()  # a transactional test starts from an empty database
    calendar_load_shipped()
    invalidate_cache()
    petition_reference_load()

    def indexes() -> dict[str, bool]:
        """Every index on the table, and whether it is unique."""
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, Petition._meta.db_table)
        return {name: about["unique"] for name, about in found.items() if about["index"]}

    before = indexes()
    statements = bulk_petitions.plain_indexes(Petition)
    aside = {name for name, _sql in statements}
    # Every model index and the foreign keys' indexes; never a unique one.
    assert {index.name for index in Petition._meta.indexes} < aside
    assert aside == {name for name, unique in before.items() if not unique}
    during: list[set[str]] = []
    seed = bulk_petitions._seed

    def watched(**arguments):
        during.append(set(indexes()))
        return seed(**arguments)

    monkeypatch.setattr(bulk_petitions, "_seed", watched)
    with clock.frozen(NOW):
        assert bulk_petitions.bulk_petitions_seed(count=40, seed=3, set_aside=True) == 40
    assert during[0] == set(before) - aside
    assert bulk_petitions.plain_indexes(Petition) == statements  # built as they were
    one = Petition.objects.first()
    assert Petition.objects.filter(petitioner_phone=one.petitioner_phone).exists()

    def failing(**arguments):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(bulk_petitions, "_seed", failing)
    with pytest.raises(RuntimeError), clock.frozen(NOW):
        bulk_petitions.bulk_petitions_seed(count=40, seed=4, set_aside=True)
    assert indexes() == before


@pytest.mark.django_db(transaction=True)
def test_indexes_a_killed_load_left_missing_are_built_by_the_next_load(monkeypatch):
    from django.db import connection

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, Petition._meta.db_table)
        return {name for name, about in found.items() if about["index"]}

    before = indexes()
    statements = dict(bulk_petitions.plain_indexes(Petition))
    lost = {"petition_category_time", "petition_phone"}
    with connection.cursor() as cursor:  # as a load killed before building them again
        for name in lost:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    assert indexes() == before - lost
    assert bulk_petitions.indexes_restore(Petition) in (sorted(lost), sorted(lost, reverse=True))
    assert indexes() == before
    assert dict(bulk_petitions.plain_indexes(Petition)) == statements
    assert bulk_petitions.indexes_restore(Petition) == []  # nothing more to do

    seen: list[set[str]] = []
    monkeypatch.setattr(bulk_petitions, "_seed", lambda **arguments: seen.append(indexes()) or 0)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name('petition_email')}")
    bulk_petitions.bulk_petitions_seed(count=5, set_aside=False)
    assert seen == [before]  # built before the load began


def test_a_small_load_into_a_larger_table_keeps_its_indexes(seeded, monkeypatch):
    def refuse(names):
        raise AssertionError("indexes set aside for a small load")

    monkeypatch.setattr(bulk_petitions, "indexes_set_aside", refuse)
    with clock.frozen(NOW):
        assert bulk_petitions.bulk_petitions_seed(count=25, seed=9) == 25
