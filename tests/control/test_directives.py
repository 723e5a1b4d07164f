"""The mayor's directives (市長指示事項): numbered per ROC year, due on the office
calendar, answered with the supervisor's approval, seen only by the responsible
agency (and those above it), on the engine's page and API."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from tests.factories import agency, taipei
from yankao.accounts.services import token_create
from yankao.calendar.models import CalendarDay
from yankao.calendar.roc import roc_year
from yankao.control.kinds import DIRECTIVE
from yankao.control.models import Directive
from yankao.control.services import directive_create
from yankao.core import clock
from yankao.core.taipei import TAIPEI
from yankao.tracking import services
from yankao.tracking.models import Action, Outcome, Status

pytestmark = pytest.mark.django_db


def directive(staff, *, received_at: datetime, owner: str = "public-works", **extra) -> Directive:
    with clock.frozen(received_at):
        return directive_create(
            by=staff.connie,
            owner_agency=agency(owner),
            title="人行道改善",
            instruction="請研議人行道拓寬與無障礙設施改善期程",
            source="市政會議",
            received_at=received_at,
            **extra,
        )


def bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


def act(client, user, found: Directive, action: str, **fields):
    found.item.refresh_from_db()
    return client.post(
        f"/api/v1/items/{found.pk}/actions/{action}",
        {"version": found.item.version, **fields},
        content_type="application/json",
        **bearer(user),
    )


# --- numbering ---------------------------------------------------------------------------


def test_directives_are_numbered_in_sequence_within_the_roc_year(staff):
    first = directive(staff, received_at=taipei(2026, 11, 2))
    second = directive(staff, received_at=taipei(2026, 11, 3))
    year = roc_year(date(2026, 11, 2))
    assert [first.item.number, second.item.number] == [f"指{year}-000001", f"指{year}-000002"]


def test_the_sequence_starts_again_in_a_new_roc_year_by_taipei_time(staff):
    directive(staff, received_at=taipei(2026, 12, 30))
    # 31 Dec 2026 17:30 UTC is already 1 Jan 2027 in Taipei: the new year's first.
    first_of_year = directive(staff, received_at=datetime(2026, 12, 31, 17, 30, tzinfo=UTC))
    assert first_of_year.item.number == f"指{roc_year(date(2027, 1, 1))}-000001"


# --- the deadline --------------------------------------------------------------------------


def nth_working_day_after(day: date, n: int) -> date:
    """Walk the calendar table: the n-th working day after `day`."""
    working = dict(CalendarDay.objects.values_list("date", "is_working_day"))
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        counted += working[day]
    return day


def test_the_deadline_is_ten_working_days_on_the_office_calendar(staff):
    # Thu 1 Oct 2026: the ten working days run over the National Day holidays.
    received = taipei(2026, 10, 1, 10)
    found = directive(staff, received_at=received)
    last_day = nth_working_day_after(received.date(), DIRECTIVE.default_time_limit)
    assert found.item.time_limit == DIRECTIVE.default_time_limit == 10
    assert found.item.due_at == datetime.combine(last_day, time(23, 59, 59), TAIPEI)
    # Counting weekdays alone would end earlier: the calendar's holidays are counted out.
    weekdays = [received.date() + timedelta(days=n) for n in range(1, 30)]
    assert sum(1 for d in weekdays if d.weekday() < 5 and d <= last_day) > 10


def test_a_directive_may_be_given_its_own_time_limit(staff):
    received = taipei(2026, 11, 2, 10)
    found = directive(staff, received_at=received, time_limit=3)
    last_day = nth_working_day_after(received.date(), 3)
    assert found.item.due_at == datetime.combine(last_day, time(23, 59, 59), TAIPEI)


# --- the workflow ----------------------------------------------------------------------------


def test_the_handlers_reply_waits_for_the_supervisors_approval(client, staff):
    found = directive(staff, received_at=clock.now() - timedelta(days=1))
    assert act(client, staff.hank, found, "accept").status_code == 200
    replied = act(client, staff.hank, found, "reply_submit", reply="已完成規劃，明年施工")
    assert replied.json()["status"] == Status.AWAITING_APPROVAL
    # The handler may not approve their own reply; the supervisor may.
    assert act(client, staff.hank, found, "close").status_code == 403
    closed = act(client, staff.sue, found, "close")
    assert closed.status_code == 200
    body = closed.json()
    assert (body["status"], body["outcome"]) == (Status.CLOSED, Outcome.ON_TIME)
    assert [event["action"] for event in body["history"]] == [
        Action.CREATE,
        Action.ACCEPT,
        Action.REPLY_SUBMIT,
        Action.CLOSE,
    ]
    assert body["history"][0]["reason"] == "市政會議"  # the occasion is the first entry's


def test_a_returned_reply_goes_back_to_the_handler(client, staff):
    found = directive(staff, received_at=clock.now() - timedelta(days=1))
    act(client, staff.hank, found, "accept")
    act(client, staff.hank, found, "reply_submit", reply="初稿")
    returned = act(client, staff.sue, found, "reply_return", reason="請補充期程")
    assert returned.json()["status"] == Status.IN_PROGRESS


def test_an_unanswered_directive_reaches_the_commission_three_working_days_late(staff):
    found = directive(staff, received_at=taipei(2026, 11, 2, 10))
    item = found.item
    commission_day = nth_working_day_after(
        item.due_at.astimezone(TAIPEI).date(), DIRECTIVE.commission_escalation_after
    )
    assert item.commission_escalation_at.astimezone(TAIPEI).date() == commission_day
    services.items_escalate_overdue(now=item.commission_escalation_at + timedelta(minutes=1))
    levels = [e.data["level"] for e in item.events.filter(action=Action.ESCALATE)]
    assert levels == [1, 2]


# --- who sees it -----------------------------------------------------------------------------


def test_another_agencys_handler_cannot_see_the_directive(client, staff):
    found = directive(staff, received_at=taipei(2026, 11, 2))
    other = bearer(staff.dora)  # Fengshan district office
    assert client.get(f"/api/v1/items/{found.pk}", **other).status_code == 404
    listed = client.get("/api/v1/items", {"kind": "directive"}, **other).json()["items"]
    assert listed == []
    client.force_login(staff.dora)
    assert client.get(reverse("tracking:item", args=[found.pk])).status_code == 404


def test_the_agency_and_the_commission_see_it_on_the_api_and_the_page(client, staff):
    found = directive(staff, received_at=taipei(2026, 11, 2))
    for user in (staff.hank, staff.sue, staff.connie):
        listed = client.get("/api/v1/items", {"kind": "directive"}, **bearer(user)).json()
        assert [row["number"] for row in listed["items"]] == [found.item.number]
    client.force_login(staff.hank)
    page = client.get(reverse("tracking:item", args=[found.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert found.item.number in html and "人行道改善" in html
