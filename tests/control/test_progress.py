"""Monthly progress reports: one per programme and month, due by the 6th (works)
or the 10th (others) of the next month, on the office calendar; the rules a
report must meet, each refused with a clear message and nothing half-saved; the
commission's month locks."""

from datetime import date
from decimal import Decimal

import pytest

from tests.control import factories
from tests.factories import taipei
from yankao.control.models import MonthLock, ProgrammeAction, ProgrammeEvent, ProgressReport
from yankao.control.months import report_due_day
from yankao.control.services import (
    ControlConflict,
    ControlError,
    progress_month_lock,
    progress_month_unlock,
    progress_revise,
    progress_submit,
)
from yankao.core import clock
from yankao.core.taipei import end_of_day

pytestmark = pytest.mark.django_db
APRIL, MAY, JUNE = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)


def refused(call) -> dict[str, list[str]]:
    with pytest.raises(ControlError) as error:
        call()
    return error.value.errors


@pytest.fixture
def found(staff):
    return factories.programme(by=staff.hank)


def submit(found, staff, month, actual, **more):
    return lambda: factories.report(found, by=staff.hank, month=month, actual=actual, **more)


def test_a_report_records_plan_progress_budget_and_its_history(found, staff):
    made = factories.report(found, by=staff.hank, month=APRIL, actual="31.5", executed=880_000)
    assert made.planned_percent == Decimal("30.00")
    assert made.actual_percent == Decimal("31.50")
    assert made.execution_rate == Decimal("88.0")
    assert made.light == "green"
    event = ProgrammeEvent.objects.get(programme=found, action=ProgrammeAction.REPORT)
    assert event.month == APRIL and event.actor == staff.hank


def test_one_report_per_month(found, staff):
    factories.report(found, by=staff.hank, month=APRIL, actual=30)
    with pytest.raises(ControlConflict):
        submit(found, staff, APRIL, 31)()
    assert ProgressReport.objects.filter(programme=found).count() == 1


def test_progress_over_100_is_refused(found, staff):
    errors = refused(submit(found, staff, APRIL, "100.01"))
    assert errors["actual_percent"] == ["實際進度須為 0 至 100 的百分比，小數最多兩位。"]
    assert not ProgressReport.objects.exists()


def test_progress_going_backwards_needs_a_reason(found, staff):
    factories.report(found, by=staff.hank, month=APRIL, actual=30)
    errors = refused(submit(found, staff, MAY, 28, lag_reason="a", remedy="b"))
    assert "decrease_reason" in errors
    made = factories.report(
        found, by=staff.hank, month=MAY, actual=28, lag_reason="a", remedy="b",
        decrease_reason="重新丈量後下修已完成數量",
    )  # fmt: skip
    assert made.actual_percent == Decimal("28.00")


def test_an_earlier_month_cannot_be_reported_above_a_later_one(found, staff):
    factories.report(found, by=staff.hank, month=MAY, actual=36, lag_reason="a", remedy="b")
    errors = refused(submit(found, staff, APRIL, 38))
    assert "actual_percent" in errors
    assert not ProgressReport.objects.filter(month=APRIL).exists()


def test_budget_beyond_the_years_budget_is_refused(found, staff):
    errors = refused(submit(found, staff, APRIL, 30, allocated=12_000_001, executed=12_000_001))
    assert set(errors) == {"budget_allocated", "budget_executed"}
    assert "12,000,000" in errors["budget_executed"][0]


def test_a_month_without_a_budget_line_takes_no_money(staff):
    found = factories.programme(by=staff.hank, budget=[])
    errors = refused(submit(found, staff, APRIL, 30))
    assert set(errors) == {"budget_allocated", "budget_executed"}


@pytest.mark.parametrize(
    "actual, executed, reasons",
    [
        (24, 950_000, "進度落後"),  # 6 points behind
        (30, 700_000, "預算執行"),  # 70 % executed
    ],
)
def test_a_lagging_month_needs_the_reason_and_the_remedy(found, staff, actual, executed, reasons):
    errors = refused(submit(found, staff, APRIL, actual, executed=executed))
    assert set(errors) == {"lag_reason", "remedy"}
    assert reasons in errors["lag_reason"][0]
    made = factories.report(
        found, by=staff.hank, month=APRIL, actual=actual, executed=executed,
        lag_reason="管線遷移延宕", remedy="增派人力趕工",
    )  # fmt: skip
    assert made.light == "yellow"


def test_a_milestone_late_in_the_month_makes_it_lag(found, staff):
    factories.milestone(found, by=staff.hank, planned=date(2026, 4, 15))
    errors = refused(submit(found, staff, APRIL, 30))
    assert "里程碑" in errors["lag_reason"][0]


def test_a_milestone_met_on_time_does_not(found, staff):
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 4, 15))
    with clock.frozen(taipei(2026, 4, 15, 16)):
        from yankao.control.services import milestone_complete

        milestone_complete(
            milestone=made, by=staff.hank, completed_on=date(2026, 4, 15), evidence="審定"
        )
    assert factories.report(found, by=staff.hank, month=APRIL, actual=30).light == "green"


