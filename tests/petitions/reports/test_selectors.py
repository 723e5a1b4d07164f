"""The report's figures, checked against an independent recount of the raw rows and
against a hand computation around the 2025 Lunar New Year days off."""

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import agency, taipei
from tests.petitions.factories import petition
from tests.petitions.reports.history import (
    close,
    extend,
    figures,
    random_history,
    raw_rows,
    recount,
    transfer,
    working_days,
)
from yankao.core.taipei import TAIPEI
from yankao.petitions.reports.selectors import Grouping, petition_report
from yankao.tracking.models import TrackedItem

pytestmark = pytest.mark.django_db

FEBRUARY = (date(2025, 2, 1), date(2025, 2, 28))
NOW = taipei(2025, 3, 20)


@pytest.mark.parametrize("group_by", list(Grouping))
def test_every_row_and_the_total_match_an_independent_recount(staff, group_by):
    random_history(staff, random.Random(20250127), 90)
    rows = raw_rows(group_by)
    for start, end in [FEBRUARY, (date(2025, 1, 1), date(2025, 1, 31))]:
        report = petition_report(
            user=staff.connie, start=start, end=end, group_by=group_by, now=NOW
        )
        for row in report.rows:
            mine = [r for r in rows if r.group == row.key]
            assert figures(row) == recount(mine, start, end, NOW), row.label
        assert figures(report.total) == recount(rows, start, end, NOW)
        assert {row.key for row in report.rows} <= {r.group for r in rows}


def test_the_random_history_covers_the_hard_cases(staff):
    random_history(staff, random.Random(20250127), 90)
    total = petition_report(user=staff.connie, start=FEBRUARY[0], end=FEBRUARY[1], now=NOW).total
    assert total.closed_late > 0 and total.closed_on_time > 0
    assert total.extended > 0 and total.transferred > 0 and total.open_overdue > 0


def test_the_report_for_a_period_in_progress_counts_overdue_at_now(staff):
    random_history(staff, random.Random(3), 40)
    now = taipei(2025, 2, 12, 15)
    report = petition_report(user=staff.connie, start=FEBRUARY[0], end=FEBRUARY[1], now=now)
    assert report.as_of == now
    assert figures(report.total) == recount(raw_rows("agency"), *FEBRUARY, now)


@pytest.fixture
def new_year(staff):
    """Five petitions closed in February 2025 whose verdicts turn on the calendar."""
    at = taipei
    on_make_up_day = petition(code="0103", received_at=at(2025, 1, 24, 10))
    close(on_make_up_day.petition.item, at(2025, 2, 8, 15), staff.hank)
    late = petition(code="0103", received_at=at(2025, 1, 24, 10))
    close(late.petition.item, at(2025, 2, 10, 9), staff.hank)
    after_hours = petition(code="0103", received_at=at(2025, 1, 23, 18))
    close(after_hours.petition.item, at(2025, 2, 8, 10), staff.hank)
    transferred = petition(code="0103", received_at=at(2025, 1, 22, 9))
    transfer(transferred, at(2025, 2, 3, 10), staff.connie, "public-works")
    transferred.petition.item.refresh_from_db()
    close(transferred.petition.item, at(2025, 2, 10, 16), staff.holly)
    extended = petition(code="0103", received_at=at(2025, 1, 24, 10))
    extend(extended.petition.item, at(2025, 2, 5, 10), staff.hank, staff.sue)
    extended.petition.item.refresh_from_db()
    close(extended.petition.item, at(2025, 2, 11, 12), staff.hank)
    overdue = petition(code="0103", received_at=at(2025, 1, 20, 10))
    return {
        "make_up": on_make_up_day,
        "late": late,
        "after_hours": after_hours,
        "transferred": transferred,
        "extended": extended,
        "overdue": overdue,
    }


def _item(registered) -> TrackedItem:
    return TrackedItem.objects.get(pk=registered.petition.pk)


def _due_day(registered) -> date:
    return _item(registered).due_at.astimezone(TAIPEI).date()


