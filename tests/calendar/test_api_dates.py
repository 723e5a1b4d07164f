"""The calendar API's dates through HTTP: every ISO form of a plain start day means
received that day at 09:00, as the documented default; moments beyond what Taipei
and UTC time can hold are a 400 problem, never a server error."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/calendar"
PROBLEM = "application/problem+json"


def deadline(client: Client, **params: object):
    return client.get(f"{BASE}/deadline", params)


@pytest.mark.parametrize("start", ["20240207", "2024-W06-3", "2024W063", "2024-038"])
def test_a_compact_start_day_means_09_00_like_the_extended_form(client, start):
    extended = deadline(client, start="2024-02-07", working_days=1).json()
    compact = deadline(client, start=start, working_days=1)
    assert compact.status_code == 200
    assert compact.json() == extended
    assert compact.json()["start"] == "2024-02-07T09:00:00+08:00"


def test_a_compact_moment_keeps_its_time(client):
    body = deadline(client, start="20240207T1800", hours=4).json()
    assert body["start"] == "2024-02-07T18:00:00+08:00"
    assert body["due"] == "2024-02-07T22:00:00+08:00"


@pytest.mark.parametrize("day", ["20240207", "2024-W06-3", "2024-038"])
def test_a_day_in_any_iso_form_is_described(client, day):
    assert client.get(f"{BASE}/days/{day}").json() == client.get(f"{BASE}/days/2024-02-07").json()


@pytest.mark.parametrize(
    "params",
    [
        {"start": "9999-12-31T23:00:00-10:00", "working_days": 1},
        {"start": "0001-01-01T00:00:00+14:00", "working_days": 1},
        {"start": "9999-12-31T23:00:00-10:00", "hours": 1},
        {"start": "0001-01-01T00:00:00", "hours": 1},
        {"start": "9999-12-31", "hours": 1},
        {"start": "0001-01-01", "working_days": 1},
        {"start": "0002-01-01T00:00:00+08:00", "hours": 1},
    ],
)
def test_a_start_beyond_what_dates_can_hold_is_a_problem(client, params):
    response = deadline(client, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 400


def test_the_out_of_range_problem_names_the_start_in_the_request_language(client):
    params = {"start": "9999-12-31T23:00:00-10:00", "working_days": 1}
    chinese = deadline(client, **params).json()["detail"]
    english = client.get(f"{BASE}/deadline", params, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert params["start"] in chinese
    assert params["start"] in english
    assert chinese != english
    assert "9998" in english


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_day_beyond_the_range_is_a_problem(client, day):
    response = client.get(f"{BASE}/days/{day}")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
