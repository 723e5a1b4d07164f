"""Every write to the control business goes through one of these functions: the
mayor's directives, and the tracked programmes (計畫列管) with their budgets,
planned curves, milestones, monthly progress reports and the commission's month
locks.

Permission checks belong to the caller (policy.py). These functions check the
input against the programme's rules and collect every problem before writing
anything (ControlError names each field), then write the change, its history
entry and its messages in one transaction: all of it, or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, Q, Sum
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.calendar.roc import format_roc_month, format_roc_short
from yankao.calendar.services import (
    CalendarRangeError,
    add_working_days_to_date,
    calendar_range,
    effective_receipt_day,
    working_days_in,
)
from yankao.control import lights, notifications
from yankao.control.kinds import MILESTONE, MILESTONE_KIND
from yankao.control.models import (
    ControlLevel,
    Directive,
    FundingSource,
    Milestone,
    MonthLock,
    Pillar,
    PlannedPoint,
    Pledge,
    Programme,
    ProgrammeAction,
    ProgrammeBudget,
    ProgrammeEvent,
    ProgrammeKind,
    ProgressReport,
)
from yankao.control.months import (
    add_months,
    current_month,
    month_end,
    months_between,
    report_due_at,
)
from yankao.core import clock
from yankao.core.numbering import DIRECTIVE_NUMBERS, PROGRAMME_NUMBERS
from yankao.core.taipei import TAIPEI, end_of_day, to_taipei
from yankao.organisation.models import Agency
from yankao.tracking.models import Action, ItemEvent, Outcome, Status, TrackedItem
from yankao.tracking.services import item_close, item_create

# The largest amount of money a field takes (NT$ 1 trillion, far above any city's
# whole budget): a typing slip, not a programme.
MAX_AMOUNT = 10**12
PERCENT_STEP = Decimal("0.01")
# A programme's day starts at 09:00 for its milestones' clocks (as a plain date
# given as a moment does in the API).
START_OF_WORK = time(9, 0)

DATES_OUT_OF_ORDER = _("The end date must be on or after the start date.")


class ControlError(Exception):
    """Input or a move the control services refuse. `errors` maps the field at
    fault ("" for the whole request) to messages fit to show."""

    def __init__(self, errors: dict[str, list[str]] | Any, field: str = "") -> None:
        if not isinstance(errors, dict):
            errors = {field: [str(errors)]}
        self.errors: dict[str, list[str]] = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


class ControlConflict(ControlError):
    """The request is sound but the state refuses it now: a month already reported
    or locked, a report revised by someone else a moment ago, a milestone no
    longer open."""


class _Problems:
    """Every problem of one request, so a person fixes them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: Any) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_any(self) -> None:
        if self.errors:
            raise ControlError(self.errors)


# --- the mayor's directives ------------------------------------------------------------


@transaction.atomic
def directive_create(
    *,
    by: User | None,
    owner_agency: Agency,
    title: str,
    instruction: str,
    source: str,
    time_limit: int | None = None,
    received_at: datetime | None = None,
) -> Directive:
    """Register a directive of the mayor and put the responsible agency on the clock.
    Numbers read 指115-000001: the ROC year and a sequence within it."""
    received = received_at or clock.now()
    item = item_create(
        kind="directive",
        number=DIRECTIVE_NUMBERS.next(received),
        title=title,
        owner_agency=owner_agency,
        by=by,
        received_at=received,
        time_limit=time_limit,
        reason=source,
    )
    return Directive.objects.create(item=item, source=source, instruction=instruction)


# --- what a programme is registered with ---------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    """The budget of one year (Gregorian) from one source, in whole NT dollars."""

    year: int
    source: str
    amount: int


@dataclass(frozen=True)
class CurvePoint:
    """The cumulative physical progress planned by the end of a month (its first day)."""

    month: date
    percent: Decimal


@dataclass(frozen=True)
class MilestonePlan:
    title: str
    planned_date: date
    criteria: str
    # A milestone already met when its programme is registered (a running programme
    # taken into the registry): the day it was met and the evidence.
    completed_on: date | None = None
    evidence: str = ""


@dataclass(frozen=True)
class ProgressFigures:
    """What an agency reports on a month: cumulative physical progress, and the
    budget allocated and executed in the month's year up to its end."""

    actual_percent: Decimal
    budget_allocated: int
    budget_executed: int
    work_done: str
    problems: str = ""
    lag_reason: str = ""
    remedy: str = ""
    decrease_reason: str = ""


