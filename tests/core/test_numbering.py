import pytest

from tests.concurrency import at_once, needs_shared_database
from yankao.core.numbering import insert_numbered, next_value


@pytest.mark.django_db
def test_a_counter_counts_from_one_per_key():
    assert [next_value("a"), next_value("a"), next_value("b"), next_value("a")] == [1, 2, 1, 3]


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_never_gets_the_same_number():
    needs_shared_database()
    results: list[int] = []

    def take() -> None:
        for _ in range(10):
            results.append(next_value("busy"))

    assert at_once(take, threads=4) == []
    assert sorted(results) == list(range(1, 41))


def _sequence(key: str) -> int:
    from yankao.core.models import Sequence

    return Sequence.objects.get(key=key).value


@pytest.mark.django_db
def test_a_numbered_row_takes_the_counters_next_value_with_its_prefix():
    from yankao.core.models import Sequence

    made = []
    for _ in range(3):
        row = Sequence(key=f"row-{len(made)}", value=0)  # any model with a text field
        insert_numbered(row, field="key", key="rows", prefix="R-", digits=4)
        made.append(row)
    assert [row.key for row in made] == ["R-0001", "R-0002", "R-0003"]
    stored = Sequence.objects.filter(pk__in=[row.pk for row in made]).order_by("pk")
    assert [row.key for row in stored] == ["R-0001", "R-0002", "R-0003"]
    assert not made[0]._state.adding
    assert next_value("rows") == 4  # the same counter as next_value's


@pytest.mark.django_db
def test_a_number_past_its_digits_grows_instead_of_being_cut():
    from yankao.core.models import Sequence

    Sequence.objects.create(key="big", value=9999)
    row = Sequence(key="", value=7)
    insert_numbered(row, field="key", key="big", prefix="B-", digits=4)
    assert row.key == "B-10000"
    assert Sequence.objects.get(pk=row.pk).value == 7  # the other columns as given


@pytest.mark.django_db
def test_a_rolled_back_row_gives_its_number_back():
    from django.db import transaction

    from yankao.core.models import Sequence

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        insert_numbered(Sequence(value=0), field="key", key="gapless", prefix="G", digits=2)
        raise Refused
    row = Sequence(value=0)
    insert_numbered(row, field="key", key="gapless", prefix="G", digits=2)
    assert row.key == "G01" and _sequence("gapless") == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbered_rows_never_share_a_number():
    needs_shared_database()
    from yankao.core.models import Sequence

    def take() -> None:
        for _ in range(10):
            insert_numbered(Sequence(value=0), field="key", key="crowd", prefix="C", digits=3)

    assert at_once(take, threads=4) == []
    numbers = sorted(Sequence.objects.filter(key__startswith="C").values_list("key", flat=True))
    assert numbers == [f"C{n:03d}" for n in range(1, 41)]
    assert _sequence("crowd") == 40
