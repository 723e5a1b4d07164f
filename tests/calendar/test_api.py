"""The public calendar API at /api/v1/calendar/."""

from datetime import date

import pytest
from django.test import Client

from yankao.calendar import services

pytestmark = pytest.mark.django_db

BASE = "/api/v1/calendar"


def get(client: Client, path: str, **params: object):
    return client.get(f"{BASE}{path}", params)


def problem(response) -> dict:
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert body["detail"]
    return body


def test_a_day_is_described_without_authentication(client: Client) -> None:
    response = get(client, "/days/2020-06-20")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "date": "2020-06-20",
        "roc_date": "109/06/20",
        "weekday": "六",
        "is_working_day": True,
        "note": "補行上班",
    }


def test_a_holiday_is_described_as_a_day_off(client: Client) -> None:
    assert get(client, "/days/2024-02-12").json() == {
        "date": "2024-02-12",
        "roc_date": "113/02/12",
        "weekday": "一",
        "is_working_day": False,
        "note": "春節",
    }


def test_a_declared_typhoon_day_shows_in_the_api(client: Client) -> None:
    services.calendar_declare_day_off(day=date(2025, 7, 29), reason="颱風停止上班")
    body = get(client, "/days/2025-07-29").json()
    assert (body["is_working_day"], body["note"]) == (False, "颱風停止上班")


@pytest.mark.parametrize("day", ["2020-6-20", "2020062", "2020-02-30", "2020-W06", "tomorrow"])
def test_a_malformed_day_is_a_bad_request(client: Client, day: str) -> None:
    problem(get(client, f"/days/{day}"))


@pytest.mark.parametrize("day", ["2019-12-31", "2028-01-01"])
def test_a_day_outside_the_calendar_is_a_bad_request(client: Client, day: str) -> None:
    assert "outside the office calendar" in problem(get(client, f"/days/{day}"))["detail"]


def test_a_working_day_deadline_is_computed(client: Client) -> None:
    response = get(client, "/deadline", start="2020-06-18T10:00:00+08:00", working_days=6)
    assert response.status_code == 200
    assert response.json() == {
        "start": "2020-06-18T10:00:00+08:00",
        "rule": "working_days",
        "amount": 6,
        "effective_receipt_day": "2020-06-18",
        "due": "2020-06-29T23:59:59+08:00",
        "due_roc": "109/06/29 23:59",
    }


def test_a_plain_start_date_means_received_during_office_hours(client: Client) -> None:
    body = get(client, "/deadline", start="2020-06-18", working_days=6).json()
    assert body["start"] == "2020-06-18T09:00:00+08:00"
    assert body["effective_receipt_day"] == "2020-06-18"
    assert body["due"] == "2020-06-29T23:59:59+08:00"


def test_a_naive_start_is_taipei_time_and_after_hours_counts_from_the_next_day(
    client: Client,
) -> None:
    body = get(client, "/deadline", start="2020-06-18T18:00:00", working_days=6).json()
    assert body["start"] == "2020-06-18T18:00:00+08:00"
    assert body["effective_receipt_day"] == "2020-06-19"
    # Sat 20, Mon 22, Tue 23, Wed 24, Mon 29, Tue 30.
    assert body["due"] == "2020-06-30T23:59:59+08:00"


def test_a_utc_start_is_converted_to_taipei_time(client: Client) -> None:
    body = get(client, "/deadline", start="2020-06-18T02:00:00Z", working_days=6).json()
    assert body["start"] == "2020-06-18T10:00:00+08:00"
    assert body["due"] == "2020-06-29T23:59:59+08:00"


def test_an_unencoded_plus_in_the_offset_is_understood(client: Client) -> None:
    response = client.get(f"{BASE}/deadline?start=2020-06-18T10:00:00+08:00&working_days=6")
    assert response.json()["due"] == "2020-06-29T23:59:59+08:00"


def test_an_hours_deadline_runs_round_the_clock(client: Client) -> None:
    response = get(client, "/deadline", start="2024-02-09T20:00:00+08:00", hours=8)
    assert response.status_code == 200
    assert response.json() == {
        "start": "2024-02-09T20:00:00+08:00",
        "rule": "hours",
        "amount": 8,
        "due": "2024-02-10T04:00:00+08:00",
        "due_roc": "113/02/10 04:00",
    }


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2020-06-18"},
        {"start": "2020-06-18", "working_days": 1, "hours": 4},
        {"start": "2020-06-18", "working_days": -1},
        {"start": "2020-06-18", "working_days": 366},
        {"start": "2020-06-18", "hours": -1},
        {"start": "2020-06-18", "hours": 2001},
        {"start": "18 June 2020", "working_days": 1},
        {"start": "2020-06-31", "working_days": 1},
        {"start": "2020-06-18", "working_days": "six"},
        {"working_days": 1},
    ],
)
def test_bad_deadline_requests_are_bad_requests(client: Client, params: dict) -> None:
    problem(get(client, "/deadline", **params))


def test_a_deadline_outside_the_calendar_is_a_bad_request(client: Client) -> None:
    body = problem(get(client, "/deadline", start="2027-12-30", working_days=5))
    assert "2027-12-30" in body["detail"]
    problem(get(client, "/deadline", start="2019-06-18", working_days=1))


def test_errors_are_problem_documents(client: Client) -> None:
    response = get(client, "/deadline", start="2020-06-18")
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Give exactly one of working_days or hours."


def test_the_openapi_document_describes_the_responses(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert f"{BASE}/days/{{day}}" in document["paths"]
    assert f"{BASE}/deadline" in document["paths"]
    schemas = document["components"]["schemas"]
    assert set(schemas["DayOut"]["properties"]) == {
        "date", "roc_date", "weekday", "is_working_day", "note",
    }  # fmt: skip
    assert {"start", "rule", "amount", "effective_receipt_day", "due", "due_roc"} == set(
        schemas["DeadlineOut"]["properties"]
    )
