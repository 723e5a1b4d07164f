"""The ticket list walks every page under each status filter (and so each sort
order: open tickets by deadline, closed and all newest first) and finds every
ticket exactly once, ties on the deadline included."""

from datetime import timedelta

import pytest

from tests.api_pages import ids, walk
from tests.dispatch import factories
from tests.factories import taipei
from yankao.accounts.services import token_create
from yankao.core import clock
from yankao.dispatch.models import Ticket
from yankao.dispatch.services import ticket_acknowledge, ticket_report_back
from yankao.tracking.models import OPEN_STATUSES, Status

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets"


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


@pytest.fixture
def tickets(staff):
    """Nine tickets: three received at the same moment (the same deadline), some
    acknowledged, some dealt with (closed), at different moments."""
    start = taipei(2026, 11, 2, 9)
    made = [factories.ticket(received_at=start) for _ in range(3)]
    made += [factories.ticket(received_at=start + timedelta(hours=n)) for n in (5, 1, 3)]
    made += [factories.ticket(code="106", received_at=start + timedelta(hours=2)) for _ in range(3)]
    for ticket in made[1:3] + made[6:7]:
        ticket_acknowledge(ticket=ticket, by=staff.holly)
    for n, ticket in enumerate(made[2:6]):
        with clock.frozen(start + timedelta(hours=6 + n)):
            ticket_report_back(ticket=ticket, by=staff.holly, status_text="已處理", done=True)
    return made


def _expected(status: str) -> set[int]:
    rows = Ticket.objects.select_related("item")
    if status in ("", "open"):
        return {t.pk for t in rows if t.item.status in OPEN_STATUSES}
    if status == "all":
        return {t.pk for t in rows}
    return {t.pk for t in rows if t.item.status == status}


@pytest.mark.parametrize(
    "status", ["", "open", "closed", "all", Status.ASSIGNED, Status.IN_PROGRESS]
)
def test_every_ticket_is_listed_once_across_the_pages(client, staff, tickets, status):
    query = {"status": status} if status else {}
    found = ids(walk(client, URL, query, bearer(staff.amy)))
    assert sorted(found) == sorted(_expected(status))
    assert _expected(status)


def test_open_tickets_come_soonest_deadline_first(client, staff, tickets):
    rows = walk(client, URL, {}, bearer(staff.amy))
    keys = [(row["due_at"], row["id"]) for row in rows]
    assert keys == sorted(keys)


@pytest.mark.parametrize("status", ["closed", "all"])
def test_history_comes_newest_first(client, staff, tickets, status):
    found = ids(walk(client, URL, {"status": status}, bearer(staff.amy)))
    assert found == sorted(found, reverse=True)


def test_a_cursor_of_the_open_list_is_refused_by_the_history(client, staff, tickets):
    headers = bearer(staff.amy)
    cursor = client.get(URL, {"limit": 2}, **headers).json()["next_cursor"]
    response = client.get(URL, {"status": "all", "cursor": cursor}, **headers)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "cursor" in response.json()["detail"]
