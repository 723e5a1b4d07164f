"""The item list walks every page under each status filter and finds every item
it shows exactly once, deadlines shared by several items included."""

from datetime import timedelta

import pytest

from tests.api_pages import ids, walk
from tests.factories import item, taipei
from yankao.accounts.services import token_create
from yankao.tracking.models import OPEN_STATUSES, Status, TrackedItem
from yankao.tracking.services import item_accept, item_withdraw

pytestmark = pytest.mark.django_db
URL = "/api/v1/items"


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


@pytest.fixture
def items(staff):
    """Eight Public Works items: three received together (one deadline), some
    accepted, two withdrawn."""
    start = taipei(2026, 11, 2)
    made = [item(received_at=start) for _ in range(3)]
    made += [item(received_at=start + timedelta(days=n % 3), time_limit=2) for n in range(5)]
    for accepted in made[1:4]:
        item_accept(item=accepted, by=staff.hank)
    for withdrawn in (made[2], made[5]):
        item_withdraw(item=TrackedItem.objects.get(pk=withdrawn.pk), by=staff.sue, reason="重複")
    return made


FILTERS = [
    ({}, lambda i: True),
    ({"open": "true"}, lambda i: i.status in OPEN_STATUSES),
    ({"open": "false"}, lambda i: i.status not in OPEN_STATUSES),
    ({"status": Status.ASSIGNED}, lambda i: i.status == Status.ASSIGNED),
    ({"status": Status.IN_PROGRESS}, lambda i: i.status == Status.IN_PROGRESS),
    ({"status": Status.WITHDRAWN}, lambda i: i.status == Status.WITHDRAWN),
]


@pytest.mark.parametrize(("query", "shown"), FILTERS, ids=[str(q) for q, _ in FILTERS])
def test_every_item_is_listed_once_across_the_pages(client, staff, items, query, shown):
    rows = walk(client, URL, query, bearer(staff.hank))
    expected = {i.pk for i in TrackedItem.objects.all() if shown(i)}
    assert expected
    assert sorted(ids(rows)) == sorted(expected)
    keys = [(row["due_at"], row["id"]) for row in rows]
    assert keys == sorted(keys)
