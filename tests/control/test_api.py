"""Programmes on the JSON API: the registry walked with its cursor and filtered by
kind, light, pillar and agency; registering with an Idempotency-Key; monthly
reports and milestones; scoped as the pages are, errors as RFC 9457 problem
documents naming every field at fault, nothing saved from a refused request."""

from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.api_pages import ids, walk
from tests.control import factories
from tests.factories import taipei
from yankao.accounts.services import token_create
from yankao.control.models import Milestone, Programme, ProgressReport
from yankao.core import clock

pytestmark = pytest.mark.django_db
URL = "/api/v1/programmes"
PROBLEM = "application/problem+json"
NOW = taipei(2026, 11, 20)


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


def body(**changes: Any) -> dict[str, Any]:
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    data: dict[str, Any] = {
        "title": "左營區排水改善工程",
        "kind": "works",
        "control_level": "self",
        "owner_agency": "public-works",
        "pledge": "P07",
        "start_date": "2026-01-05",
        "end_date": "2026-12-31",
        "budget": [{"year": 2026, "source": "city", "amount": 30_000_000}],
        "planned_curve": [
            {"month": m, "percent": v} for m, v in zip(months, factories.PLAN_2026, strict=True)
        ],
        "milestones": [
            {"title": "完成發包", "planned_date": "2026-03-31", "criteria": "決標公告"},
            {
                "title": "完成設計",
                "planned_date": "2026-02-13",
                "criteria": "設計審定",
                "completed_on": "2026-02-10",
                "evidence": "審定函",
            },
        ],
    }
    data.update(changes)
    return data


def send(client: Client, method: str, url: str, user, data: Any = None, key: str | None = None):
    extra = {**bearer(user), **({"HTTP_IDEMPOTENCY_KEY": key} if key else {})}
    with clock.frozen(NOW):
        call = getattr(client, method)
        if data is None:
            return call(url, **extra)
        return call(url, data, content_type="application/json", **extra)


def test_a_handler_registers_a_programme_with_its_curve_and_milestones(client, staff):
    response = send(client, "post", URL, staff.hank, body())
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["number"] == "計115-000001"
    assert made["pillar"] == {"code": "construction", "name": "務實建設"}
    assert len(made["planned_curve"]) == 12 and made["planned_curve"][-1]["percent"] == "100.00"
    met = next(m for m in made["milestones"] if m["completed_on"])
    assert met["outcome"] == "on_time" and met["status"] == "closed"
    # Registered on 20 November with its March milestone not met, months late: red.
    assert made["light"] == "red" and made["light_reasons"] == ["milestone"]


def test_the_same_key_registers_once_and_replays(client, staff):
    first = send(client, "post", URL, staff.hank, body(), key="prog-1")
    again = send(client, "post", URL, staff.hank, body(), key="prog-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Programme.objects.count() == 1


def test_every_problem_is_named_and_nothing_is_saved(client, staff):
    bad = body(
        end_date="2025-12-31",
        budget=[{"year": 2026, "source": "city", "amount": -5}],
        milestones=[{"title": "", "planned_date": "2027-02-01", "criteria": ""}],
    )
    response = send(client, "post", URL, staff.hank, bad, key="prog-2")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    locations = {tuple(e["location"]) for e in response.json()["errors"]}
    assert ("body", "end_date") in locations
    assert not Programme.objects.exists() and not Milestone.objects.exists()
    # The refused request may be sent again, corrected, with the same key.
    assert send(client, "post", URL, staff.hank, body(), key="prog-2").status_code == 201


def test_a_curve_over_100_is_a_problem_naming_the_curve(client, staff):
    curve = body()["planned_curve"]
    curve[-1]["percent"] = 120
    response = send(client, "post", URL, staff.hank, body(planned_curve=curve))
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"] == ["body", "planned_curve"]


def test_a_handler_cannot_register_for_another_agency(client, staff):
    response = send(client, "post", URL, staff.hank, body(owner_agency="education"))
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    "field, value", [("owner_agency", "nowhere"), ("pledge", "P99"), ("pillar", "moon")]
)
def test_unknown_codes_are_problems_naming_the_field(client, staff, field, value):
    response = send(client, "post", URL, staff.connie, body(**{field: value}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"] == ["body", field]


@pytest.fixture
def registry(staff):
    """Five programmes of Public Works and one of Fengshan, of several kinds and lights."""
    made = [
        factories.programme(by=staff.hank, kind=kind, title=f"計畫{n}")
        for n, kind in enumerate(["works", "policy_plan", "works", "forward_looking", "works"])
    ]
    made.append(factories.programme(by=staff.dora, owner="district-fengshan"))
    factories.report(made[0], by=staff.hank, month=date(2026, 3, 1), actual=20)
    factories.report(
        made[2], by=staff.hank, month=date(2026, 3, 1), actual=5, lag_reason="a", remedy="b"
    )
    return made


def test_the_list_walks_every_programme_the_user_sees_once(client, staff, registry):
    rows = walk(client, URL, {}, bearer(staff.connie))
    assert ids(rows) == [p.pk for p in registry]
    mine = walk(client, URL, {}, bearer(staff.hank))
    assert ids(mine) == [p.pk for p in registry[:5]]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"kind": "works"}, [0, 2, 4]),
        ({"light": "red"}, [2]),
        ({"light": "green", "kind": "works"}, [0]),
        ({"agency": "district-fengshan"}, [5]),
        ({"pillar": "none"}, [0, 1, 2, 3, 4, 5]),
        ({"pillar": "economy"}, []),
    ],
)
def test_the_list_filters(client, staff, registry, query, expected):
    rows = walk(client, URL, query, bearer(staff.connie))
    assert ids(rows) == [registry[n].pk for n in expected]