# --- checks ----------------------------------------------------------------------------------


def _percent(value: Any) -> Decimal | None:
    """A percentage of at most two decimals from 0 to 100, or None."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or not 0 <= number <= 100:
        return None
    if number != number.quantize(PERCENT_STEP):
        return None
    return number.quantize(PERCENT_STEP)


def _pillar_of(problems: _Problems, pillar: Pillar | None, pledge: Pledge | None) -> Pillar | None:
    if pledge is None:
        return pillar
    if pillar is not None and pledge.pillar_id != pillar.pk:
        problems.add(
            "pledge",
            _("The pledge “%(pledge)s” belongs to another pillar than “%(pillar)s”.")
            % {"pledge": pledge.name, "pillar": pillar.name},
        )
        return pillar
    return pledge.pillar


def _check_budget(problems: _Problems, lines: Sequence[BudgetLine], start: date, end: date) -> None:
    seen: set[tuple[int, str]] = set()
    for line in lines:
        if not start.year <= line.year <= end.year:
            problems.add(
                "budget",
                _("The budget of %(year)s lies outside the programme's years (%(first)s–%(last)s).")
                % {"year": line.year, "first": start.year, "last": end.year},
            )
        if line.source not in FundingSource.values:
            problems.add(
                "budget", _("Unknown source of funds: %(source)s.") % {"source": line.source}
            )
        if not 0 < line.amount < MAX_AMOUNT:
            problems.add(
                "budget",
                _(
                    "A budget amount must be a whole number of NT dollars above 0 and below 1 "
                    "trillion."
                ),
            )
        if (line.year, line.source) in seen:
            problems.add(
                "budget",
                _("The budget of %(year)s from one source is given twice.") % {"year": line.year},
            )
        seen.add((line.year, line.source))


def _check_curve(problems: _Problems, points: Sequence[CurvePoint], start: date, end: date) -> None:
    """The planned S-curve: one value for every month of the programme, none
    outside it, each from 0 to 100 % and never below the month before, reaching
    100 % in the last month."""
    if not points:
        return
    wanted = months_between(start, end)
    given: dict[date, Decimal] = {}
    for point in points:
        percent = _percent(point.percent)
        if point.month.day != 1 or point.month not in wanted:
            problems.add(
                "curve",
                _("%(month)s is not a month of the programme.")
                % {"month": format_roc_month(point.month)},
            )
        elif point.month in given:
            problems.add(
                "curve",
                _("%(month)s is given twice.") % {"month": format_roc_month(point.month)},
            )
        elif percent is None:
            problems.add(
                "curve",
                _(
                    "The planned progress of %(month)s must be a percentage from 0 to 100, with "
                    "at most two decimals."
                )
                % {"month": format_roc_month(point.month)},
            )
        else:
            given[point.month] = percent
    if problems:
        return
    missing = [month for month in wanted if month not in given]
    if missing:
        problems.add(
            "curve",
            _(
                "The planned curve needs a value for every month of the programme; %(month)s has "
                "none."
            )
            % {"month": format_roc_month(missing[0])},
        )
        return
    for before, month in pairwise(wanted):
        if given[month] < given[before]:
            problems.add(
                "curve",
                _(
                    "The planned progress of %(month)s (%(now)s %%) is below that of the month "
                    "before (%(before)s %%): the curve is cumulative."
                )
                % {"month": format_roc_month(month), "now": given[month], "before": given[before]},
            )
            return
    if given[wanted[-1]] != 100:
        problems.add(
            "curve", _("The planned curve must reach 100 % in the programme's last month.")
        )


def _check_plan(
    problems: _Problems, plan: MilestonePlan, start: date, end: date, *, one: bool = False
) -> None:
    """A milestone's plan. Its problems go to its own fields when it is added alone
    (`one`), to "milestones" when it comes with its programme."""

    def at(name: str) -> str:
        return name if one else "milestones"

    if not plan.title.strip():
        problems.add(at("title"), _("Give each milestone a title."))
    if not plan.criteria.strip():
        problems.add(
            at("criteria"),
            _("Say how milestone “%(title)s” will be verified.") % {"title": plan.title},
        )
    if not start < plan.planned_date <= end:
        problems.add(
            at("planned_date"),
            _(
                "Milestone “%(title)s” must fall after the programme's start and no later than "
                "its end."
            )
            % {"title": plan.title},
        )
    else:
        try:
            _milestone_clock(start, plan.planned_date, clock.now())
        except ControlError as error:
            for text in error.errors.get("planned_date", []):
                problems.add(at("planned_date"), text)
    if plan.completed_on is not None or plan.evidence.strip():
        _check_completion(problems, plan.completed_on, plan.evidence, start, at("evidence"))


def _check_completion(
    problems: _Problems, completed_on: date | None, evidence: str, start: date, field: str
) -> None:
    today = to_taipei(clock.now()).date()
    if completed_on is None:
        problems.add(field, _("Give the day the milestone was met."))
    elif not start <= completed_on <= today:
        problems.add(
            field, _("The day a milestone was met lies between the programme's start and today.")
        )
    if not evidence.strip():
        problems.add(field, _("Give the evidence that the verification criteria are met."))


# --- registering a programme -------------------------------------------------------------------


def _record(
    programme: Programme,
    action: str,
    *,
    by: User | None,
    at: datetime | None = None,
    month: date | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ProgrammeEvent:
    return ProgrammeEvent.objects.create(
        programme=programme,
        at=at or clock.now(),
        actor=by,
        action=action,
        month=month,
        note=note,
        data=data or {},
    )


def _budget_data(lines: Iterable[BudgetLine]) -> list[dict[str, Any]]:
    return [{"year": line.year, "source": line.source, "amount": line.amount} for line in lines]


@transaction.atomic
def programme_create(
    *,
    by: User | None,
    title: str,
    kind: str,
    control_level: str,
    owner_agency: Agency,
    start_date: date,
    end_date: date,
    pillar: Pillar | None = None,
    pledge: Pledge | None = None,
    summary: str = "",
    external_code: str = "",
    budget: Sequence[BudgetLine] = (),
    curve: Sequence[CurvePoint] = (),
    milestones: Sequence[MilestonePlan] = (),
) -> Programme:
    """Register a programme in the registry with its budget, planned curve and
    milestones (each optional here and settable later). Numbers read 計115-000001."""
    problems = _Problems()
    title = title.strip()
    if not title:
        problems.add("title", _("Give the programme's title."))
    if kind not in ProgrammeKind.values:
        problems.add("kind", _("Choose one of the kinds of programme."))
    if control_level not in ControlLevel.values:
        problems.add("control_level", _("Choose one of the control levels."))
    if not owner_agency.is_active:
        problems.add("owner_agency", _("The responsible agency is no longer active."))
    if pledge is not None and not pledge.is_active:
        problems.add("pledge", _("That pledge is no longer in use."))
    pillar = _pillar_of(problems, pillar, pledge)
    if end_date < start_date:
        problems.add("end_date", DATES_OUT_OF_ORDER)
    else:
        _check_budget(problems, budget, start_date, end_date)
        _check_curve(problems, curve, start_date, end_date)
        for plan in milestones:
            _check_plan(problems, plan, start_date, end_date)
    problems.raise_any()
    now = clock.now()
    programme = Programme.objects.create(
        number=PROGRAMME_NUMBERS.next(now),
        title=title[:200],
        kind=kind,
        control_level=control_level,
        owner_agency=owner_agency,
        pillar=pillar,
        pledge=pledge,
        summary=summary.strip(),
        external_code=external_code.strip()[:40],
        start_date=start_date,
        end_date=end_date,
        created_at=now,
        created_by=by,
    )
    _write_budget(programme, budget)
    _write_curve(programme, curve)
    _record(
        programme,
        ProgrammeAction.CREATE,
        by=by,
        at=now,
        data={"budget": _budget_data(budget), "curve_months": len(curve)},
    )
    for plan in milestones:
        milestone = _milestone_create(programme, by=by, plan=plan, now=now)
        if plan.completed_on is not None:
            _milestone_close(
                milestone, by=by, completed_on=plan.completed_on, evidence=plan.evidence
            )
    programme_light_refresh(programme=programme, now=now)
    return programme


def _write_budget(programme: Programme, lines: Sequence[BudgetLine]) -> None:
    ProgrammeBudget.objects.filter(programme=programme).delete()
    ProgrammeBudget.objects.bulk_create(
        ProgrammeBudget(programme=programme, year=line.year, source=line.source, amount=line.amount)
        for line in lines
    )


def _write_curve(programme: Programme, points: Sequence[CurvePoint]) -> None:
    PlannedPoint.objects.filter(programme=programme).delete()
    PlannedPoint.objects.bulk_create(
        PlannedPoint(programme=programme, month=point.month, percent=Decimal(point.percent))
        for point in points
    )


def _locked(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().select_related("owner_agency").get(pk=programme.pk)


@transaction.atomic
def programme_budget_set(
    *, programme: Programme, by: User, budget: Sequence[BudgetLine]
) -> Programme:
    """Replace the programme's budget lines. A year's budget may not fall below what
    its reports already say was allocated or executed in that year."""
    programme = _locked(programme)
    problems = _Problems()
    _check_budget(problems, budget, programme.start_date, programme.end_date)
    totals: dict[int, int] = {}
    for line in budget:
        totals[line.year] = totals.get(line.year, 0) + line.amount
    reported = (
        ProgressReport.objects.filter(programme=programme)
        .values("month__year")
        .annotate(most=Max("budget_executed"), allocated=Max("budget_allocated"))
    )
    for row in reported:
        year, most = row["month__year"], max(row["most"], row["allocated"])
        if most > totals.get(year, 0):
            problems.add(
                "budget",
                _(
                    "The reports of %(year)s already record NT$%(amount)s allocated or executed; "
                    "that year's budget cannot be less."
                )
                % {"year": year, "amount": f"{most:,}"},
            )
    problems.raise_any()
    _write_budget(programme, budget)
    _record(programme, ProgrammeAction.BUDGET, by=by, data={"budget": _budget_data(budget)})
    return programme


@transaction.atomic
def programme_curve_set(
    *, programme: Programme, by: User, curve: Sequence[CurvePoint]
) -> Programme:
    """Replace the planned S-curve. Reports keep the planned value they were made
    against; the curve applies to the months reported from now on."""
    programme = _locked(programme)
    problems = _Problems()
    if not curve:
        problems.add("curve", _("Give the planned progress of every month."))
    _check_curve(problems, curve, programme.start_date, programme.end_date)
    problems.raise_any()
    _write_curve(programme, curve)
    _record(
        programme,
        ProgrammeAction.CURVE,
        by=by,
        data={"curve": {f"{p.month:%Y-%m}": str(_percent(p.percent)) for p in curve}},
    )
    return programme


# --- milestones ----------------------------------------------------------------------------------


def latest_milestone_day() -> date | None:
    """The last day a milestone may be planned on: the engine must be able to count
    the commission's escalation days after its deadline on the office calendar."""
    covered = calendar_range()
    if covered is None:
        return None
    try:
        return add_working_days_to_date(covered[1], -MILESTONE.commission_escalation_after)
    except CalendarRangeError:
        return None


