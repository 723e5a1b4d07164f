"""Programmes, milestones and reports for the control tests, made through the
real services at fixed moments on the office calendar."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tests.factories import agency, taipei
from yankao.accounts.models import User
from yankao.control.models import Milestone, Programme, ProgressReport
from yankao.control.months import months_between
from yankao.control.services import (
    BudgetLine,
    CurvePoint,
    MilestonePlan,
    ProgressFigures,
    milestone_add,
    programme_create,
    progress_submit,
)
from yankao.core import clock

REGISTERED = taipei(2025, 12, 15)
# By month of 2026: the cumulative progress planned by its end.
PLAN_2026 = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100]
YEAR_BUDGET = 12_000_000


def curve_2026(values: list[int] | None = None) -> list[CurvePoint]:
    months = months_between(date(2026, 1, 1), date(2026, 12, 31))
    return [
        CurvePoint(month=m, percent=Decimal(v))
        for m, v in zip(months, values or PLAN_2026, strict=True)
    ]


def programme(
    *,
    by: User | None = None,
    owner: str = "public-works",
    kind: str = "policy_plan",
    at: datetime = REGISTERED,
    **fields: Any,
) -> Programme:
    """A 2026 programme of Public Works with its budget and planned curve."""
    values: dict[str, Any] = {
        "title": "市區人行道改善計畫",
        "control_level": "self",
        "start_date": date(2026, 1, 5),
        "end_date": date(2026, 12, 31),
        "budget": [BudgetLine(year=2026, source="city", amount=YEAR_BUDGET)],
        "curve": curve_2026(),
    }
    values.update(fields)
    with clock.frozen(at):
        return programme_create(by=by, kind=kind, owner_agency=agency(owner), **values)


def milestone(
    found: Programme,
    *,
    by: User,
    planned: date,
    at: datetime = REGISTERED,
    title: str = "完成細部設計",
) -> Milestone:
    with clock.frozen(at):
        return milestone_add(
            programme=found,
            by=by,
            title=title,
            planned_date=planned,
            criteria="細部設計報告書經機關審定",
        )


def figures(actual: Any, *, allocated: int = 1_000_000, executed: int = 950_000, **more: Any):
    return ProgressFigures(
        actual_percent=Decimal(str(actual)),
        budget_allocated=allocated,
        budget_executed=executed,
        work_done=more.pop("work_done", "完成路段測量及設計審查。"),
        **more,
    )


def report(
    found: Programme,
    *,
    by: User,
    month: date,
    actual: Any,
    at: datetime | None = None,
    **more: Any,
) -> ProgressReport:
    with clock.frozen(at or taipei(2026, 11, 20)):
        return progress_submit(programme=found, by=by, month=month, figures=figures(actual, **more))


def plan(title: str, planned: date, **more: Any) -> MilestonePlan:
    return MilestonePlan(title=title, planned_date=planned, criteria="查驗紀錄", **more)
