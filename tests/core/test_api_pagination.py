"""The one keyset paginator of the JSON API: every sort (mixed directions, NULLs,
ties) walks every row exactly once in the order the database gives the whole
list; one query a page and no count; cursors of another sort or not ours refused."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import item, taipei
from yankao.core.api import ApiProblem, keyset_page, sort_of
from yankao.tracking.models import Status, TrackedItem

pytestmark = pytest.mark.django_db

SORTS = [
    ("due_at", "pk"),
    ("-due_at", "-pk"),
    ("due_at", "-pk"),
    ("-due_at", "pk"),
    ("closed_at", "pk"),
    ("-closed_at", "pk"),
    ("closed_at", "-pk"),
    ("-closed_at", "-pk"),
    ("kind", "-closed_at", "due_at", "pk"),
    ("-working_days_taken", "closed_at", "-pk"),
]


@pytest.fixture
def items() -> list[TrackedItem]:
    """Eleven items: deadlines shared three and two at a time, five of them ended
    (closed_at set, two at the same moment), the others open (closed_at NULL), two kinds."""
    start = taipei(2026, 11, 2)
    made = [
        item(kind="sample" if n % 2 else "petition", received_at=start, time_limit=1 + n % 3)
        for n in range(11)
    ]
    ended = {0: 5, 3: 2, 4: 2, 7: 9, 10: 1}
    for index, hours in ended.items():
        TrackedItem.objects.filter(pk=made[index].pk).update(
            status=Status.WITHDRAWN,
            closed_at=start + timedelta(hours=hours),
            working_days_taken=Decimal(hours % 3),
        )
    return made


def _sort_key(value: Any) -> tuple[Any, ...]:
    # NULL after every value, as the paginator places it ascending.
    return (True,) if value is None else (False, value)


def expected_order(ordering: tuple[str, ...]) -> list[int]:
    """The order computed here, in Python: stable sorts from the last key to the first."""
    rows = list(TrackedItem.objects.all())
    for term in reversed(ordering):
        name = term.lstrip("-")
        rows.sort(key=lambda row: _sort_key(getattr(row, name)), reverse=term.startswith("-"))
    return [row.pk for row in rows]


def walk(ordering: tuple[str, ...], limit: int) -> list[int]:
    seen: list[int] = []
    cursor = None
    for _ in range(50):
        page = keyset_page(TrackedItem.objects.all(), ordering=ordering, cursor=cursor, limit=limit)
        seen += [row.pk for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize("ordering", SORTS, ids=",".join)
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_every_sort_walks_every_row_once_in_order(items, ordering, limit):
    assert walk(ordering, limit) == expected_order(ordering)


@pytest.mark.parametrize("ordering", SORTS, ids=",".join)
def test_the_pages_follow_the_order_of_the_whole_list(items, ordering):
    sort = sort_of(TrackedItem, ordering)
    whole = list(TrackedItem.objects.order_by(*sort.order_by()).values_list("pk", flat=True))
    assert walk(ordering, 2) == whole


def test_the_last_page_has_no_cursor_and_an_exact_fit_no_empty_page(items):
    page = keyset_page(TrackedItem.objects.all(), ordering=("pk",), cursor=None, limit=11)
    assert len(page.rows) == 11
    assert page.next_cursor is None


def test_an_empty_list_is_one_empty_page():
    page = keyset_page(TrackedItem.objects.all(), ordering=("due_at", "pk"), cursor=None, limit=5)
    assert page.rows == []
    assert page.next_cursor is None


def test_a_page_is_one_query_however_deep(items):
    first = keyset_page(
        TrackedItem.objects.all(), ordering=("-closed_at", "pk"), cursor=None, limit=3
    )
    with CaptureQueriesContext(connection) as queries:
        keyset_page(
            TrackedItem.objects.all(),
            ordering=("-closed_at", "pk"),
            cursor=first.next_cursor,
            limit=3,
        )
    assert len(queries.captured_queries) == 1
    assert "count(" not in queries.captured_queries[0]["sql"].lower()


def test_a_cursor_keeps_microseconds(items):
    """A cursor cut to milliseconds would point before its row and repeat it."""
    moment = taipei(2026, 11, 2) + timedelta(days=3, microseconds=123456)
    TrackedItem.objects.filter(pk=items[0].pk).update(due_at=moment)
    TrackedItem.objects.filter(pk=items[1].pk).update(due_at=moment + timedelta(microseconds=1))
    assert walk(("-due_at", "-pk"), 1) == expected_order(("-due_at", "-pk"))


def _problem(ordering: tuple[str, ...], cursor: str) -> ApiProblem:
    with pytest.raises(ApiProblem) as raised:
        keyset_page(TrackedItem.objects.all(), ordering=ordering, cursor=cursor, limit=2)
    assert raised.value.status_code == 400
    return raised.value


def test_a_cursor_of_another_sort_is_refused(items):
    page = keyset_page(TrackedItem.objects.all(), ordering=("due_at", "pk"), cursor=None, limit=2)
    assert page.next_cursor
    problem = _problem(("-pk",), page.next_cursor)
    assert "sort" in str(problem).lower() or "排序" in str(problem)


def _forged(ordering: tuple[str, ...], values: Any) -> str:
    signature = sort_of(TrackedItem, ordering).signature
    raw = json.dumps([signature, values]).encode()
    return base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "not-a-cursor",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
        # The cursor the lists gave before: a deadline and a key.
        base64.urlsafe_b64encode(b"2026-11-03T10:00:00+08:00|5").decode(),
    ],
)
def test_a_cursor_that_is_not_ours_is_refused(items, cursor):
    _problem(("due_at", "pk"), cursor)


@pytest.mark.parametrize(
    "values",
    [
        ["2026-11-03T10:00:00+08:00"],  # too few
        ["2026-11-03T10:00:00+08:00", 1, 2],  # too many
        ["yesterday", 1],
        ["2026-11-03T10:00:00+08:00", "one"],
        [None, 1],  # a deadline is never NULL
        [{"x": 1}, [1]],
    ],
)
def test_a_well_formed_cursor_with_wrong_values_is_refused(items, values):
    _problem(("due_at", "pk"), _forged(("due_at", "pk"), values))


def test_a_sort_must_end_in_a_unique_key():
    with pytest.raises(ValueError):
        sort_of(TrackedItem, ("due_at",))
    with pytest.raises(ValueError):
        sort_of(TrackedItem, ("due_at", "closed_at"))


def test_nullable_fields_name_where_nulls_go_and_others_do_not():
    sort = sort_of(TrackedItem, ("-closed_at", "due_at", "pk"))
    sql = str(TrackedItem.objects.order_by(*sort.order_by()).query).upper()
    if connection.features.supports_order_by_nulls_modifier:
        assert "NULLS FIRST" in sql
    assert sql.count("NULLS") == 1  # due_at and the key keep the plain order