def _milestone_clock(start: date, planned: date, now: datetime) -> tuple[datetime, int]:
    """When the milestone's clock starts and its time limit in working days, so the
    engine's deadline is the end of the planned day (or of the next working day
    when it is a day off). The clock starts with the programme (or now, for a
    programme that has not started yet): the agency had from then to meet it."""
    received = min(now, datetime.combine(start, START_OF_WORK, tzinfo=TAIPEI))
    latest = latest_milestone_day()
    if latest is None or planned > latest:
        raise ControlError(
            _(
                "The office calendar does not yet reach %(date)s: milestones can be "
                "planned up to %(last)s."
            )
            % {
                "date": format_roc_short(planned),
                "last": format_roc_short(latest) if latest else "—",
            },
            field="planned_date",
        )
    due_day = add_working_days_to_date(planned, 0)
    first = effective_receipt_day(received)
    limit = working_days_in(date.fromordinal(first.toordinal() + 1), due_day)
    if limit < 1:
        raise ControlError(
            _("A milestone must fall at least one working day after the programme starts."),
            field="planned_date",
        )
    return received, limit


def _milestone_create(
    programme: Programme, *, by: User | None, plan: MilestonePlan, now: datetime
) -> Milestone:
    sequence = (programme.milestones.aggregate(last=Max("sequence"))["last"] or 0) + 1
    received, limit = _milestone_clock(programme.start_date, plan.planned_date, now)
    item = item_create(
        kind=MILESTONE_KIND,
        number=f"{programme.number}-{sequence:02d}",
        title=plan.title.strip()[:300],
        owner_agency=programme.owner_agency,
        by=by,
        received_at=received,
        time_limit=limit,
        reason=plan.criteria.strip(),
    )
    milestone = Milestone.objects.create(
        item=item,
        programme=programme,
        sequence=sequence,
        planned_date=plan.planned_date,
        criteria=plan.criteria.strip(),
    )
    _record(
        programme,
        ProgrammeAction.MILESTONE_ADD,
        by=by,
        at=now,
        note=item.title,
        data={"milestone": item.number, "planned_date": plan.planned_date.isoformat()},
    )
    return milestone


