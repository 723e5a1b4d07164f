"""Tracked programmes on the JSON API (/api/v1/programmes): the registry with its
lights, a programme with its budget, planned curve and milestones, its monthly
progress reports and its milestones; registering a programme, reporting a month,
revising it, adding and completing milestones. Scoped and permitted exactly as
the pages are (the same selectors, policy and services); errors are RFC 9457
problem documents naming the fields at fault."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yankao.accounts.models import User
from yankao.calendar.parsing import ApiDay
from yankao.control import policy, selectors, services
from yankao.control.models import (
    ControlLevel,
    FundingSource,
    Light,
    Milestone,
    Pillar,
    Pledge,
    Programme,
    ProgrammeKind,
    ProgressReport,
)
from yankao.control.months import parse_month
from yankao.core import clock
from yankao.core.api import CURSOR_DESCRIPTION, ApiProblem, Text, keyset_page
from yankao.core.idempotency import Outcome, respond_once
from yankao.core.taipei import to_taipei
from yankao.organisation.models import Agency
from yankao.tracking.api import MAX_PAGE, AgencyRef, api_user

router = Router(tags=["programmes"])

MAY_NOT_REGISTER = _("You may not register programmes for that agency.")
MAY_NOT_REPORT = _("Only the responsible agency reports on this programme.")
MAY_NOT_MAINTAIN = _("You may not change this programme.")
UNKNOWN_AGENCY = _("Unknown agency key, e.g. public-works.")
UNKNOWN_PILLAR = _("Unknown pillar code; see the pillars of a programme's answer.")
UNKNOWN_PLEDGE = _("Unknown pledge code, e.g. P05.")
BAD_MONTH = _("A month is written YYYY-MM, e.g. 2026-10.")
NOT_REPORTED = _("That month has not been reported; submit it with POST first.")

IDEMPOTENCY = (
    " Send an `Idempotency-Key` header (1–255 visible ASCII characters, new for each "
    "request) to make a resend safe: the same key with the same body answers the first "
    "response again, with `Idempotent-Replayed: true`; with another body, 422."
)
# Service field names that the API spells otherwise.
_API_FIELDS = {"curve": "planned_curve", "": None}


# --- schemas ----------------------------------------------------------------------------------


class Ref(Schema):
    code: str
    name: str


class BudgetLineIO(Schema):
    year: int = Field(..., description="The Gregorian year, e.g. 2026 (ROC 115).")
    source: FundingSource
    amount: int = Field(..., description="Whole NT dollars.")


class CurvePointIn(Schema):
    month: str = Field(..., description="YYYY-MM.", examples=["2026-10"])
    percent: Decimal = Field(..., description="Cumulative planned progress by the month's end.")


class CurvePointOut(CurvePointIn):
    """A point as answered: its own name, since a Decimal reads as number or string
    but is written as a string, so the two schemas differ."""


class MilestonePlanIn(Schema):
    title: Text = Field(..., max_length=300)
    planned_date: ApiDay
    criteria: Text = Field(..., max_length=2000, description="How it will be verified.")
    completed_on: ApiDay | None = Field(
        None, description="For a milestone already met when the programme is registered."
    )
    evidence: Text = Field("", max_length=4000)


class ProgrammeIn(Schema):
    title: Text = Field(..., max_length=200)
    kind: ProgrammeKind
    control_level: ControlLevel
    owner_agency: Text = Field(..., max_length=60, description="Agency key, e.g. `public-works`.")
    pillar: Text | None = Field(None, max_length=30, description="Pillar code, e.g. `economy`.")
    pledge: Text | None = Field(None, max_length=10, description="Pledge code, e.g. `P05`.")
    start_date: ApiDay
    end_date: ApiDay
    summary: Text = Field("", max_length=4000)
    external_code: Text = Field("", max_length=40)
    budget: list[BudgetLineIO] = Field(default_factory=list, max_length=100)
    planned_curve: list[CurvePointIn] = Field(
        default_factory=list,
        max_length=600,
        description="One value for every month from the start to the end, reaching 100.",
    )
    milestones: list[MilestonePlanIn] = Field(default_factory=list, max_length=100)


class MilestoneIn(Schema):
    title: Text = Field(..., max_length=300)
    planned_date: ApiDay
    criteria: Text = Field(..., max_length=2000)


class CompleteIn(Schema):
    completed_on: ApiDay = Field(..., description="The day the milestone was met.")
    evidence: Text = Field(..., max_length=4000)


class FiguresIn(Schema):
    actual_percent: Decimal = Field(..., description="Cumulative physical progress, 0–100.")
    budget_allocated: int = Field(..., description="NT$ allocated this year to the month's end.")
    budget_executed: int = Field(..., description="NT$ executed this year to the month's end.")
    work_done: Text = Field(..., max_length=4000)
    problems: Text = Field("", max_length=4000)
    lag_reason: Text = Field("", max_length=4000, description="Required when the month lags.")
    remedy: Text = Field("", max_length=4000, description="Required when the month lags.")
    decrease_reason: Text = Field(
        "", max_length=2000, description="Required when progress is lower than the month before."
    )


class ProgressIn(FiguresIn):
    month: str = Field(..., description="The month reported, YYYY-MM.", examples=["2026-10"])


class RevisionIn(FiguresIn):
    revision: int | None = Field(None, description="The revision you read, to catch races.")


class ProgrammeOut(Schema):
    id: int
    number: str
    title: str
    kind: str
    control_level: str
    owner_agency: AgencyRef
    pillar: Ref | None
    pledge: Ref | None
    start_date: date
    end_date: date
    external_code: str
    light: str = Field(..., description="green, yellow, red, or none (not yet reported).")
    light_reasons: list[str] = Field(..., description="gap, execution, milestone.")
    latest_month: str | None = Field(..., description="The latest month reported, YYYY-MM.")
    latest_planned: Decimal | None
    latest_actual: Decimal | None
    latest_execution: Decimal | None = Field(..., description="Budget execution, percent.")
    created_at: datetime


class MilestoneOut(Schema):
    id: int
    number: str
    title: str
    planned_date: date
    criteria: str
    due_at: datetime = Field(..., description="The deadline in force (the engine's item).")
    status: str
    overdue: bool
    closed_at: datetime | None
    outcome: str = Field(..., description="on_time or late once met.")
    completed_on: date | None
    evidence: str
    working_days_late: int = Field(
        ..., description="Working days after the deadline's day, met or (if open) today."
    )


class ProgrammeDetailOut(ProgrammeOut):
    summary: str
    budget: list[BudgetLineIO]
    planned_curve: list[CurvePointOut]
    milestones: list[MilestoneOut]
    may_report: bool


class ProgressReportOut(Schema):
    month: str
    planned_percent: Decimal = Field(..., description="The curve's value when reported.")
    actual_percent: Decimal
    gap: Decimal = Field(..., description="Planned minus actual, percentage points.")
    budget_allocated: int
    budget_executed: int
    execution_rate: Decimal | None
    work_done: str
    problems: str
    lag_reason: str
    remedy: str
    decrease_reason: str
    light: str
    light_reasons: list[str]
    due_at: datetime
    submitted_at: datetime
    submitted_by: str
    late: bool = Field(..., description="First submitted after `due_at`.")
    revised_at: datetime | None
    revision: int


class ProgrammePage(Schema):
    items: list[ProgrammeOut]
    next_cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)


class ReportPage(Schema):
    items: list[ProgressReportOut]
    next_cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)


class MilestonePage(Schema):
    items: list[MilestoneOut]
    next_cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)


class ProgrammeFiltersIn(Schema):
    kind: ProgrammeKind | None = None
    light: Light | None = None
    pillar: Text | None = Field(None, max_length=30, description="Pillar code, or `none`.")
    agency: Text | None = Field(None, max_length=60, description="Agency key.")
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)


class PageIn(Schema):
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)


# --- answers ------------------------------------------------------------------------------------


def _ref(row: Pillar | Pledge | None) -> dict[str, str] | None:
    return {"code": row.code, "name": row.name} if row is not None else None


def programme_out(programme: Programme) -> dict[str, Any]:
    agency = programme.owner_agency
    return {
        "id": programme.pk,
        "number": programme.number,
        "title": programme.title,
        "kind": programme.kind,
        "control_level": programme.control_level,
        "owner_agency": {"key": agency.key, "name": agency.name},
        "pillar": _ref(programme.pillar),
        "pledge": _ref(programme.pledge),
        "start_date": programme.start_date,
        "end_date": programme.end_date,
        "external_code": programme.external_code,
        "light": programme.light,
        "light_reasons": programme.light_reasons,
        "latest_month": f"{programme.latest_month:%Y-%m}" if programme.latest_month else None,
        "latest_planned": programme.latest_planned,
        "latest_actual": programme.latest_actual,
        "latest_execution": programme.latest_execution,
        "created_at": programme.created_at,
    }


def milestone_out(milestone: Milestone, now: datetime) -> dict[str, Any]:
    item = milestone.item
    return {
        "id": milestone.pk,
        "number": item.number,
        "title": item.title,
        "planned_date": milestone.planned_date,
        "criteria": milestone.criteria,
        "due_at": item.due_at,
        "status": item.status,
        "overdue": item.is_open and item.due_at < now,
        "closed_at": item.closed_at,
        "outcome": item.outcome,
        "completed_on": milestone.completed_on,
        "evidence": milestone.evidence,
        "working_days_late": selectors.milestone_days_late(milestone, to_taipei(now).date()),
    }


def report_out(report: ProgressReport) -> dict[str, Any]:
    return {
        "month": f"{report.month:%Y-%m}",
        "planned_percent": report.planned_percent,
        "actual_percent": report.actual_percent,
        "gap": report.gap,
        "budget_allocated": report.budget_allocated,
        "budget_executed": report.budget_executed,
        "execution_rate": report.execution_rate,
        "work_done": report.work_done,
        "problems": report.problems,
        "lag_reason": report.lag_reason,
        "remedy": report.remedy,
        "decrease_reason": report.decrease_reason,
        "light": report.light,
        "light_reasons": report.light_reasons,
        "due_at": report.due_at,
        "submitted_at": report.submitted_at,
        "submitted_by": str(report.submitted_by),
        "late": report.late,
        "revised_at": report.revised_at,
        "revision": report.revision,
    }


def _detail(user: User, programme: Programme) -> dict[str, Any]:
    now = clock.now()
    return {
        **programme_out(programme),
        "summary": programme.summary,
        "budget": [
            {"year": line.year, "source": line.source, "amount": line.amount}
            for line in programme.budget.all()
        ],
        "planned_curve": [
            {"month": f"{m.month:%Y-%m}", "percent": m.planned}
            for m in selectors.programme_curve(programme)
            if m.planned is not None
        ],
        "milestones": [milestone_out(m, now) for m in selectors.programme_milestones(programme)],
        "may_report": policy.may_report(user, programme),
    }


def _problem(error: services.ControlError) -> ApiProblem:
    status = 409 if isinstance(error, services.ControlConflict) else 400
    errors = []
    for field, texts in error.errors.items():
        name = _API_FIELDS.get(field, field)
        location = ["body", name] if name else ["body"]
        errors += [{"location": location, "message": text} for text in texts]
    return ApiProblem(status, str(error), errors=errors)


def _field_problem(field: str, message: Any) -> ApiProblem:
    text = str(message)
    return ApiProblem(
        400, f"{field}: {text}", errors=[{"location": ["body", field], "message": text}]
    )


def _agency(key: str) -> Agency:
    found = Agency.objects.filter(key=key.strip(), is_active=True).first()
    if found is None:
        raise _field_problem("owner_agency", UNKNOWN_AGENCY)
    return found


def _pillar(code: str | None) -> Pillar | None:
    if not code:
        return None
    found = Pillar.objects.filter(code=code.strip()).first()
    if found is None:
        raise _field_problem("pillar", UNKNOWN_PILLAR)
    return found


def _pledge(code: str | None) -> Pledge | None:
    if not code:
        return None
    found = Pledge.objects.filter(code=code.strip()).select_related("pillar").first()
    if found is None:
        raise _field_problem("pledge", UNKNOWN_PLEDGE)
    return found


def _month(text: str, field: str = "month") -> date:
    try:
        return parse_month(text)
    except ValueError:
        raise _field_problem(field, BAD_MONTH) from None


def _curve(points: list[CurvePointIn]) -> list[services.CurvePoint]:
    return [
        services.CurvePoint(month=_month(p.month, "planned_curve"), percent=p.percent)
        for p in points
    ]


def _figures(payload: FiguresIn) -> services.ProgressFigures:
    return services.ProgressFigures(
        actual_percent=payload.actual_percent,
        budget_allocated=payload.budget_allocated,
        budget_executed=payload.budget_executed,
        work_done=payload.work_done,
        problems=payload.problems,
        lag_reason=payload.lag_reason,
        remedy=payload.remedy,
        decrease_reason=payload.decrease_reason,
    )


def _programme(request: HttpRequest, programme_id: int) -> tuple[User, Programme]:
    user = api_user(request)
    return user, selectors.programme_for_user(user, programme_id)


# --- the registry ---------------------------------------------------------------------------------

PROGRAMME_ORDER = ("pk",)


@router.get(
    "",
    response=ProgrammePage,
    summary="List the programmes you may see",
    description=(
        "In the order they were registered. Filter by kind, light, pillar (`none`: "
        "serving no pillar) and responsible agency. Page with `next_cursor`."
    ),
)
def list_programmes(request: HttpRequest, filters: Query[ProgrammeFiltersIn]) -> dict[str, Any]:
    agency = None
    if filters.agency:
        agency = Agency.objects.filter(key=filters.agency).values_list("pk", flat=True).first()
        if agency is None:
            return {"items": [], "next_cursor": None}
    chosen = selectors.ProgrammeFilters(
        kind=filters.kind or "",
        light=filters.light or "",
        pillar=filters.pillar or "",
        agency_id=agency,
    )
    rows = selectors.programme_list(api_user(request), chosen)
    page = keyset_page(rows, ordering=PROGRAMME_ORDER, cursor=filters.cursor, limit=filters.limit)
    return {"items": [programme_out(p) for p in page.rows], "next_cursor": page.next_cursor}


def _register(user: User, payload: ProgrammeIn) -> Outcome:
    agency = _agency(payload.owner_agency)
    if not policy.may_register_for(user, agency):
        raise ApiProblem(403, str(MAY_NOT_REGISTER))
    try:
        programme = services.programme_create(
            by=user,
            title=payload.title,
            kind=payload.kind,
            control_level=payload.control_level,
            owner_agency=agency,
            start_date=payload.start_date,
            end_date=payload.end_date,
            pillar=_pillar(payload.pillar),
            pledge=_pledge(payload.pledge),
            summary=payload.summary,
            external_code=payload.external_code,
            budget=[
                services.BudgetLine(year=line.year, source=line.source, amount=line.amount)
                for line in payload.budget
            ],
            curve=_curve(payload.planned_curve),
            milestones=[
                services.MilestonePlan(
                    title=plan.title,
                    planned_date=plan.planned_date,
                    criteria=plan.criteria,
                    completed_on=plan.completed_on,
                    evidence=plan.evidence,
                )
                for plan in payload.milestones
            ],
        )
    except services.ControlError as error:
        raise _problem(error) from error
    programme = selectors.programme_for_user(user, programme.pk)
    body = ProgrammeDetailOut(**_detail(user, programme)).model_dump(mode="json")
    return Outcome(status=201, body=body)


@router.post(
    "",
    response={201: ProgrammeDetailOut},
    summary="Register a programme",
    description=(
        "For the responsible agency's staff (handlers, supervisors) and the commission. "
        "The budget, the planned curve and the milestones may come now or later; "
        "everything is checked first and nothing is saved when anything is wrong (every "
        "problem is listed in `errors`)." + IDEMPOTENCY
    ),
)
def create_programme(
    request: HttpRequest, response: HttpResponse, payload: ProgrammeIn
) -> HttpStatus[Any]:
    user = api_user(request)
    if not policy.may_register(user):
        raise ApiProblem(403, str(MAY_NOT_REGISTER))
    return respond_once(request, response, user=user, operation=lambda: _register(user, payload))


@router.get("/{id:programme_id}", response=ProgrammeDetailOut, summary="One programme")
def get_programme(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    user, programme = _programme(request, programme_id)
    return _detail(user, programme)


# --- monthly progress -----------------------------------------------------------------------------

REPORT_ORDER = ("month", "pk")


@router.get(
    "/{id:programme_id}/progress",
    response=ReportPage,
    summary="The programme's monthly progress reports",
    description="Oldest month first. Page with `next_cursor`.",
)
def list_progress(request: HttpRequest, programme_id: int, query: Query[PageIn]) -> dict[str, Any]:
    _user, programme = _programme(request, programme_id)
    page = keyset_page(
        selectors.reports_of(programme),
        ordering=REPORT_ORDER,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [report_out(r) for r in page.rows], "next_cursor": page.next_cursor}


def _submit(user: User, programme: Programme, payload: ProgressIn) -> Outcome:
    try:
        report = services.progress_submit(
            programme=programme, by=user, month=_month(payload.month), figures=_figures(payload)
        )
    except services.ControlError as error:
        raise _problem(error) from error
    return Outcome(status=201, body=ProgressReportOut(**report_out(report)).model_dump(mode="json"))


@router.post(
    "/{id:programme_id}/progress",
    response={201: ProgressReportOut},
    summary="Report a month",
    description=(
        "For the responsible agency. One report per month that has ended; a month that "
        "lags (progress behind plan, budget execution below the threshold, a milestone "
        "late) needs `lag_reason` and `remedy`; progress lower than the month before "
        "needs `decrease_reason`. A month already reported answers 409 (revise it with "
        "PUT); a month the commission locked, 409." + IDEMPOTENCY
    ),
)
def submit_progress(
    request: HttpRequest, response: HttpResponse, programme_id: int, payload: ProgressIn
) -> HttpStatus[Any]:
    user, programme = _programme(request, programme_id)
    if not policy.may_report(user, programme):
        raise ApiProblem(403, str(MAY_NOT_REPORT))
    return respond_once(
        request, response, user=user, operation=lambda: _submit(user, programme, payload)
    )


@router.put(
    "/{id:programme_id}/progress/{month}",
    response={200: ProgressReportOut},
    summary="Revise a month's report",
    description=(
        "Until the commission locks the month. `revision` is the revision you read; "
        "a stale one answers 409."
    ),
)
def revise_progress(
    request: HttpRequest, programme_id: int, month: str, payload: RevisionIn
) -> dict[str, Any]:
    user, programme = _programme(request, programme_id)
    if not policy.may_report(user, programme):
        raise ApiProblem(403, str(MAY_NOT_REPORT))
    report = selectors.report_for_programme(programme, _month(month))
    if report is None:
        raise ApiProblem(404, str(NOT_REPORTED))
    try:
        report = services.progress_revise(
            report=report, by=user, figures=_figures(payload), revision=payload.revision
        )
    except services.ControlError as error:
        raise _problem(error) from error
    return report_out(report)


# --- milestones -----------------------------------------------------------------------------------

MILESTONE_ORDER = ("planned_date", "pk")


@router.get(
    "/{id:programme_id}/milestones",
    response=MilestonePage,
    summary="The programme's milestones",
    description=(
        "Earliest planned first. Each is also a tracked item (`/api/v1/items/{id}`, "
        "kind `milestone`) with its whole history. Page with `next_cursor`."
    ),
)
def list_milestones(
    request: HttpRequest, programme_id: int, query: Query[PageIn]
) -> dict[str, Any]:
    _user, programme = _programme(request, programme_id)
    page = keyset_page(
        selectors.milestones_of(programme),
        ordering=MILESTONE_ORDER,
        cursor=query.cursor,
        limit=query.limit,
    )
    now = clock.now()
    return {"items": [milestone_out(m, now) for m in page.rows], "next_cursor": page.next_cursor}


def _add_milestone(user: User, programme: Programme, payload: MilestoneIn) -> Outcome:
    try:
        milestone = services.milestone_add(
            programme=programme,
            by=user,
            title=payload.title,
            planned_date=payload.planned_date,
            criteria=payload.criteria,
        )
    except services.ControlError as error:
        raise _problem(error) from error
    body = MilestoneOut(**milestone_out(milestone, clock.now())).model_dump(mode="json")
    return Outcome(status=201, body=body)


@router.post(
    "/{id:programme_id}/milestones",
    response={201: MilestoneOut},
    summary="Add a milestone",
    description=(
        "Due at the end of its planned day (the next working day when that is a day "
        "off), on the office calendar." + IDEMPOTENCY
    ),
)
def add_milestone(
    request: HttpRequest, response: HttpResponse, programme_id: int, payload: MilestoneIn
) -> HttpStatus[Any]:
    user, programme = _programme(request, programme_id)
    if not policy.may_maintain(user, programme):
        raise ApiProblem(403, str(MAY_NOT_MAINTAIN))
    return respond_once(
        request, response, user=user, operation=lambda: _add_milestone(user, programme, payload)
    )


@router.post(
    "/{id:programme_id}/milestones/{id:milestone_id}/complete",
    response={200: MilestoneOut},
    summary="Record a milestone as met",
    description="For the responsible agency: the day it was met and the evidence.",
)
def complete_milestone(
    request: HttpRequest, programme_id: int, milestone_id: int, payload: CompleteIn
) -> dict[str, Any]:
    user, programme = _programme(request, programme_id)
    milestone = selectors.milestone_for_user(user, milestone_id)
    if milestone.programme_id != programme.pk:
        raise ApiProblem(404, "Not found, or not yours to see.")
    if not policy.may_report(user, programme):
        raise ApiProblem(403, str(MAY_NOT_REPORT))
    try:
        milestone = services.milestone_complete(
            milestone=milestone,
            by=user,
            completed_on=payload.completed_on,
            evidence=payload.evidence,
        )
    except services.ControlError as error:
        raise _problem(error) from error
    return milestone_out(milestone, clock.now())