def test_deadlines_around_the_new_year_are_those_computed_by_hand(new_year):
    # Six working days after Fri 24 Jan: 3, 4, 5, 6, 7 Feb and the make-up Saturday 8 Feb.
    assert _item(new_year["make_up"]).due_at == taipei(2025, 2, 8, 23, 59).replace(second=59)
    # Received after office close on Thu 23 Jan: it counts from Fri 24 Jan.
    assert _due_day(new_year["after_hours"]) == date(2025, 2, 8)
    # The transfer on Mon 3 Feb restarts the clock: 4–8 and 10 Feb.
    assert _due_day(new_year["transferred"]) == date(2025, 2, 10)
    # Two more working days after Sat 8 Feb: 10 and 11 Feb.
    assert _due_day(new_year["extended"]) == date(2025, 2, 11)
    assert _due_day(new_year["overdue"]) == date(2025, 2, 4)


def test_working_days_around_the_new_year_are_those_computed_by_hand(new_year):
    # 14 h of 24 Jan, 3–7 Feb, 15 h of the make-up Saturday: 0.583 + 5 + 0.625.
    expected = {
        "make_up": "6.2",
        "late": "7.0",  # 0.583 + 6 (3–8 Feb) + 9 h of 10 Feb
        "after_hours": "6.7",  # 6 h of 23 Jan + 1 + 5 + 10 h of 8 Feb
        "transferred": "9.3",  # 15 h of 22 Jan + 2 + 6 + 16 h of 10 Feb: counted from receipt
        "extended": "8.1",  # 0.583 + 6 + 1 + 12 h of 11 Feb
    }
    for name, days in expected.items():
        item = _item(new_year[name])
        assert item.working_days_taken == Decimal(days), name
        assert working_days(item.received_at, item.closed_at) == Decimal(days), name


def test_the_february_report_counts_the_new_year_cases_as_computed_by_hand(new_year, staff):
    report = petition_report(user=staff.connie, start=FEBRUARY[0], end=FEBRUARY[1], now=NOW)
    total = report.total
    assert (total.received, total.closed, total.closed_on_time, total.closed_late) == (0, 5, 4, 1)
    assert total.open_overdue == 1
    assert total.on_time_rate == Decimal("80.0")
    # (6.2 + 7.0 + 6.7 + 9.3 + 8.1) / 5 = 7.46
    assert total.average_working_days == Decimal("7.5")
    # Nearest rank of five values: position ceil(4.5) = 5, the largest.
    assert total.p90_working_days == Decimal("9.3")
    rows = {row.key: row for row in report.rows}
    works = rows[agency("pw-maintenance").pk]
    assert (works.closed, works.closed_late) == (4, 1)
    # Four values 6.2, 6.7, 7.0, 8.1: position ceil(3.6) = 4.
    assert works.p90_working_days == Decimal("8.1")
    assert works.average_working_days == Decimal("7.0")  # 28.0 / 4
    transferred_to = rows[agency("public-works").pk]
    assert (transferred_to.closed_on_time, transferred_to.p90_working_days) == (1, Decimal("9.3"))


def test_the_january_report_counts_the_new_year_cases_as_received(new_year, staff):
    report = petition_report(
        user=staff.connie, start=date(2025, 1, 1), end=date(2025, 1, 31), now=NOW
    )
    total = report.total
    assert (total.received, total.closed, total.extended, total.transferred) == (6, 0, 1, 1)
    # On 1 Feb nothing was overdue yet: the earliest deadline is 4 Feb.
    assert total.open_overdue == 0
    assert total.on_time_rate is None and total.p90_working_days is None


def test_the_90th_percentile_is_the_nearest_rank(staff):
    # Eleven petitions received at midnight of Mon 3 Mar 2025, closed k hours later.
    for hours in [1, 2, 3, 5, 8, 13, 21, 22, 23, 24, 24]:
        registered = petition(code="0201", received_at=taipei(2025, 3, 3, 0))
        close(
            registered.petition.item,
            taipei(2025, 3, 3, 0) + (taipei(2025, 3, 3, hours % 24) - taipei(2025, 3, 3, 0))
            if hours < 24
            else taipei(2025, 3, 4, 0),
            staff.hank,
        )
    report = petition_report(
        user=staff.connie, start=date(2025, 3, 1), end=date(2025, 3, 31), now=NOW
    )
    # Tenths of a day: 0.0 0.1 0.1 0.2 0.3 0.5 0.9 0.9 1.0 1.0 1.0; ceil(0.9 × 11) = 10th.
    assert report.total.p90_working_days == Decimal("1.0")
    assert report.total.closed == 11