@transaction.atomic
def milestone_add(
    *,
    programme: Programme,
    by: User,
    title: str,
    planned_date: date,
    criteria: str,
) -> Milestone:
    """Add a milestone to a programme: a tracked item of the responsible agency,
    due at the end of its planned day."""
    programme = _locked(programme)
    problems = _Problems()
    plan = MilestonePlan(title=title, planned_date=planned_date, criteria=criteria)
    _check_plan(problems, plan, programme.start_date, programme.end_date, one=True)
    problems.raise_any()
    now = clock.now()
    milestone = _milestone_create(programme, by=by, plan=plan, now=now)
    programme_light_refresh(programme=programme, now=now)
    return milestone


def _completion_moment(milestone: Milestone, completed_on: date) -> datetime:
    now = clock.now()
    if completed_on >= to_taipei(now).date():
        return now
    return max(end_of_day(completed_on), milestone.item.received_at)


def _milestone_close(
    milestone: Milestone, *, by: User | None, completed_on: date, evidence: str
) -> Milestone:
    item = milestone.item
    at = _completion_moment(milestone, completed_on)
    due_day = to_taipei(item.due_at).date()
    _record(
        milestone.programme,
        ProgrammeAction.MILESTONE_COMPLETE,
        by=by,
        note=evidence.strip(),
        data={
            "milestone": item.number,
            "completed_on": completed_on.isoformat(),
            "outcome": Outcome.ON_TIME if at <= item.due_at else Outcome.LATE,
            "working_days_late": lights.working_days_late(due_day, completed_on),
        },
    )
    milestone.completed_on, milestone.evidence = completed_on, evidence.strip()
    milestone.save(update_fields=["completed_on", "evidence"])
    # The engine gives the verdict (on time or late) and calls milestone_follow_event,
    # which refreshes the programme's light.
    milestone.item = item_close(item=item, by=by, reason=evidence.strip(), at=at)
    return milestone


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, by: User, completed_on: date, evidence: str
) -> Milestone:
    """The responsible agency says the milestone was met on `completed_on`, with the
    evidence that its verification criteria are met. The engine judges it on time
    when that day is not after its deadline's."""
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("item", "programme")
        .get(pk=milestone.pk)
    )
    if milestone.item.status not in (Status.ASSIGNED, Status.IN_PROGRESS):
        raise ControlConflict(_("This milestone is no longer open."))
    problems = _Problems()
    _check_completion(problems, completed_on, evidence, milestone.programme.start_date, "")
    problems.raise_any()
    return _milestone_close(milestone, by=by, completed_on=completed_on, evidence=evidence)


