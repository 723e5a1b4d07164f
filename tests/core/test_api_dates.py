"""The JSON API's other date and moment inputs (the item and call statistics, the
call list's day, a call's start) read through the one shared parser: any ISO form
of a day, and a 400 problem, never a server error, beyond the years 2 to 9998."""

import json

import pytest

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.accounts.services import token_create

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/items/statistics", {"start": "0001-01-01", "end": "0001-01-02"}),
        ("/api/v1/items/statistics", {"start": "9999-12-30", "end": "9999-12-31"}),
        ("/api/v1/calls", {"day": "9999-12-31"}),
        ("/api/v1/calls/statistics", {"start": "0001-01-01", "end": "0001-01-02"}),
    ],
)
def test_days_beyond_the_range_are_a_problem(client, staff, url, query):
    response = client.get(url, query, **bearer(staff.connie))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "9998" in response.json()["detail"]


@pytest.mark.parametrize("end", ["2026-11-30", "20261130", "2026-W49-1", "2026-334"])
def test_the_statistics_take_a_day_in_any_iso_form(client, staff, end):
    headers = bearer(staff.connie)
    response = client.get(
        "/api/v1/items/statistics", {"start": "2026-11-01", "end": end}, **headers
    )
    assert response.status_code == 200
    assert response.json()["end"] == "2026-11-30"


@pytest.mark.parametrize(
    "started_at",
    [
        "9999-12-31T23:00:00-10:00",
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59",
    ],
)
def test_a_call_start_beyond_the_range_is_a_problem(client, staff, started_at):
    system = User.objects.create_user(username="cti", role=Role.SYSTEM)
    body = {"agent": "amy", "started_at": started_at, "duration_seconds": 5, "outcome": "other"}
    response = client.post(
        "/api/v1/calls", json.dumps(body), content_type="application/json", **bearer(system)
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["location"][-1] == "started_at"
