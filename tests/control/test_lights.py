"""The traffic light (lights.py) against a light this test works out on its own
from the documented rule and the settings' thresholds, over a grid of values
around every threshold; and the light a programme shows after its reports."""

from datetime import date
from decimal import Decimal
from itertools import product

import pytest

from tests.control import factories
from yankao.control.lights import Signals, execution_rate, judge, thresholds
from yankao.control.models import Programme, ProgrammeAction, ProgrammeEvent


def expected_light(settings, gap, execution, days_late) -> str:
    """The rule as docs/configuration.md states it, computed here independently."""
    if (
        (gap is not None and gap >= settings.YANKAO_PROGRAMME_GAP_RED)
        or (execution is not None and execution < settings.YANKAO_PROGRAMME_EXECUTION_RED)
        or (days_late is not None and days_late >= settings.YANKAO_PROGRAMME_MILESTONE_RED_DAYS)
    ):
        return "red"
    if (
        (gap is not None and gap >= settings.YANKAO_PROGRAMME_GAP_YELLOW)
        or (execution is not None and execution < settings.YANKAO_PROGRAMME_EXECUTION_YELLOW)
        or days_late is not None
    ):
        return "yellow"
    return "green" if gap is not None else "none"


GAPS = [
    None,
    Decimal("-3"),
    Decimal("0"),
    Decimal("4.99"),
    Decimal("5"),
    Decimal("9.99"),
    Decimal("10"),
    Decimal("40"),
]
RATES = [
    None,
    Decimal("100"),
    Decimal("80"),
    Decimal("79.9"),
    Decimal("60"),
    Decimal("59.9"),
    Decimal("0"),
]
LATE = [None, 0, 1, 19, 20, 45]


@pytest.mark.parametrize("gap, rate, late", list(product(GAPS, RATES, LATE)))
def test_the_light_follows_the_documented_rule_with_the_default_thresholds(
    settings, gap, rate, late
):
    assert judge(Signals(gap, rate, late)).light == expected_light(settings, gap, rate, late)


def test_the_thresholds_come_from_the_settings(settings):
    settings.YANKAO_PROGRAMME_GAP_YELLOW = 2
    settings.YANKAO_PROGRAMME_GAP_RED = 3
    settings.YANKAO_PROGRAMME_EXECUTION_YELLOW = 95
    settings.YANKAO_PROGRAMME_EXECUTION_RED = 90
    settings.YANKAO_PROGRAMME_MILESTONE_RED_DAYS = 2
    assert thresholds().gap_red == 3
    for gap, rate, late in product(GAPS, RATES, LATE):
        assert judge(Signals(gap, rate, late)).light == expected_light(settings, gap, rate, late)


def test_the_reasons_name_every_signal_past_a_threshold():
    verdict = judge(Signals(Decimal(12), Decimal(70), 3))
    assert verdict.light == "red"
    assert verdict.reasons == ["gap", "execution", "milestone"]


@pytest.mark.parametrize(
    "executed, allocated, rate",
    [(800, 1000, Decimal("80.0")), (1, 3, Decimal("33.3")), (2, 3, Decimal("66.7")), (5, 0, None)],
)
def test_execution_is_executed_over_allocated_to_one_decimal(executed, allocated, rate):
    assert execution_rate(executed, allocated) == rate


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actual, executed, reasons",
    [
        ("30", 900_000, ("green", None)),  # plan 30 %, 90 % executed
        ("24", 900_000, ("yellow", "gap")),  # 6 points behind
        ("19.5", 900_000, ("red", "gap")),  # 10.5 points behind
        ("30", 790_000, ("yellow", "execution")),  # 79 % executed
        ("30", 500_000, ("red", "execution")),  # 50 % executed
    ],
)
def test_a_programme_takes_the_light_of_its_latest_report(
    staff, settings, actual, executed, reasons
):
    found = factories.programme(by=staff.hank)
    extra = {"lag_reason": "用地協調", "remedy": "加派人力"} if reasons[0] != "green" else {}
    made = factories.report(
        found, by=staff.hank, month=date(2026, 4, 1), actual=actual, executed=executed, **extra
    )
    # Worked out here: plan for April 30 %, 1,000,000 allocated.
    gap = Decimal(30) - Decimal(actual)
    expected = expected_light(settings, gap, Decimal(executed) / 10_000, None)
    found.refresh_from_db()
    assert made.light == found.light == expected == reasons[0]
    assert found.light_reasons == ([reasons[1]] if reasons[1] else [])
    assert found.latest_actual == Decimal(actual)
    changed = ProgrammeEvent.objects.filter(programme=found, action=ProgrammeAction.LIGHT)
    assert changed.get().data["to"] == expected


@pytest.mark.django_db
def test_the_dashboard_lights_filter_in_sql(staff):
    green = factories.programme(by=staff.hank)
    red = factories.programme(by=staff.hank, title="落後計畫")
    factories.report(green, by=staff.hank, month=date(2026, 3, 1), actual=20)
    factories.report(
        red, by=staff.hank, month=date(2026, 3, 1), actual=5, lag_reason="a", remedy="b"
    )
    assert list(Programme.objects.filter(light="red")) == [red]
    assert list(Programme.objects.filter(light="green")) == [green]