def milestone_follow_event(*, item: TrackedItem, event: ItemEvent) -> None:
    """Keep a milestone and its programme's light in step with the engine's moves,
    whichever page or API made them (called inside the engine's transaction)."""
    if event.action == Action.REOPEN:
        Milestone.objects.filter(pk=item.pk).update(completed_on=None, evidence="")
    if event.action in (
        Action.CLOSE,
        Action.REOPEN,
        Action.WITHDRAW,
        Action.EXTENSION_APPROVE,
        Action.DEADLINE_RECALCULATE,
    ):
        programme = Programme.objects.filter(milestones__item=item).first()
        if programme is not None:
            programme_light_refresh(programme=programme)


# --- lights -----------------------------------------------------------------------------------


def _open_past_due(now: datetime) -> Q:
    """Milestones still open (not met, not withdrawn) and past their deadline at `now`."""
    return Q(item__closed_at__isnull=True, item__due_at__lt=now)


def _overdue_days_now(programme: Programme, now: datetime) -> int | None:
    """Working days the most overdue open milestone is late today, or None."""
    oldest = Milestone.objects.filter(_open_past_due(now), programme=programme).aggregate(
        due=Min("item__due_at")
    )["due"]
    if oldest is None:
        return None
    return lights.working_days_late(to_taipei(oldest).date(), to_taipei(now).date())


