"""Tracked items on the JSON API: token auth, scoping identical to the pages,
cursor pagination, statistics, actions, and RFC 9457 errors."""

import pytest

from tests.factories import item, taipei
from yankao.accounts.services import token_create, token_revoke
from yankao.tracking.models import Status

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


def test_the_api_refuses_requests_without_a_token_as_a_problem(client):
    response = client.get("/api/v1/items")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 401


def test_a_revoked_token_no_longer_works(client, staff):
    issued = token_create(user=staff.hank, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.raw}"}
    assert client.get("/api/v1/items", **headers).status_code == 200
    token_revoke(token=issued.token)
    assert client.get("/api/v1/items", **headers).status_code == 401


def test_the_list_is_scoped_like_the_pages(client, staff):
    own = item(owner="public-works")
    other = item(owner="water-resources")
    numbers = [
        i["number"] for i in client.get("/api/v1/items", **bearer(staff.hank)).json()["items"]
    ]
    assert own.number in numbers
    assert other.number not in numbers


def test_another_agencys_item_is_not_found(client, staff):
    other = item(owner="water-resources")
    response = client.get(f"/api/v1/items/{other.pk}", **bearer(staff.hank))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_the_cursor_walks_every_item_once_in_deadline_order(client, staff):
    made = [item(received_at=taipei(2026, 11, 2 + n % 5), time_limit=1 + n % 4) for n in range(7)]
    headers = bearer(staff.hank)
    seen, cursor = [], None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/items", query, **headers).json()
        seen += [(row["due_at"], row["number"]) for row in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(number for _, number in seen) == sorted(i.number for i in made)
    assert [due for due, _ in seen] == sorted(due for due, _ in seen)


def test_a_broken_cursor_is_a_clear_400(client, staff):
    response = client.get("/api/v1/items", {"cursor": "%%%"}, **bearer(staff.hank))
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def test_a_bad_filter_value_is_a_400_problem_naming_the_field(client, staff):
    response = client.get("/api/v1/items", {"limit": "many"}, **bearer(staff.hank))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "limit" in response.json()["detail"]


def test_an_action_through_the_api_runs_the_same_workflow(client, staff):
    tracked = item()
    response = client.post(
        f"/api/v1/items/{tracked.pk}/actions/accept",
        {"version": tracked.version},
        content_type="application/json",
        **bearer(staff.hank),
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.IN_PROGRESS
    assert [h["action"] for h in response.json()["history"]] == ["create", "accept"]


def test_an_action_the_role_may_not_take_is_403(client, staff):
    tracked = item()
    response = client.post(
        f"/api/v1/items/{tracked.pk}/actions/withdraw",
        {"version": 1, "reason": "x"},
        content_type="application/json",
        **bearer(staff.mia),
    )
    assert response.status_code == 403


def test_a_stale_version_is_a_409(client, staff):
    tracked = item()
    headers = bearer(staff.hank)
    url = f"/api/v1/items/{tracked.pk}/actions/"
    client.post(url + "accept", {"version": 1}, content_type="application/json", **headers)
    response = client.post(
        url + "note", {"version": 1, "text": "補充"}, content_type="application/json", **headers
    )
    assert response.status_code == 200  # notes do not take the lock
    response = client.post(
        url + "extension_request",
        {"version": 1, "reason": "", "amount": 0},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    fields = {e["location"][-1] for e in response.json()["errors"]}
    assert fields == {"reason", "amount"}


def test_statistics_count_what_the_user_may_see(client, staff):
    item(owner="public-works", received_at=taipei(2026, 11, 3))
    item(owner="water-resources", received_at=taipei(2026, 11, 3))
    query = {"start": "2026-11-01", "end": "2026-11-30"}
    assert (
        client.get("/api/v1/items/statistics", query, **bearer(staff.hank)).json()["received"] == 1
    )
    assert (
        client.get("/api/v1/items/statistics", query, **bearer(staff.connie)).json()["received"]
        == 2
    )


def test_statistics_refuse_a_period_that_ends_before_it_starts(client, staff):
    response = client.get(
        "/api/v1/items/statistics",
        {"start": "2026-11-30", "end": "2026-11-01"},
        **bearer(staff.connie),
    )
    assert response.status_code == 400


def test_the_openapi_document_describes_the_api(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/items" in document["paths"]
    assert "/api/v1/calendar/deadline" in document["paths"]


def test_the_history_shows_each_deadline_move_and_the_deadline_at_closing(client, staff):
    from yankao.tracking import services

    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.item_accept(item=tracked, by=staff.hank)
    extension = services.extension_request(item=tracked, by=staff.hank, reason="需會勘", amount=2)
    services.extension_decide(extension=extension, by=staff.sue, approve=True)
    services.item_close(item=tracked, by=staff.sue, at=taipei(2026, 11, 12, 9))
    tracked.refresh_from_db()

    body = client.get(f"/api/v1/items/{tracked.pk}", **bearer(staff.hank)).json()
    approval = next(e for e in body["history"] if e["action"] == "extension_approve")
    closing = next(e for e in body["history"] if e["action"] == "close")
    assert approval["time_added"] == 2
    assert parse(approval["due_before"]) == tracked.original_due_at
    assert parse(approval["due_after"]) == tracked.due_at
    assert parse(body["due_at_closing"]) == parse(closing["due_after"]) == tracked.due_at
    assert (body["extension_count"], body["clock"], body["time_limit"]) == (1, "working_days", 6)
    # The verdict can be checked from the response alone.
    on_time = parse(body["closed_at"]) <= parse(body["due_at_closing"])
    assert body["outcome"] == ("on_time" if on_time else "late")


def test_an_escalation_in_the_history_names_its_tier_and_moment(client, staff):
    from yankao.tracking import services

    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.items_escalate_overdue(now=taipei(2026, 11, 25, 9))
    tracked.refresh_from_db()
    body = client.get(f"/api/v1/items/{tracked.pk}", **bearer(staff.sue)).json()
    tiers = [
        (e["escalation_level"], parse(e["escalation_due_at"]))
        for e in body["history"]
        if e["action"] == "escalate"
    ]
    assert tiers == [(1, tracked.due_at), (2, tracked.commission_escalation_at)]
    assert body["due_at_closing"] is None


def parse(moment):
    from datetime import datetime

    return datetime.fromisoformat(moment.replace("Z", "+00:00"))
