"""An auditor recomputes the monthly report of an agency from the API alone: the
items with their deadlines and verdicts, each item's history, and the ratings."""

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from tests import api_pages
from tests.factories import taipei
from tests.petitions.reports.history import random_history
from yankao.accounts.services import token_create
from yankao.core import clock
from yankao.core.taipei import TAIPEI
from yankao.organisation.models import Agency
from yankao.petitions.models import Petition
from yankao.petitions.reports.selectors import petition_report
from yankao.petitions.services import petition_rate

pytestmark = pytest.mark.django_db

START, END = date(2025, 2, 1), date(2025, 2, 28)
NOW = taipei(2025, 3, 20)


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def walk(client: Any, url: str, query: dict[str, str], headers: dict[str, str]) -> list[dict]:
    """Every row of a list, page by page through its cursor."""
    return api_pages.walk(client, url, query, headers, limit=100)


def busiest_leaf_agency(staff) -> Agency:
    """The agency without sub-agencies that closed the most petitions in February
    (chosen through the database: only the recount must use the API alone)."""
    report = petition_report(user=staff.connie, start=START, end=END, now=NOW)
    leaves = [
        row.key
        for row in report.rows
        if not Agency.objects.filter(parent_id=row.key).exists() and row.closed
    ]
    return max(Agency.objects.filter(pk__in=leaves), key=lambda a: report_row(report, a).closed)


def report_row(report, agency):
    return next(row for row in report.rows if row.key == agency.pk)


def rate_some(rng: random.Random) -> None:
    for petition in Petition.objects.filter(item__status="closed").order_by("pk"):
        if rng.random() < 0.6:
            with clock.frozen(petition.item.closed_at + timedelta(hours=3)):
                petition_rate(petition=petition, score=rng.randint(1, 5))


def recount(items: list[dict], histories: dict[int, list[dict]], scores: list[int]) -> dict:
    start = datetime.combine(START, time.min, TAIPEI)
    end = datetime.combine(END + timedelta(days=1), time.min, TAIPEI)
    as_of = min(NOW, end)
    received = [i for i in items if start <= moment(i["received_at"]) < end]
    closed = [i for i in items if i["status"] == "closed" and start <= moment(i["closed_at"]) < end]
    # The verdict, recomputed from the deadline in force at closing.
    on_time = [i for i in closed if moment(i["closed_at"]) <= moment(i["due_at_closing"])]
    assert all(i["outcome"] == "on_time" for i in on_time)
    overdue = [
        i
        for i in items
        if moment(i["received_at"]) < as_of
        and (i["closed_at"] is None or moment(i["closed_at"]) >= as_of)
        and moment(i["due_at"]) < as_of
    ]
    days = sum(Decimal(i["working_days_taken"]) for i in closed)

    def ever(item: dict, action: str) -> bool:
        return any(event["action"] == action for event in histories[item["id"]])

    return {
        "received": len(received),
        "closed": len(closed),
        "closed_on_time": len(on_time),
        "closed_late": len(closed) - len(on_time),
        "open_overdue": len(overdue),
        "extended": sum(1 for i in received if ever(i, "extension_approve")),
        "transferred": sum(1 for i in received if ever(i, "transfer")),
        "average_working_days": (days / len(closed)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if closed
        else None,
        "rating_count": len(scores),
        "average_rating": (Decimal(sum(scores)) / len(scores)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        if scores
        else None,
    }


def test_an_auditor_recomputes_an_agencys_monthly_figures_from_the_api(client, staff):
    random_history(staff, random.Random(20250127), 90)
    rate_some(random.Random(7))
    agency = busiest_leaf_agency(staff)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=staff.connie, name='a').raw}"}

    items = walk(client, "/api/v1/items", {"kind": "petition", "agency": agency.key}, headers)
    histories = {
        item["id"]: client.get(f"/api/v1/items/{item['id']}", **headers).json()["history"]
        for item in items
    }
    period = {"start": START.isoformat(), "end": END.isoformat(), "agency": agency.key}
    ratings = walk(client, "/api/v1/petitions/ratings", period, headers)
    mine = recount(items, histories, [rating["score"] for rating in ratings])

    row = report_row(petition_report(user=staff.connie, start=START, end=END, now=NOW), agency)
    expected = {name: getattr(row, name) for name in mine}
    assert mine == expected
    assert row.closed and row.rating_count  # the recount is not trivially empty
    assert row.extended or row.transferred or row.closed_late