def programme_light_refresh(
    *, programme: Programme, now: datetime | None = None, by: User | None = None
) -> str:
    """Judge the programme's light now (lights.judge) on its latest report and its
    open milestones, keep it with the latest report's figures, and record a change
    of light in the history."""
    now = now or clock.now()
    latest = ProgressReport.objects.filter(programme=programme).order_by("-month").first()
    verdict = lights.judge(
        lights.Signals(
            gap=latest.gap if latest else None,
            execution=latest.execution_rate if latest else None,
            milestone_days_late=_overdue_days_now(programme, now),
        )
    )
    before = Programme.objects.filter(pk=programme.pk).values_list("light", flat=True).first()
    Programme.objects.filter(pk=programme.pk).update(
        light=verdict.light,
        light_reasons=verdict.reasons,
        latest_month=latest.month if latest else None,
        latest_planned=latest.planned_percent if latest else None,
        latest_actual=latest.actual_percent if latest else None,
        latest_execution=latest.execution_rate if latest else None,
    )
    programme.light, programme.light_reasons = verdict.light, verdict.reasons
    if before is not None and before != verdict.light:
        _record(
            programme,
            ProgrammeAction.LIGHT,
            by=by,
            at=now,
            data={"from": before, "to": verdict.light, "reasons": verdict.reasons},
        )
    return verdict.light


def programme_lights_refresh(*, now: datetime | None = None, every: bool = False) -> int:
    """The sweep for what time alone changes: a milestone passing its deadline, or
    growing later. Programmes with an open milestone past its deadline (or, with
    `every`, all of them: after the thresholds changed) are judged again; returns
    how many lights changed."""
    now = now or clock.now()
    programmes = Programme.objects.all()
    if not every:
        late = Milestone.objects.filter(_open_past_due(now)).values("programme_id")
        programmes = programmes.filter(pk__in=late)
    changed = 0
    for programme in programmes.order_by("pk").iterator():
        before = programme.light
        with transaction.atomic():
            if programme_light_refresh(programme=programme, now=now) != before:
                changed += 1
    return changed


# --- monthly progress reports ---------------------------------------------------------------------


def month_locked(month: date) -> bool:
    return MonthLock.objects.filter(month=month, unlocked_at__isnull=True).exists()


def _year_budget(programme: Programme, year: int) -> int:
    total = ProgrammeBudget.objects.filter(programme=programme, year=year).aggregate(
        total=Sum("amount")
    )["total"]
    return int(total or 0)


def _late_milestone_days(programme: Programme, month: date) -> int | None:
    """Working days late, at the end of the month, of the latest milestone that was
    past its deadline and not yet met at some moment of the month (counted up to
    the day it was met, if that was within the month); None when there was none."""
    first = datetime.combine(month, time.min, tzinfo=TAIPEI)
    last_day = month_end(month)
    rows = (
        Milestone.objects.filter(programme=programme, item__due_at__lt=end_of_day(last_day))
        .exclude(item__status=Status.WITHDRAWN)
        .filter(
            Q(item__closed_at__isnull=True)
            | Q(item__closed_at__gt=F("item__due_at"), item__closed_at__gte=first)
        )
        .values_list("item__due_at", "item__closed_at")
    )
    days = [
        lights.working_days_late(
            to_taipei(due).date(),
            min(last_day, to_taipei(closed).date()) if closed else last_day,
        )
        for due, closed in rows
    ]
    return max(days) if days else None


REASON_WORDS = {
    lights.Reason.GAP: _("progress behind plan"),
    lights.Reason.EXECUTION: _("budget execution below the threshold"),
    lights.Reason.MILESTONE: _("a milestone past its deadline"),
}


def reasons_in_words(reasons: Iterable[str]) -> str:
    return "、".join(str(REASON_WORDS[reason]) for reason in reasons if reason in REASON_WORDS)


@dataclass(frozen=True)
class _Judged:
    planned: Decimal
    actual: Decimal
    rate: Decimal | None
    verdict: lights.Verdict


