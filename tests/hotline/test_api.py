"""/api/v1/calls: telephony systems post call records once per Idempotency-Key;
readers list them masked and get the statistics; bad input is an RFC 9457 problem."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.hotline.factories import call
from tests.petitions.factories import petition
from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.accounts.services import token_create
from yankao.core import clock
from yankao.hotline.models import Call, Outcome

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls"
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def auth(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


@pytest.fixture
def cti(db) -> User:
    return User.objects.create_user(username="cti", role=Role.SYSTEM)


def body(**changes):
    data = {
        "agent": "amy",
        "started_at": "2026-11-26T10:40:00+08:00",
        "duration_seconds": 95,
        "outcome": "transfer",
        "language": "nan",
        "caller_number": "0912-345-678",
        "transferred_to": "police",
        "source_id": "pbx-0001",
    }
    data.update(changes)
    return data


def post(client, user, data, key=None, headers=None):
    extra = {**(headers or auth(user))}
    if key:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    with clock.frozen(NOW):
        return client.post(URL, json.dumps(data), content_type="application/json", **extra)


def test_a_telephony_system_records_a_call_for_an_agent(client, staff, cti):
    response = post(client, cti, body())
    assert response.status_code == 201, response.content
    made = Call.objects.get()
    data = response.json()
    assert made.agent == staff.amy
    assert made.outcome == Outcome.TRANSFER
    assert made.transferred_to.key == "police"
    assert (str(made.day), made.hour) == ("2026-11-26", 10)
    assert data["caller_number"] == "09xx-xxx-678"
    assert data["hour"] == 10


def test_a_resend_with_the_same_key_records_nothing_more(client, staff, cti):
    headers = auth(cti)
    first = post(client, cti, body(), key="call-1", headers=headers)
    again = post(client, cti, body(), key="call-1", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Call.objects.count() == 1
    reused = post(client, cti, body(source_id="pbx-0002"), key="call-1", headers=headers)
    assert reused.status_code == 422
    assert reused["Content-Type"] == "application/problem+json"
    assert Call.objects.count() == 1


def test_the_same_source_id_without_a_key_is_refused(client, staff, cti):
    headers = auth(cti)
    assert post(client, cti, body(), headers=headers).status_code == 201
    second = post(client, cti, body(), headers=headers)
    assert second.status_code == 400
    assert second.json()["status"] == 400
    assert Call.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"duration_seconds": -5},
        {"transferred_to": "no-such-agency"},
        {"notes": "長" * 2001},
        {"agent": "hank"},
        {"agent": None},
        {"outcome": "lunch"},
        {"started_at": "yesterday"},
        {"outcome": "petition", "transferred_to": None, "item_number": "999"},
        {"caller_number": "0912\x00"},
    ],
)
def test_bad_records_are_problems_with_a_message(client, staff, cti, changes):
    response = post(client, cti, body(**changes))
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["detail"]
    assert Call.objects.count() == 0


def test_a_call_links_the_petition_it_raised_by_number(client, staff, cti):
    raised = petition(by=staff.amy).petition.item
    response = post(
        client,
        cti,
        body(outcome="petition", transferred_to=None, item_number=raised.number),
    )
    assert response.status_code == 201, response.content
    assert Call.objects.get().item == raised


def test_an_agent_records_only_their_own_calls(client, staff):
    assert post(client, staff.amy, body(agent=None)).status_code == 201
    assert post(client, staff.amy, body(agent="other", source_id="x")).status_code == 403
    assert post(client, staff.hank, body(source_id="y")).status_code == 403


def test_the_list_is_masked_filtered_and_paged(client, staff):
    for n in range(3):
        call(staff.amy, started_at=datetime(2026, 11, 26, 1, n, tzinfo=UTC), outcome="other")
    call(staff.amy, started_at=datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    headers = auth(staff.connie)
    first = client.get(URL, {"day": "2026-11-26", "limit": 2}, **headers).json()
    assert [row["caller_number"] for row in first["items"]] == ["09xx-xxx-123"] * 2
    rest = client.get(
        URL, {"day": "2026-11-26", "limit": 2, "cursor": first["next_cursor"]}, **headers
    ).json()
    ids = [row["id"] for row in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 3
    assert rest["next_cursor"] is None
    assert client.get(URL, **auth(staff.hank)).status_code == 403


def test_the_statistics_answer_the_same_figures_as_the_page(client, staff):
    call(staff.amy, started_at=datetime(2026, 10, 31, 16, 0, tzinfo=UTC), outcome="other")
    call(staff.amy, started_at=datetime(2026, 10, 31, 15, 0, tzinfo=UTC), outcome="other")
    response = client.get(
        f"{URL}/statistics", {"start": "2026-10-01", "end": "2026-11-30"}, **auth(staff.connie)
    )
    data = response.json()
    assert response.status_code == 200
    assert data["total"] == 2
    assert data["by_hour"][0] == 1 and data["by_hour"][23] == 1
    assert data["months"] == [{"month": "2026-10", "calls": 1}, {"month": "2026-11", "calls": 1}]
    bad = client.get(
        f"{URL}/statistics", {"start": "2026-12-01", "end": "2026-11-01"}, **auth(staff.connie)
    )
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"


def test_the_openapi_document_describes_the_calls(client, staff):
    client.force_login(staff.connie)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/calls" in schema["paths"]
    assert "/api/v1/calls/statistics" in schema["paths"]
