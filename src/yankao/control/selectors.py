"""Reads of programme control that follow rules: scoping, the registry's lists,
the commission's dashboard, a programme's curve and history.

Scoping: a programme is seen by the users whose agency scope holds its
responsible agency (a handler their agency, a supervisor their agency's tree,
the commission and the mayor's office the whole city): `organisation.scoping`,
the rule of every business. A milestone is seen as its tracked item is.

Dashboard figures, over the programmes the user sees, for the month whose reports
are due now (the month before today's):
- by light: programmes by their current light (lights.py), grouped by
  responsible agency, by kind and by policy pillar;
- lagging: programmes whose light is yellow or red, red first, then the widest
  progress gap;
- missing: programmes running in that month (started by its end, not ended
  before it) without a report on it, with the day it is due and whether that
  day has passed;
- late: reports on that month made after their due day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from yankao.accounts.models import User
from yankao.control.lights import working_days_late
from yankao.control.models import (
    Light,
    Milestone,
    MonthLock,
    Pillar,
    PlannedPoint,
    Programme,
    ProgrammeEvent,
    ProgrammeKind,
    ProgressReport,
)
from yankao.control.months import add_months, current_month, month_end, report_due_at
from yankao.core import clock
from yankao.core.taipei import to_taipei
from yankao.organisation.scoping import agency_scope_q
from yankao.tracking.selectors import item_visibility_q

_RELATED = ("owner_agency", "pillar", "pledge")
LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN, Light.NONE)


def programmes_visible_to(user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(agency_scope_q(user, "owner_agency"))


def programme_for_user(user: User, pk: int) -> Programme:
    """One programme the user may see, or 404 (another agency's is not found)."""
    return get_object_or_404(programmes_visible_to(user).select_related(*_RELATED), pk=pk)


def milestones_visible_to(user: User) -> QuerySet[Milestone]:
    return Milestone.objects.filter(item_visibility_q(user, "item__"))


def milestone_for_user(user: User, pk: int) -> Milestone:
    return get_object_or_404(
        milestones_visible_to(user).select_related(
            "item", "item__owner_agency", "programme", "programme__owner_agency"
        ),
        pk=pk,
    )


def milestone_days_late(milestone: Milestone, today: date) -> int:
    """Working days a milestone was met after its deadline's day, or, while it is
    open, is late today (0 when not late; a withdrawn one is not late)."""
    item = milestone.item
    due_day = to_taipei(item.due_at).date()
    if milestone.completed_on is not None:
        return working_days_late(due_day, milestone.completed_on)
    if item.closed_at is not None:
        return 0
    return working_days_late(due_day, today)


def report_for_programme(programme: Programme, month: date) -> ProgressReport | None:
    """The programme's report on a month (the programme was found by a scoped selector)."""
    return ProgressReport.objects.filter(programme=programme, month=month).first()


# --- the registry's list --------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeFilters:
    kind: str = ""
    light: str = ""
    pillar: str = ""  # a pillar's code, or "none"
    agency_id: int | None = None
    text: str = ""


def programme_list(user: User, filters: ProgrammeFilters | None = None) -> QuerySet[Programme]:
    """The programmes the user sees, narrowed by the filters, by number."""
    filters = filters or ProgrammeFilters()
    rows = programmes_visible_to(user)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.light:
        rows = rows.filter(light=filters.light)
    if filters.pillar == "none":
        rows = rows.filter(pillar__isnull=True)
    elif filters.pillar:
        rows = rows.filter(pillar__code=filters.pillar)
    if filters.agency_id:
        rows = rows.filter(owner_agency_id=filters.agency_id)
    if filters.text:
        rows = rows.filter(Q(number__icontains=filters.text) | Q(title__icontains=filters.text))
    return rows.select_related(*_RELATED).order_by("number", "pk")


def reported_months(programmes: list[Programme], month: date) -> set[int]:
    """Which of these programmes have reported on the month (one query)."""
    return set(
        ProgressReport.objects.filter(
            programme__in=[p.pk for p in programmes], month=month
        ).values_list("programme_id", flat=True)
    )


def month_due(now: datetime | None = None) -> date:
    """The month whose reports are due now: the one before this month."""
    return add_months(current_month(now or clock.now()), -1)


# --- the commission's dashboard ----------------------------------------------------------------


@dataclass
class LightCounts:
    key: Any
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class MissingReport:
    programme: Programme
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class Dashboard:
    month: date
    totals: dict[str, int]
    by_agency: list[LightCounts]
    by_kind: list[LightCounts]
    by_pillar: list[LightCounts]
    lagging: Sequence[Programme]
    missing: list[MissingReport]
    late: list[ProgressReport]
    locked: bool


def _grouped(rows: QuerySet[Programme], key: str, label: str) -> list[LightCounts]:
    counted = (
        rows.order_by()
        .values(key, label)
        .annotate(**{light: Count("pk", filter=Q(light=light)) for light in Light.values})
    )
    return [
        LightCounts(row[key], row[label] or "", {light: row[light] for light in Light.values})
        for row in counted
    ]


def _kinds(rows: QuerySet[Programme]) -> list[LightCounts]:
    found = {row.key: row for row in _grouped(rows, "kind", "kind")}
    return [
        LightCounts(kind, str(label), found[kind].counts)
        for kind, label in ProgrammeKind.choices
        if kind in found
    ]


def running_in(month: date) -> Q:
    """Programmes that run in the month: started by its end, not ended before it."""
    return Q(start_date__lte=month_end(month), end_date__gte=month)


def dashboard(user: User, *, now: datetime | None = None, lagging_cap: int = 100) -> Dashboard:
    """The commission's view of the programmes the user sees (fixed queries)."""
    now = now or clock.now()
    month = month_due(now)
    rows = programmes_visible_to(user)
    totals = dict(
        rows.order_by().values_list("light").annotate(n=Count("pk")).values_list("light", "n")
    )
    by_agency = _grouped(rows, "owner_agency__short_name", "owner_agency__short_name")
    by_agency.sort(key=lambda row: (-row.counts[Light.RED], -row.counts[Light.YELLOW], row.label))
    pillars = {p.code: p for p in Pillar.objects.all()}
    by_pillar = _grouped(rows, "pillar__code", "pillar__name")
    by_pillar.sort(key=lambda row: pillars[row.key].sort_order if row.key in pillars else 99)
    lagging = list(
        rows.filter(light__in=[Light.RED, Light.YELLOW])
        .select_related(*_RELATED)
        .annotate(
            red_first=Case(When(light=Light.RED, then=Value(0)), default=Value(1)),
            gap=F("latest_planned") - F("latest_actual"),
        )
        .order_by("red_first", F("gap").desc(nulls_last=True), "number")[:lagging_cap]
    )
    missing = []
    for programme in (
        rows.filter(running_in(month))
        .exclude(reports__month=month)
        .select_related(*_RELATED)
        .order_by("owner_agency__sort_order", "number")
    ):
        due = report_due_at(programme.kind, month)
        missing.append(MissingReport(programme, due, due < now))
    late = list(
        ProgressReport.objects.filter(programme__in=rows, month=month)
        .filter(submitted_at__gt=F("due_at"))
        .select_related("programme", "programme__owner_agency")
        .order_by("programme__number")
    )
    return Dashboard(
        month=month,
        totals={light: totals.get(light, 0) for light in Light.values},
        by_agency=by_agency,
        by_kind=_kinds(rows),
        by_pillar=by_pillar,
        lagging=lagging,
        missing=missing,
        late=late,
        locked=MonthLock.objects.filter(month=month, unlocked_at__isnull=True).exists(),
    )


def locked_months(limit: int = 12) -> list[MonthLock]:
    return list(
        MonthLock.objects.filter(unlocked_at__isnull=True)
        .select_related("locked_by")
        .order_by("-month")[:limit]
    )


# --- one programme -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurveMonth:
    month: date
    planned: Decimal | None
    actual: Decimal | None
    report: ProgressReport | None


def programme_curve(programme: Programme) -> list[CurveMonth]:
    """Every month of the programme with its planned value (the curve in force) and
    the actual progress reported, if any (two queries)."""
    planned = dict(PlannedPoint.objects.filter(programme=programme).values_list("month", "percent"))
    reports = {
        r.month: r
        for r in ProgressReport.objects.filter(programme=programme).select_related(
            "submitted_by", "revised_by"
        )
    }
    months = []
    month = programme.start_date.replace(day=1)
    while month <= programme.end_date:
        report = reports.get(month)
        months.append(
            CurveMonth(month, planned.get(month), report.actual_percent if report else None, report)
        )
        month = add_months(month, 1)
    return months


def milestones_of(programme: Programme) -> QuerySet[Milestone]:
    """A programme's milestones (the programme was found by a scoped selector)."""
    return Milestone.objects.filter(programme=programme).select_related(
        "item", "item__owner_agency"
    )


def programme_milestones(programme: Programme) -> list[Milestone]:
    return list(milestones_of(programme).order_by("planned_date", "sequence"))


def reports_of(programme: Programme) -> QuerySet[ProgressReport]:
    """A programme's reports (the programme was found by a scoped selector)."""
    return ProgressReport.objects.filter(programme=programme).select_related(
        "submitted_by", "revised_by"
    )


def programme_history(programme: Programme) -> QuerySet[ProgrammeEvent]:
    return (
        ProgrammeEvent.objects.filter(programme=programme)
        .select_related("actor")
        .order_by("-at", "-pk")
    )


def reportable_months(programme: Programme, *, now: datetime | None = None) -> list[date]:
    """The months the agency may report or revise now: the programme's months that
    have ended and are not locked, latest first."""
    now = now or clock.now()
    last = min(add_months(current_month(now), -1), programme.end_date.replace(day=1))
    first = programme.start_date.replace(day=1)
    locked = set(
        MonthLock.objects.filter(
            unlocked_at__isnull=True, month__gte=first, month__lte=last
        ).values_list("month", flat=True)
    )
    months, month = [], last
    while month >= first:
        if month not in locked:
            months.append(month)
        month = add_months(month, -1)
    return months