def test_a_supervisor_sees_only_their_agency_tree(new_year, staff):
    petition(code="0201", received_at=taipei(2025, 2, 3, 10))  # environmental protection
    report = petition_report(user=staff.sue, start=FEBRUARY[0], end=FEBRUARY[1], now=NOW)
    keys = {row.key for row in report.rows}
    assert keys == {agency("public-works").pk, agency("pw-maintenance").pk}
    city = petition_report(user=staff.mia, start=FEBRUARY[0], end=FEBRUARY[1], now=NOW)
    assert city.total.received == report.total.received + 1


def test_an_agency_report_covers_its_sub_agencies(new_year, staff):
    report = petition_report(
        user=staff.connie,
        start=FEBRUARY[0],
        end=FEBRUARY[1],
        agency=agency("pw-maintenance"),
        now=NOW,
    )
    assert [row.key for row in report.rows] == [agency("pw-maintenance").pk]
    assert report.total.closed == 4
    whole_bureau = petition_report(
        user=staff.connie, start=FEBRUARY[0], end=FEBRUARY[1], agency=agency("public-works")
    )
    assert whole_bureau.total.closed == 5


def test_groups_without_a_district_are_labelled(new_year, staff):
    report = petition_report(
        user=staff.connie, start=FEBRUARY[0], end=FEBRUARY[1], group_by="district", now=NOW
    )
    assert [row.key for row in report.rows] == [None]
    assert report.rows[0].label


def test_categories_are_grouped_under_their_main_category(new_year, staff):
    report = petition_report(
        user=staff.connie, start=FEBRUARY[0], end=FEBRUARY[1], group_by="category", now=NOW
    )
    assert [row.label for row in report.rows] == ["工務"]


def _queries(user) -> int:
    user = type(user).objects.select_related("agency").get(pk=user.pk)  # a request's own
    with CaptureQueriesContext(connection) as captured:
        for group_by in Grouping:
            petition_report(user=user, start=FEBRUARY[0], end=FEBRUARY[1], group_by=group_by)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_number_of_petitions(staff):
    random_history(staff, random.Random(1), 6)
    assert staff.sue.agency is not None  # loaded once, as the request's user is
    few = _queries(staff.sue), _queries(staff.connie)
    random_history(staff, random.Random(2), 40)
    assert (_queries(staff.sue), _queries(staff.connie)) == few
    assert few[1] == 2 * len(Grouping)


def test_satisfaction_is_the_average_rating_of_the_petitions_closed_in_the_period(new_year, staff):
    from yankao.petitions.models import PetitionRating

    scores = {"make_up": 5, "late": 2, "extended": 4}
    for name, score in scores.items():
        PetitionRating.objects.create(petition=new_year[name].petition, score=score, rated_at=NOW)
    report = petition_report(user=staff.connie, start=FEBRUARY[0], end=FEBRUARY[1], now=NOW)
    average = (Decimal(sum(scores.values())) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert (report.total.rating_count, report.total.average_rating) == (len(scores), average)


def test_the_average_counts_only_petitions_closed_with_working_days(staff):
    # The engine's one definition: the mean over the closed items that carry working
    # days. A petition closed without them (history kept from before they were
    # recorded) is closed, but has no time to average.
    for day, closed in [(3, 5), (4, 11), (5, 7)]:
        registered = petition(code="0103", received_at=taipei(2025, 2, day, 10))
        close(registered.petition.item, taipei(2025, 2, closed, 16), staff.hank)
    items = TrackedItem.objects.filter(status="closed").order_by("pk")
    without = items.first()
    items.filter(pk=without.pk).update(working_days_taken=None)
    kept = [i.working_days_taken for i in items.exclude(pk=without.pk)]
    total = petition_report(user=staff.connie, start=FEBRUARY[0], end=FEBRUARY[1], now=NOW).total
    assert total.closed == 3
    expected = (sum(kept) / len(kept)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert total.average_working_days == expected