def test_another_agencys_programme_is_not_found(client, staff, registry):
    response = send(client, "get", f"{URL}/{registry[0].pk}", staff.dora)
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    response = send(client, "get", f"{URL}/{registry[0].pk}/progress", staff.dora)
    assert response.status_code == 404


def report_body(**changes: Any) -> dict[str, Any]:
    data = {
        "month": "2026-04",
        "actual_percent": "30.5",
        "budget_allocated": 1_000_000,
        "budget_executed": 900_000,
        "work_done": "完成管線遷移",
    }
    data.update(changes)
    return data


def test_the_agency_reports_a_month_and_revises_it(client, staff, registry):
    url = f"{URL}/{registry[1].pk}/progress"
    made = send(client, "post", url, staff.hank, report_body(), key="r-1")
    assert made.status_code == 201, made.content
    assert made.json()["light"] == "green" and made.json()["gap"] == "-0.50"
    twice = send(client, "post", url, staff.hank, report_body())
    assert twice.status_code == 409
    revised = send(
        client, "put", f"{url}/2026-04", staff.hank, report_body(actual_percent="31", revision=1)
    )
    assert revised.status_code == 200 and revised.json()["revision"] == 2
    rows = walk(client, url, {}, bearer(staff.connie))
    assert [row["month"] for row in rows] == ["2026-04"]


def test_a_report_over_100_or_backwards_is_a_problem_and_nothing_is_saved(client, staff, registry):
    url = f"{URL}/{registry[0].pk}/progress"
    over = send(client, "post", url, staff.hank, report_body(actual_percent="100.5"))
    assert over.status_code == 400
    assert over.json()["errors"][0]["location"] == ["body", "actual_percent"]
    backwards = send(client, "post", url, staff.hank, report_body(actual_percent="15"))
    assert backwards.status_code == 400
    fields = {e["location"][-1] for e in backwards.json()["errors"]}
    assert fields == {"decrease_reason", "lag_reason", "remedy"}
    assert ProgressReport.objects.filter(programme=registry[0]).count() == 1


def test_only_the_responsible_agency_reports(client, staff, registry):
    url = f"{URL}/{registry[1].pk}/progress"
    assert send(client, "post", url, staff.connie, report_body()).status_code == 403
    assert send(client, "post", url, staff.dora, report_body()).status_code == 404


def test_a_malformed_month_is_a_problem(client, staff, registry):
    url = f"{URL}/{registry[1].pk}/progress"
    response = send(client, "post", url, staff.hank, report_body(month="115-04"))
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert send(client, "put", f"{url}/2026-13", staff.hank, report_body()).status_code == 400


def test_milestones_are_added_listed_and_met(client, staff, registry):
    url = f"{URL}/{registry[1].pk}/milestones"
    made = send(
        client,
        "post",
        url,
        staff.hank,
        {"title": "完成發包", "planned_date": "2026-02-13", "criteria": "決標"},
        key="m-1",
    )
    assert made.status_code == 201, made.content
    milestone = made.json()
    assert milestone["overdue"] is True and milestone["working_days_late"] > 0
    done = send(
        client,
        "post",
        f"{url}/{milestone['id']}/complete",
        staff.hank,
        {"completed_on": "2026-02-24", "evidence": "決標公告"},
    )
    assert done.status_code == 200
    assert done.json()["outcome"] == "late" and done.json()["working_days_late"] == 2
    again = send(
        client,
        "post",
        f"{url}/{milestone['id']}/complete",
        staff.hank,
        {"completed_on": "2026-02-24", "evidence": "x"},
    )
    assert again.status_code == 409
    rows = walk(client, url, {}, bearer(staff.hank))
    assert ids(rows) == [milestone["id"]]


def test_a_milestone_of_another_programme_is_not_found_through_this_one(client, staff, registry):
    other = factories.milestone(registry[0], by=staff.hank, planned=date(2026, 3, 31))
    url = f"{URL}/{registry[1].pk}/milestones/{other.pk}/complete"
    response = send(
        client, "post", url, staff.hank, {"completed_on": "2026-03-30", "evidence": "x"}
    )
    assert response.status_code == 404


def test_the_openapi_document_describes_the_programmes(client, staff):
    document = client.get("/api/v1/openapi.json", **bearer(staff.hank)).json()
    paths = document["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/programmes"])
    assert "put" in paths["/api/v1/programmes/{programme_id}/progress/{month}"]
    assert "post" in paths["/api/v1/programmes/{programme_id}/milestones/{milestone_id}/complete"]


def _response_schema(document: dict, path: str, method: str, status: str = "200") -> dict:
    body = document["paths"][path][method]["responses"][status]["content"]["application/json"]
    return _resolved(document, body["schema"])


def _resolved(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_the_programmes_schemas_keep_their_own_names_beside_other_businesses(client, staff):
    # ninja files schemas by class name: a second class of the same name silently
    # replaced the first, so one business's answers were described by another's.
    document = client.get("/api/v1/openapi.json", **bearer(staff.hank)).json()
    progress = _response_schema(document, "/api/v1/programmes/{programme_id}/progress", "get")
    report = _resolved(document, progress["properties"]["items"]["items"])
    assert "planned_percent" in report["properties"]
    ticket = _response_schema(document, "/api/v1/tickets/{ticket_id}", "get")
    reports = _resolved(document, ticket["properties"]["reports"]["items"])
    assert {"at", "by", "status_text", "done"} <= set(reports["properties"])
    detail = _response_schema(document, "/api/v1/programmes/{programme_id}", "get")
    point = _resolved(document, detail["properties"]["planned_curve"]["items"])
    assert point["properties"]["percent"]["type"] == "string"  # as written
