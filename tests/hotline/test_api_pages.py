"""The call list walks every page, newest first, and finds every call exactly
once, calls that started at the same moment included."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.api_pages import ids, walk
from tests.hotline.factories import call
from yankao.accounts.services import token_create
from yankao.hotline.models import Call

pytestmark = pytest.mark.django_db
URL = "/api/v1/calls"


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


@pytest.mark.parametrize("query", [{}, {"day": "2026-11-26"}, {"outcome": "other"}])
def test_every_call_is_listed_once_newest_first(client, staff, query):
    start = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    for minutes in (0, 0, 0, 5, 2, 5, 60 * 24):
        call(staff.amy, started_at=start - timedelta(minutes=minutes))
    rows = walk(client, URL, query, bearer(staff.connie))
    expected = Call.objects.all()
    if "day" in query:
        expected = expected.filter(day=query["day"])
    assert sorted(ids(rows)) == sorted(c.pk for c in expected)
    keys = [(row["started_at"], row["id"]) for row in rows]
    assert keys == sorted(keys, reverse=True)