def _check_progress(
    problems: _Problems,
    programme: Programme,
    month: date,
    figures: ProgressFigures,
    *,
    now: datetime,
) -> _Judged | None:
    """Every rule a month's report must meet; the figures judged when they do."""
    if not programme.start_date.replace(day=1) <= month <= programme.end_date:
        problems.add("month", _("That month is not within the programme's dates."))
        return None
    if month >= current_month(now):
        problems.add("month", _("A month can be reported once it has ended."))
        return None
    if month_locked(month):
        raise ControlConflict(
            _("The commission has locked the reports of %(month)s; ask it to unlock the month.")
            % {"month": format_roc_month(month)},
            field="month",
        )
    planned = (
        PlannedPoint.objects.filter(programme=programme, month=month)
        .values_list("percent", flat=True)
        .first()
    )
    if planned is None:
        problems.add("month", _("Set the programme's planned curve before reporting progress."))
    actual = _percent(figures.actual_percent)
    if actual is None:
        problems.add(
            "actual_percent",
            _("Actual progress is a percentage from 0 to 100, with at most two decimals."),
        )
    year_total = _year_budget(programme, month.year)
    for name, amount in (
        ("budget_allocated", figures.budget_allocated),
        ("budget_executed", figures.budget_executed),
    ):
        if amount < 0:
            problems.add(name, _("An amount of money cannot be negative."))
        elif amount > year_total:
            problems.add(
                name,
                _("NT$%(amount)s is more than the programme's budget for %(year)s (NT$%(total)s).")
                % {"amount": f"{amount:,}", "year": month.year, "total": f"{year_total:,}"},
            )
    if not figures.work_done.strip():
        problems.add("work_done", _("Say what was done this month."))
    if actual is not None:
        _check_sequence(problems, programme, month, actual, figures)
    if planned is None or actual is None:
        return None
    # Judged even when something else is wrong, so the person hears of the reason
    # and remedy a lagging month needs in the same answer.
    rate = lights.execution_rate(max(figures.budget_executed, 0), figures.budget_allocated)
    verdict = lights.judge(
        lights.Signals(
            gap=planned - actual,
            execution=rate,
            milestone_days_late=_late_milestone_days(programme, month),
        )
    )
    if verdict.behind:
        words = reasons_in_words(verdict.reasons)
        if not figures.lag_reason.strip():
            problems.add(
                "lag_reason",
                _("This month lags (%(reasons)s): give the reason for the lag.")
                % {"reasons": words},
            )
        if not figures.remedy.strip():
            problems.add(
                "remedy",
                _("This month lags (%(reasons)s): say what will be done to catch up.")
                % {"reasons": words},
            )
    if problems:
        return None
    return _Judged(planned=planned, actual=actual, rate=rate, verdict=verdict)


def _check_sequence(
    problems: _Problems,
    programme: Programme,
    month: date,
    actual: Decimal,
    figures: ProgressFigures,
) -> None:
    """Cumulative progress does not go backwards without a reason: not from the
    month reported before this one, nor into the month reported after it."""
    reports = ProgressReport.objects.filter(programme=programme)
    before = reports.filter(month__lt=month).order_by("-month").first()
    after = reports.filter(month__gt=month).order_by("month").first()
    if (
        before is not None
        and actual < before.actual_percent
        and not figures.decrease_reason.strip()
    ):
        problems.add(
            "decrease_reason",
            _(
                "Progress is lower than the %(before)s %% reported for %(month)s: say why it went "
                "down."
            )
            % {"before": before.actual_percent, "month": format_roc_month(before.month)},
        )
    if after is not None and after.actual_percent < actual and not after.decrease_reason.strip():
        problems.add(
            "actual_percent",
            _(
                "%(month)s was reported at %(after)s %%, less than this; revise that month first "
                "or report less here."
            )
            % {"month": format_roc_month(after.month), "after": after.actual_percent},
        )


def _report_values(judged: _Judged, figures: ProgressFigures) -> dict[str, Any]:
    return {
        "planned_percent": judged.planned,
        "actual_percent": judged.actual,
        "budget_allocated": figures.budget_allocated,
        "budget_executed": figures.budget_executed,
        "execution_rate": judged.rate,
        "work_done": figures.work_done.strip(),
        "problems": figures.problems.strip(),
        "lag_reason": figures.lag_reason.strip(),
        "remedy": figures.remedy.strip(),
        "decrease_reason": figures.decrease_reason.strip(),
        "light": judged.verdict.light,
        "light_reasons": judged.verdict.reasons,
    }


def _report_data(report: ProgressReport) -> dict[str, Any]:
    return {
        "planned_percent": str(report.planned_percent),
        "actual_percent": str(report.actual_percent),
        "budget_allocated": report.budget_allocated,
        "budget_executed": report.budget_executed,
        "execution_rate": None if report.execution_rate is None else str(report.execution_rate),
        "light": report.light,
    }


