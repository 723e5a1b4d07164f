"""Registering a programme (計畫列管): numbered per ROC year, its budget by year and
source, its planned S-curve, its pillar and pledge; every problem of a request is
named at once and nothing of a refused request is saved."""

from datetime import date
from decimal import Decimal

import pytest

from tests.control import factories
from tests.factories import agency, taipei
from yankao.control.models import (
    Milestone,
    Pledge,
    Programme,
    ProgrammeAction,
    ProgrammeBudget,
    ProgrammeEvent,
)
from yankao.control.services import (
    BudgetLine,
    ControlError,
    CurvePoint,
    programme_budget_set,
    programme_curve_set,
)
from yankao.core import clock
from yankao.core.models import Sequence
from yankao.tracking.models import TrackedItem

pytestmark = pytest.mark.django_db


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ControlError) as refused:
        call()
    return refused.value.errors


def test_programmes_are_numbered_in_sequence_within_the_roc_year(staff):
    first = factories.programme(by=staff.hank)
    second = factories.programme(by=staff.hank, title="第二個計畫")
    assert [first.number, second.number] == ["計114-000001", "計114-000002"]
    assert first.light == "none"
    assert ProgrammeEvent.objects.filter(programme=first, action=ProgrammeAction.CREATE).exists()


def test_the_pledge_names_the_pillar_the_programme_serves(staff):
    pledge = Pledge.objects.get(code="P05")
    found = factories.programme(by=staff.hank, pledge=pledge)
    assert found.pillar == pledge.pillar
    assert found.pillar.name == "務實建設"


def test_a_pledge_of_another_pillar_is_refused(staff):
    pledge = Pledge.objects.get(code="P05")
    other = Pledge.objects.get(code="P01").pillar
    errors = errors_of(lambda: factories.programme(by=staff.hank, pledge=pledge, pillar=other))
    assert "pledge" in errors


def test_an_end_before_the_start_is_refused_with_a_message_in_chinese(staff):
    errors = errors_of(
        lambda: factories.programme(
            by=staff.hank, start_date=date(2026, 5, 1), end_date=date(2026, 4, 30)
        )
    )
    assert errors["end_date"] == ["結束日期須在開始日期當日或之後。"]


def test_a_budget_outside_the_programme_years_or_given_twice_is_refused(staff):
    budget = [
        BudgetLine(year=2027, source="city", amount=100),
        BudgetLine(year=2026, source="city", amount=100),
        BudgetLine(year=2026, source="city", amount=200),
    ]
    errors = errors_of(lambda: factories.programme(by=staff.hank, budget=budget))
    assert len(errors["budget"]) == 2


@pytest.mark.parametrize(
    "values, expected",
    [
        ([5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99], "100"),
        ([5, 10, 20, 15, 40, 50, 60, 70, 80, 90, 95, 100], "累計"),
        ([5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 101], "0 至 100"),
    ],
)
def test_the_planned_curve_rises_to_100_and_never_falls(staff, values, expected):
    errors = errors_of(
        lambda: factories.programme(by=staff.hank, curve=factories.curve_2026(values))
    )
    assert expected in errors["curve"][0]


def test_the_planned_curve_needs_every_month(staff):
    curve = factories.curve_2026()[:-2] + factories.curve_2026()[-1:]
    errors = errors_of(lambda: factories.programme(by=staff.hank, curve=curve))
    assert "115 年 11 月" in errors["curve"][0]


def test_every_problem_is_named_and_nothing_is_saved(staff):
    counters = list(Sequence.objects.values_list("key", "value"))
    bad_milestone = factories.plan("竣工", date(2027, 3, 1))
    errors = errors_of(
        lambda: factories.programme(
            by=staff.hank,
            title="  ",
            budget=[BudgetLine(year=2026, source="city", amount=0)],
            milestones=[bad_milestone],
        )
    )
    assert set(errors) == {"title", "budget", "milestones"}
    assert not Programme.objects.exists()
    assert not TrackedItem.objects.filter(kind="milestone").exists()
    assert list(Sequence.objects.values_list("key", "value")) == counters


def test_a_milestone_beyond_the_office_calendar_is_refused_before_anything_is_saved(staff):
    # Beyond the office calendar (2027 is the last year shipped): refused whole.
    errors = errors_of(
        lambda: factories.programme(
            by=staff.hank,
            end_date=date(2028, 12, 31),
            curve=[],
            milestones=[
                factories.plan("第一階段", date(2026, 6, 30)),
                factories.plan("竣工", date(2028, 6, 30)),
            ],
        )
    )
    assert "辦公日曆" in errors["milestones"][0]
    assert not Programme.objects.exists()
    assert not Milestone.objects.exists()


def test_milestones_registered_with_the_programme_are_tracked_items_of_its_agency(staff):
    found = factories.programme(
        by=staff.hank,
        milestones=[
            factories.plan("完成設計", date(2026, 3, 31)),
            factories.plan("完工", date(2026, 12, 31)),
        ],
    )
    numbers = list(found.milestones.order_by("sequence").values_list("item__number", flat=True))
    assert numbers == [f"{found.number}-01", f"{found.number}-02"]
    assert set(found.milestones.values_list("item__owner_agency__key", flat=True)) == {
        "public-works"
    }


def test_a_year_budget_cannot_fall_below_what_its_reports_executed(staff):
    found = factories.programme(by=staff.hank)
    factories.report(found, by=staff.hank, month=date(2026, 1, 1), actual=5, executed=900_000)
    errors = errors_of(
        lambda: programme_budget_set(
            programme=found, by=staff.hank, budget=[BudgetLine(2026, "city", 950_000)]
        )
    )
    assert "budget" in errors
    assert ProgrammeBudget.objects.get(programme=found).amount == factories.YEAR_BUDGET


def test_the_curve_can_be_replaced_and_reports_keep_the_plan_they_were_made_against(staff):
    found = factories.programme(by=staff.hank)
    made = factories.report(found, by=staff.hank, month=date(2026, 1, 1), actual=5)
    with clock.frozen(taipei(2026, 2, 3)):
        programme_curve_set(
            programme=found,
            by=staff.hank,
            curve=factories.curve_2026([8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 90, 100]),
        )
    made.refresh_from_db()
    assert made.planned_percent == Decimal("5.00")
    assert found.planned_points.get(month=date(2026, 1, 1)).percent == Decimal("8.00")


def test_an_inactive_agency_cannot_be_given_a_programme(staff):
    owner = agency("public-works")
    owner.is_active = False
    owner.save()
    errors = errors_of(lambda: factories.programme(by=staff.hank))
    assert "owner_agency" in errors


def test_curve_points_outside_the_programme_are_refused(staff):
    curve = [*factories.curve_2026(), CurvePoint(month=date(2027, 1, 1), percent=Decimal(100))]
    errors = errors_of(lambda: factories.programme(by=staff.hank, curve=curve))
    assert "116 年 1 月" in errors["curve"][0]
