"""Dispatch tickets on the JSON API: registering with an Idempotency-Key, the list
and a ticket scoped as the pages are, acknowledge and report back, and RFC 9457
problems for bad input, never a server error."""

from typing import Any

import pytest
from django.test import Client

from tests.dispatch import factories
from yankao.accounts.services import token_create
from yankao.dispatch.models import Ticket
from yankao.tracking.models import Status

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets"
PROBLEM = "application/problem+json"


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


def ticket_json(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ticket_class": "701",
        "description": "地下道積水約 30 公分，機車無法通行",
        "district": "sanmin",
        "address": "九如一路地下道",
        "latitude": 22.6422,
        "longitude": 120.3187,
        "reporter_name": "林美玲",
        "reporter_phone": "0933123456",
        "channel": "phone",
    }
    data.update(changes)
    return data


def post(client: Client, headers: dict[str, str], body: Any, key: str | None = None) -> Any:
    extra = {**headers, **({"HTTP_IDEMPOTENCY_KEY": key} if key else {})}
    return client.post(URL, body, content_type="application/json", **extra)


def test_an_agent_registers_a_ticket_and_gets_number_agency_and_deadline(client, staff):
    response = post(client, bearer(staff.amy), ticket_json())
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("派115-")
    assert body["owner_agency"]["key"] == "water-resources"
    assert body["ticket_class"] == {"code": "701", "name": "地下道積水", "hours": 4}
    assert body["reporter"] == {"name": "林○玲", "phone": "09xx-xxx-456"}


def test_the_same_idempotency_key_registers_once_and_replays(client, staff):
    headers = bearer(staff.amy)
    first = post(client, headers, ticket_json(), key="call-20261126-0001")
    again = post(client, headers, ticket_json(), key="call-20261126-0001")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Ticket.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(client, staff):
    headers = bearer(staff.amy)
    post(client, headers, ticket_json(), key="k-1")
    response = post(client, headers, ticket_json(description="另一件"), key="k-1")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert Ticket.objects.count() == 1


def test_a_refused_request_may_be_retried_with_the_same_key(client, staff):
    headers = bearer(staff.amy)
    bad = post(client, headers, ticket_json(latitude=25.03, longitude=121.56), key="k-2")
    assert bad.status_code == 400
    assert bad["Content-Type"] == PROBLEM
    assert bad.json()["errors"][0]["location"] == ["body", "latitude"]
    assert "不在高雄市範圍內" in bad.json()["detail"]
    good = post(client, headers, ticket_json(description="x"), key="k-3")
    assert good.status_code == 201


@pytest.mark.parametrize(
    "changes",
    [
        {"ticket_class": "999"},
        {"district": "atlantis"},
        {"latitude": "north"},
        {"latitude": 22.6, "longitude": None},
        {"channel": "pigeon"},
        {"description": "   "},
        {"description": "a\x00b"},
        {"ticket_class": None},
        {"reporter_phone": "call me maybe"},
        {"reporter_phone": "12"},
    ],
)
def test_bad_input_is_a_problem_document(client, staff, changes):
    response = post(client, bearer(staff.amy), ticket_json(**changes))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert not Ticket.objects.exists()


def test_a_viewer_may_not_register(client, staff):
    response = post(client, bearer(staff.mia), ticket_json())
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


def test_lists_are_scoped_and_sorted_by_deadline(client, staff):
    road = factories.ticket(code="101")
    light = factories.ticket(code="106")
    factories.ticket(code="701")
    response = client.get(URL, **bearer(staff.holly))
    assert [t["id"] for t in response.json()["items"]] == [road.pk, light.pk]
    by_class = client.get(URL, {"ticket_class": "106"}, **bearer(staff.amy))
    assert [t["id"] for t in by_class.json()["items"]] == [light.pk]


def test_paging_with_a_cursor(client, staff):
    made = [factories.ticket(code="101") for _ in range(3)]
    headers = bearer(staff.amy)
    first = client.get(URL, {"limit": 2}, **headers).json()
    second = client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}, **headers).json()
    ids = [t["id"] for t in first["items"] + second["items"]]
    assert ids == [t.pk for t in made]
    assert second["next_cursor"] is None


def test_another_agencys_handler_gets_404(client, staff):
    ticket = factories.ticket(code="101")
    headers = bearer(staff.dora)
    assert client.get(f"{URL}/{ticket.pk}", **headers).status_code == 404
    response = client.post(
        f"{URL}/{ticket.pk}/report-back",
        {"status_text": "完成", "done": True},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_the_commission_reads_but_may_not_acknowledge(client, staff):
    ticket = factories.ticket(code="101")
    headers = bearer(staff.connie)
    assert client.get(f"{URL}/{ticket.pk}", **headers).status_code == 200
    response = client.post(
        f"{URL}/{ticket.pk}/acknowledge", {}, content_type="application/json", **headers
    )
    assert response.status_code == 403


def test_the_agency_acknowledges_and_reports_back(client, staff):
    ticket = factories.ticket(code="101")
    headers = bearer(staff.holly)
    acknowledged = client.post(
        f"{URL}/{ticket.pk}/acknowledge",
        {"version": ticket.item.version},
        content_type="application/json",
        **headers,
    )
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_at"] is not None
    stale = client.post(
        f"{URL}/{ticket.pk}/acknowledge", {"version": 1}, content_type="application/json", **headers
    )
    assert stale.status_code in (403, 409)
    done = client.post(
        f"{URL}/{ticket.pk}/report-back",
        {"status_text": "已修補完成", "done": True},
        content_type="application/json",
        **headers,
    )
    body = done.json()
    assert done.status_code == 200
    assert body["status"] == Status.CLOSED
    assert body["reports"][0]["done"] is True
    assert body["hours_to_report"] is not None
    # The deadline its verdict was given against, in the item and in the history.
    ticket.item.refresh_from_db()
    closing = next(event for event in body["history"] if event["action"] == "close")
    assert body["due_at_closing"] == closing["due_after"] is not None
    assert body["due_at_closing"].startswith(ticket.item.due_at.strftime("%Y-%m-%dT%H:%M"))


def test_the_reporters_phone_is_cleaned_by_the_forms_rule(client, staff):
    response = post(
        client, bearer(staff.amy), ticket_json(reporter_phone="０９１２　３４５　６７８")
    )
    assert response.status_code == 201, response.content
    assert Ticket.objects.get().reporter_phone == "0912 345 678"