def test_a_month_is_reported_once_it_has_ended(found, staff):
    errors = refused(submit(found, staff, date(2026, 11, 1), 90))  # reported on 20 November
    assert "month" in errors
    errors = refused(submit(found, staff, date(2025, 12, 1), 0))  # before the programme
    assert "month" in errors


def test_the_planned_curve_must_be_set_first(staff):
    found = factories.programme(by=staff.hank, curve=[])
    assert "month" in refused(submit(found, staff, APRIL, 30))


def test_every_problem_is_named_at_once(found, staff):
    errors = refused(
        submit(found, staff, APRIL, 120, allocated=-1, executed=20_000_000, work_done=" ")
    )
    assert set(errors) == {"actual_percent", "budget_allocated", "budget_executed", "work_done"}


@pytest.mark.parametrize(
    "kind, month, due",
    [
        ("works", date(2026, 1, 1), date(2026, 2, 6)),  # by the 6th for works
        ("policy_plan", date(2026, 1, 1), date(2026, 2, 10)),  # by the 10th otherwise
        ("works", date(2026, 5, 1), date(2026, 6, 8)),  # 6 June 2026 is a Saturday
        ("policy_plan", date(2026, 9, 1), date(2026, 10, 12)),  # 10 October: National Day
    ],
)
def test_reports_are_due_by_the_kinds_day_or_the_next_working_day(kind, month, due):
    assert report_due_day(kind, month) == due


def test_the_due_day_is_a_setting(settings):
    settings.YANKAO_PROGRAMME_REPORT_DAY = 15
    assert report_due_day("policy_plan", date(2026, 3, 1)) == date(2026, 4, 15)


def test_a_report_made_after_its_due_day_is_late(staff):
    found = factories.programme(by=staff.hank, kind="works")
    on_time = factories.report(
        found, by=staff.hank, month=APRIL, actual=30, at=taipei(2026, 5, 6, 17)
    )
    late = factories.report(found, by=staff.hank, month=MAY, actual=40, at=taipei(2026, 6, 9, 9))
    assert on_time.due_at == end_of_day(date(2026, 5, 6)) and not on_time.late
    assert late.due_at == end_of_day(date(2026, 6, 8)) and late.late


def test_a_report_is_revised_with_its_history(found, staff):
    made = factories.report(found, by=staff.hank, month=APRIL, actual=30)
    with clock.frozen(taipei(2026, 5, 12)):
        revised = progress_revise(
            report=made, by=staff.sue, figures=factories.figures(32), revision=1
        )
    assert revised.actual_percent == Decimal("32.00") and revised.revision == 2
    event = ProgrammeEvent.objects.get(action=ProgrammeAction.REPORT_REVISE)
    assert event.data["before"]["actual_percent"] == "30.00"
    assert event.data["after"]["actual_percent"] == "32.00"


def test_a_stale_revision_is_refused(found, staff):
    made = factories.report(found, by=staff.hank, month=APRIL, actual=30)
    with clock.frozen(taipei(2026, 5, 12)):
        progress_revise(report=made, by=staff.sue, figures=factories.figures(31), revision=1)
        with pytest.raises(ControlConflict):
            progress_revise(report=made, by=staff.hank, figures=factories.figures(33), revision=1)


def test_a_locked_month_is_neither_reported_nor_revised(found, staff):
    made = factories.report(found, by=staff.hank, month=APRIL, actual=30)
    with clock.frozen(taipei(2026, 5, 20)):
        progress_month_lock(month=APRIL, by=staff.connie)
        progress_month_lock(month=date(2026, 3, 1), by=staff.connie)
        with pytest.raises(ControlConflict):
            progress_revise(report=made, by=staff.hank, figures=factories.figures(31))
        with pytest.raises(ControlConflict):
            progress_submit(
                programme=found,
                by=staff.hank,
                month=date(2026, 3, 1),
                figures=factories.figures(20),
            )
        progress_month_unlock(month=APRIL, by=staff.connie, reason="機關更正數據")
        progress_revise(report=made, by=staff.hank, figures=factories.figures(31))
    lock = MonthLock.objects.get(month=APRIL)
    assert lock.unlocked_by == staff.connie and lock.unlock_reason == "機關更正數據"


def test_only_a_month_that_has_ended_can_be_locked_and_only_once(staff):
    with clock.frozen(taipei(2026, 5, 20)):
        with pytest.raises(ControlError):
            progress_month_lock(month=MAY, by=staff.connie)
        progress_month_lock(month=APRIL, by=staff.connie)
        with pytest.raises(ControlConflict):
            progress_month_lock(month=APRIL, by=staff.connie)
        with pytest.raises(ControlError):
            progress_month_unlock(month=APRIL, by=staff.connie, reason=" ")
