"""The traffic light of a programme (燈號): the one place of its rule and thresholds.

Three signals are judged, each against two thresholds (settings, documented in
docs/configuration.md; percentages in whole points):

- progress gap: the planned cumulative physical progress minus the actual, in
  percentage points, of the latest month reported;
- budget execution: the budget executed this year to date over the budget
  allocated this year to date, in percent (not judged while nothing is allocated);
- milestones: a milestone past its deadline and not completed, and how many
  working days (on the office calendar) it is late: the working days after its
  deadline's day up to today's, both counted whole.

Red when any signal reaches its red threshold: a gap of GAP_RED points or more,
execution below EXECUTION_RED %, a milestone MILESTONE_RED_DAYS working days late
or more. Yellow when any reaches its yellow one: a gap of GAP_YELLOW points or more,
execution below EXECUTION_YELLOW %, any milestone past its deadline. Green when a
month has been reported and none does. "Not yet reported" when nothing has been
reported and no milestone is late.

A month's report is "behind" exactly when its own light is not green; then it
must give the reason for the lag and the remedy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from yankao.calendar.services import working_days_in
from yankao.control.models import Light


class Reason:
    """Why a light is not green (stored with the light, shown in words on pages)."""

    GAP = "gap"
    EXECUTION = "execution"
    MILESTONE = "milestone"


@dataclass(frozen=True)
class Thresholds:
    gap_yellow: Decimal
    gap_red: Decimal
    execution_yellow: Decimal
    execution_red: Decimal
    milestone_red_days: int


def thresholds() -> Thresholds:
    """The thresholds in force (settings.YANKAO_PROGRAMME_*)."""
    return Thresholds(
        gap_yellow=Decimal(settings.YANKAO_PROGRAMME_GAP_YELLOW),
        gap_red=Decimal(settings.YANKAO_PROGRAMME_GAP_RED),
        execution_yellow=Decimal(settings.YANKAO_PROGRAMME_EXECUTION_YELLOW),
        execution_red=Decimal(settings.YANKAO_PROGRAMME_EXECUTION_RED),
        milestone_red_days=int(settings.YANKAO_PROGRAMME_MILESTONE_RED_DAYS),
    )


@dataclass(frozen=True)
class Signals:
    """What the light is judged on. None: not known (no report; nothing allocated;
    no milestone late)."""

    gap: Decimal | None = None
    execution: Decimal | None = None
    milestone_days_late: int | None = None


@dataclass(frozen=True)
class Verdict:
    light: str
    reasons: list[str] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return self.light in (Light.YELLOW, Light.RED)


def judge(signals: Signals, limits: Thresholds | None = None) -> Verdict:
    t = limits or thresholds()
    red, yellow = [], []
    if signals.gap is not None:
        if signals.gap >= t.gap_red:
            red.append(Reason.GAP)
        elif signals.gap >= t.gap_yellow:
            yellow.append(Reason.GAP)
    if signals.execution is not None:
        if signals.execution < t.execution_red:
            red.append(Reason.EXECUTION)
        elif signals.execution < t.execution_yellow:
            yellow.append(Reason.EXECUTION)
    if signals.milestone_days_late is not None:
        if signals.milestone_days_late >= t.milestone_red_days:
            red.append(Reason.MILESTONE)
        else:
            yellow.append(Reason.MILESTONE)
    if red:
        return Verdict(Light.RED, red + yellow)
    if yellow:
        return Verdict(Light.YELLOW, yellow)
    return Verdict(Light.GREEN if signals.gap is not None else Light.NONE)


def execution_rate(executed: int, allocated: int) -> Decimal | None:
    """Executed over allocated, in percent to one decimal; None when nothing is allocated."""
    if allocated <= 0:
        return None
    rate = Decimal(executed) * 100 / Decimal(allocated)
    return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def working_days_late(due_day: date, on_day: date) -> int:
    """Working days after a deadline's day, up to and including `on_day`, on the
    office calendar (0 when `on_day` is not after it)."""
    if on_day <= due_day:
        return 0
    return working_days_in(date.fromordinal(due_day.toordinal() + 1), on_day)
