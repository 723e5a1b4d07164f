"""Per-class statistics in SQL, checked against a recount in plain Python."""

import random
import statistics as pystats
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from math import ceil

import pytest

from tests.dispatch import factories
from tests.factories import taipei
from yankao.core import clock
from yankao.dispatch.models import Ticket
from yankao.dispatch.selectors import ticket_statistics
from yankao.dispatch.services import ticket_report_back
from yankao.tracking.models import OPEN_STATUSES

START = taipei(2026, 10, 1, 0)
END = taipei(2026, 11, 1, 0)
NOW = taipei(2026, 11, 20, 12)


def _seed(staff, count: int = 60) -> None:
    rng = random.Random(7)
    handler = {"101": staff.holly, "105": staff.holly, "106": staff.holly}
    for n in range(count):
        code = rng.choice(["101", "105", "106"])
        # A few fall outside the period, to be left out.
        received = START + timedelta(hours=rng.randint(-48, 31 * 24 + 48))
        ticket = factories.ticket(code=code, received_at=received)
        fate = rng.random()
        if fate < 0.75:
            at = received + timedelta(minutes=rng.randint(10, 40 * 60))
            with clock.frozen(at):
                ticket_report_back(
                    ticket=ticket, by=handler[code], status_text=f"完成 {n}", done=True
                )


def _median(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(pystats.median(values))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _p90(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return sorted(values)[ceil(0.9 * len(values)) - 1]


def _recount(tickets: list[Ticket]) -> dict[str, object]:
    reported = [t for t in tickets if t.reported_back_at is not None]
    hours = [
        Decimal((t.reported_back_at - t.item.received_at).total_seconds() / 3600).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        for t in reported
    ]
    within = sum(1 for t in reported if t.reported_back_at <= t.item.due_at)
    overdue = sum(1 for t in tickets if t.item.status in OPEN_STATUSES and t.item.due_at < NOW)
    judged = len(reported) + overdue
    share = (
        (Decimal(within * 100) / judged).quantize(Decimal("0.1"), ROUND_HALF_UP) if judged else None
    )
    return {
        "count": len(tickets),
        "reported": len(reported),
        "median": _median(hours),
        "p90": _p90(hours),
        "share": share,
    }


def _figures(row) -> dict[str, object]:
    return {
        "count": row.count,
        "reported": row.reported,
        "median": row.median_hours,
        "p90": row.p90_hours,
        "share": row.share_within_limit,
    }


@pytest.mark.django_db
def test_statistics_per_class_match_an_independent_recount(staff):
    _seed(staff)
    in_period = [
        t
        for t in Ticket.objects.select_related("item", "ticket_class")
        if START <= t.item.received_at < END
    ]
    result = ticket_statistics(START, END, now=NOW, include_empty=False)
    by_code = {row.code: row for row in result.rows}
    assert set(by_code) == {t.ticket_class.code for t in in_period}
    for code, row in by_code.items():
        expected = _recount([t for t in in_period if t.ticket_class.code == code])
        assert _figures(row) == expected, code
    assert _figures(result.total) == _recount(in_period)


@pytest.mark.django_db
def test_statistics_of_an_even_count_take_the_mean_of_the_middle_two(staff):
    for minutes in (60, 120, 180, 600):
        received = taipei(2026, 10, 5, 8)
        ticket = factories.ticket(code="101", received_at=received)
        with clock.frozen(received + timedelta(minutes=minutes)):
            ticket_report_back(ticket=ticket, by=staff.holly, status_text="完成", done=True)
    row = next(r for r in ticket_statistics(START, END, now=NOW).rows if r.code == "101")
    assert row.median_hours == Decimal("2.50")
    assert row.p90_hours == Decimal("10.00")
    assert row.within_limit == 3
    assert row.share_within_limit == Decimal("75.0")


@pytest.mark.django_db
def test_statistics_cost_a_fixed_number_of_queries(staff, django_assert_num_queries):
    _seed(staff, count=12)
    with django_assert_num_queries(3):
        ticket_statistics(START, END, now=NOW)


@pytest.mark.django_db
def test_statistics_follow_the_users_scope(staff):
    factories.ticket(code="101", received_at=taipei(2026, 10, 5, 8))
    factories.ticket(code="701", received_at=taipei(2026, 10, 5, 8))  # water resources
    holly = ticket_statistics(START, END, user=staff.holly, now=NOW)
    assert holly.total.count == 1
    assert ticket_statistics(START, END, user=staff.connie, now=NOW).total.count == 2
