from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from tests.concurrency import at_once, needs_shared_database
from yankao.core.numbering import (
    BOOKING_NUMBERS,
    DIRECTIVE_NUMBERS,
    PETITION_NUMBERS,
    TICKET_NUMBERS,
    insert_numbered,
    next_value,
)


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


# --- kinds of reference numbers ---------------------------------------------------------------

KINDS = [PETITION_NUMBERS, TICKET_NUMBERS, BOOKING_NUMBERS, DIRECTIVE_NUMBERS]


def _taipei(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Asia/Taipei"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "first", "second"),
    [
        (PETITION_NUMBERS, "1151126-000001", "1151127-000002"),
        (TICKET_NUMBERS, "派115-000001", "派115-000002"),
        (BOOKING_NUMBERS, "L1151126-000001", "L1151127-000002"),
        (DIRECTIVE_NUMBERS, "指115-000001", "指115-000002"),
    ],
)
def test_each_kind_numbers_with_its_prefix_and_six_digits(kind, first, second):
    assert kind.next(_taipei(2026, 11, 26, 9)) == first
    assert kind.next(_taipei(2026, 11, 27, 9)) == second


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_sequence_restarts_with_the_roc_year_in_taipei(kind):
    kind.next(_taipei(2026, 12, 31, 9))
    last = kind.next(_taipei(2026, 12, 31, 23, 59))
    # 16:30 UTC on 31 December is already 1 January in Taipei: ROC year 116.
    first = kind.next(datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    assert last.endswith("-000002") and "115" in last.split("-")[0]
    assert first.endswith("-000001") and "116" in first.split("-")[0]
    assert kind.next(_taipei(2026, 12, 30, 9)).endswith("-000003")  # 115 goes on


@pytest.mark.django_db
def test_kinds_count_apart():
    moment = _taipei(2026, 11, 26, 9)
    for kind in KINDS:
        kind.next(moment)
    assert {kind.next(moment)[-6:] for kind in KINDS} == {"000002"}


def test_no_two_kinds_share_a_counter():
    assert len({kind.counter for kind in KINDS}) == len(KINDS)


@pytest.mark.django_db
def test_a_kind_inserts_a_row_with_its_next_number():
    from yankao.core.models import Sequence

    row = Sequence(value=0)
    TICKET_NUMBERS.insert(row, field="key", moment=_taipei(2026, 11, 26, 9))
    assert Sequence.objects.get(pk=row.pk).key == "派115-000001"
    assert TICKET_NUMBERS.next(_taipei(2026, 11, 26, 9)) == "派115-000002"


def test_format_matches_what_next_gives():
    assert BOOKING_NUMBERS.format(date(2026, 11, 26), 42) == "L1151126-000042"
    assert DIRECTIVE_NUMBERS.format(date(2026, 11, 26), 1234567) == "指115-1234567"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("L1151126-0042", "L1151126-000042"),  # printed before six digits
        (" l1151126-000042 ", "L1151126-000042"),
        ("Ｌ１１５１１２６－００４２", "L1151126-000042"),  # typed full-width
        ("L1151126-42", "L1151126-000042"),
        ("L1151126-1234567", "L1151126-1234567"),  # longer than six: as it is
        ("nonsense", "NONSENSE"),
    ],
)
def test_a_typed_booking_number_is_found_in_its_stored_form(typed, stored):
    assert BOOKING_NUMBERS.normalise(typed) == stored


def test_a_typed_directive_number_is_padded_too():
    assert DIRECTIVE_NUMBERS.normalise("指115-00001") == "指115-000001"
    assert DIRECTIVE_NUMBERS.normalise("L1151126-0042") == "L1151126-0042"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", KINDS)
def test_concurrent_numbers_of_a_kind_are_all_different_and_gapless(kind):
    needs_shared_database()
    results: list[str] = []
    moment = _taipei(2026, 11, 26, 9)

    def take() -> None:
        for _ in range(10):
            with transaction.atomic():
                results.append(kind.next(moment))

    assert at_once(take, threads=4) == []
    assert sorted(results) == [kind.format(moment.date(), n) for n in range(1, 41)]