@transaction.atomic
def progress_submit(
    *, programme: Programme, by: User, month: date, figures: ProgressFigures
) -> ProgressReport:
    """The responsible agency's report on a month that has ended (one per month).
    A month that lags needs the reason and the remedy; progress lower than the
    month before needs the reason it went down."""
    programme = _locked(programme)
    now = clock.now()
    if ProgressReport.objects.filter(programme=programme, month=month).exists():
        raise ControlConflict(
            _("%(month)s is already reported; revise that report instead.")
            % {"month": format_roc_month(month)},
            field="month",
        )
    problems = _Problems()
    judged = _check_progress(problems, programme, month, figures, now=now)
    problems.raise_any()
    assert judged is not None
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                programme=programme,
                month=month,
                due_at=report_due_at(programme.kind, month),
                submitted_at=now,
                submitted_by=by,
                **_report_values(judged, figures),
            )
    except IntegrityError:  # pragma: no cover - the programme's row lock serialises reports
        raise ControlError(_("This month was reported a moment ago."), field="month") from None
    _record(
        programme,
        ProgrammeAction.REPORT,
        by=by,
        at=now,
        month=month,
        data={**_report_data(report), "late": report.late},
    )
    programme_light_refresh(programme=programme, now=now, by=by)
    return report


@transaction.atomic
def progress_revise(
    *,
    report: ProgressReport,
    by: User,
    figures: ProgressFigures,
    revision: int | None = None,
) -> ProgressReport:
    """Revise a month's report until the commission locks the month; the history
    keeps the figures before and after."""
    programme = _locked(report.programme)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if revision is not None and report.revision != revision:
        raise ControlConflict(
            _("Someone revised this report a moment ago. Reload it and try again."), field=""
        )
    now = clock.now()
    problems = _Problems()
    judged = _check_progress(problems, programme, report.month, figures, now=now)
    problems.raise_any()
    assert judged is not None
    before = _report_data(report)
    for name, value in _report_values(judged, figures).items():
        setattr(report, name, value)
    report.revised_at, report.revised_by = now, by
    report.revision += 1
    report.save()
    _record(
        programme,
        ProgrammeAction.REPORT_REVISE,
        by=by,
        at=now,
        month=report.month,
        data={"before": before, "after": _report_data(report), "revision": report.revision},
    )
    programme_light_refresh(programme=programme, now=now, by=by)
    return report


# --- the commission's month locks --------------------------------------------------------------


@transaction.atomic
def progress_month_lock(*, month: date, by: User) -> MonthLock:
    """Lock a month's reports: none is made or revised until it is unlocked."""
    if month.day != 1 or month >= current_month(clock.now()):
        raise ControlError(_("Only a month that has ended can be locked."), field="month")
    if month_locked(month):
        raise ControlConflict(
            _("%(month)s is already locked.") % {"month": format_roc_month(month)}, field="month"
        )
    return MonthLock.objects.create(month=month, locked_at=clock.now(), locked_by=by)


@transaction.atomic
def progress_month_unlock(*, month: date, by: User, reason: str) -> MonthLock:
    if not reason.strip():
        raise ControlError(_("Give the reason for unlocking the month."), field="reason")
    lock = (
        MonthLock.objects.select_for_update().filter(month=month, unlocked_at__isnull=True).first()
    )
    if lock is None:
        raise ControlConflict(
            _("%(month)s is not locked.") % {"month": format_roc_month(month)}, field="month"
        )
    lock.unlocked_at, lock.unlocked_by, lock.unlock_reason = clock.now(), by, reason.strip()
    lock.save(update_fields=["unlocked_at", "unlocked_by", "unlock_reason"])
    return lock


# --- reminders ------------------------------------------------------------------------------------


def progress_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each agency of last month's reports not yet made, from a few working
    days before they are due (YANKAO_PROGRAMME_REMINDER_DAYS); once they are late,
    tell the agency and the commission. One message per agency (and one to the
    commission) per due day and stage, through the outbox. Returns the messages
    queued."""
    now = now or clock.now()
    month = add_months(current_month(now), -1)
    missing = (
        Programme.objects.filter(start_date__lte=month_end(month), end_date__gte=month)
        .exclude(reports__month=month)
        .select_related("owner_agency")
        .order_by("owner_agency__sort_order", "number")
    )
    today = to_taipei(now).date()
    stages = notifications.reminder_stages(list(missing), month=month, today=today)
    with transaction.atomic():
        return notifications.reports_missing(stages, month=month)
