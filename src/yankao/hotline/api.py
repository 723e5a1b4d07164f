"""Calls on the JSON API (/api/v1/calls): telephony (CTI) systems and agents post
call records (with an optional Idempotency-Key, so a resend records nothing twice),
and readers list them and get the statistics, scoped as the pages are. Callers'
numbers are always masked here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yankao.accounts.models import User
from yankao.accounts.roles import Capability, Role
from yankao.calendar.parsing import ApiDay, ApiMoment
from yankao.core.api import CURSOR_DESCRIPTION, ApiProblem, Text, keyset_page
from yankao.core.idempotency import Outcome as Kept
from yankao.core.idempotency import respond_once
from yankao.core.taipei import to_taipei
from yankao.hotline import integrations
from yankao.hotline.forms import LONGEST_RANGE_DAYS
from yankao.hotline.masking_view import number as masked_number
from yankao.hotline.models import Call, Language, Outcome
from yankao.hotline.policy import may_see_calls
from yankao.hotline.selectors import call_statistics as statistics_of
from yankao.hotline.selectors import calls_visible_to
from yankao.hotline.services import CallError, call_record
from yankao.organisation.models import Agency
from yankao.tracking.api import api_user
from yankao.tracking.models import TrackedItem

router = Router(tags=["calls"])

MAX_PAGE = 200
MAY_NOT_RECORD = _("Your role may not record calls.")
MAY_NOT_READ = _("Your role may not see the call log.")


class CallIn(Schema):
    agent: Text | None = Field(
        None,
        max_length=150,
        description="The agent's username; required from system accounts, "
        "an agent's own calls need none.",
    )
    started_at: ApiMoment = Field(..., description="ISO 8601; without an offset, Taipei time.")
    duration_seconds: int = Field(..., description="0 to 21600.")
    outcome: Outcome
    language: Language = Language.MANDARIN
    caller_number: Text = ""
    notes: Text = ""
    article_id: int | None = Field(None, description="The knowledge article answered from.")
    item_number: Text | None = Field(
        None, max_length=40, description="The petition's or ticket's number the call raised."
    )
    transferred_to: Text | None = Field(
        None, max_length=60, description="The agency's key, for a transfer."
    )
    source_id: Text = Field(
        "", description="The telephony system's id of the call; a second call with it is refused."
    )


class AgencyOut(Schema):
    key: str
    name: str


class CallOut(Schema):
    id: int
    started_at: datetime
    ended_at: datetime
    duration_seconds: int
    day: date = Field(..., description="The day the call started, Taipei time.")
    hour: int = Field(..., description="The hour it started, 0–23, Taipei time.")
    agent: str
    caller_number: str = Field(..., description="Masked: 09xx-xxx-123.")
    language: str
    outcome: str
    article_id: int | None
    article_question: str
    item_number: str | None
    transferred_to: AgencyOut | None
    source_id: str


class CallPage(Schema):
    items: list[CallOut]
    next_cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)


def _out(call: Call) -> dict[str, Any]:
    agency = call.transferred_to
    return CallOut(
        id=call.pk,
        started_at=call.started_at,
        ended_at=call.ended_at,
        duration_seconds=call.duration_seconds,
        day=call.day,
        hour=call.hour,
        agent=call.agent.username,
        caller_number=masked_number(call),
        language=call.language,
        outcome=call.outcome,
        article_id=call.article_id,
        article_question=call.article_question,
        item_number=call.item.number if call.item else None,
        transferred_to=AgencyOut(key=agency.key, name=agency.name) if agency else None,
        source_id=call.source_id,
    ).model_dump(mode="json")


def _agent(user: User, username: str | None) -> User:
    if user.role == Role.AGENT and not username:
        return user
    if user.role == Role.AGENT and username != user.username:
        raise ApiProblem(403, str(_("An agent records only their own calls.")))
    if not username:
        raise ApiProblem(400, str(_("Name the agent who took the call.")))
    agent = User.objects.filter(username=username, role=Role.AGENT, is_active=True).first()
    if agent is None:
        raise ApiProblem(400, str(_("No active 1999 agent has that username.")))
    return agent


def _links(user: User, payload: CallIn) -> dict[str, Any]:
    links: dict[str, Any] = {}
    if payload.transferred_to:
        agency = Agency.objects.filter(key=payload.transferred_to, is_active=True).first()
        if agency is None:
            raise ApiProblem(400, str(_("No active agency has that key.")))
        links["transferred_to"] = agency
    if payload.item_number:
        kind = {Outcome.PETITION: "petition", Outcome.TICKET: "ticket"}.get(payload.outcome)
        item = TrackedItem.objects.filter(number=payload.item_number, kind=kind).first()
        if item is None:
            raise ApiProblem(400, str(_("No petition or ticket of this outcome has that number.")))
        links["item"] = item
    if payload.article_id is not None and payload.outcome == Outcome.KNOWLEDGE:
        question = integrations.article_question(payload.article_id, user=user)
        if question is None:
            raise ApiProblem(400, str(_("That knowledge article does not exist (any more).")))
        links["article_id"] = payload.article_id
        links["article_question"] = question
    return links


def _record(user: User, payload: CallIn) -> Kept:
    agent = _agent(user, payload.agent)
    started = to_taipei(payload.started_at)
    try:
        call = call_record(
            by=user,
            agent=agent,
            started_at=started,
            duration_seconds=payload.duration_seconds,
            outcome=payload.outcome,
            language=payload.language,
            caller_number=payload.caller_number,
            notes=payload.notes,
            source_id=payload.source_id,
            **_links(user, payload),
        )
    except CallError as error:
        raise ApiProblem(400, str(error)) from error
    return Kept(status=201, body=_out(call))


@router.post(
    "",
    response={201: CallOut},
    summary="Record a call",
    description=(
        "For 1999 agents and the telephony system's account. Send an `Idempotency-Key` "
        "header (1–255 visible ASCII characters, new for each call) to make a resend "
        "safe: the same key with the same body answers the first response again, with "
        "`Idempotent-Replayed: true`; the same key with another body answers 422."
    ),
)
def create_call(request: HttpRequest, response: HttpResponse, payload: CallIn) -> HttpStatus[Any]:
    user = api_user(request)
    if not user.has_capability(Capability.CALL_TAKE):
        raise ApiProblem(403, str(MAY_NOT_RECORD))
    return respond_once(request, response, user=user, operation=lambda: _record(user, payload))


class CallFilters(Schema):
    day: ApiDay | None = Field(None, description="Taipei day.")
    agent: Text | None = Field(None, max_length=150, description="The agent's username.")
    outcome: Outcome | None = None
    language: Language | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)


def _reader(request: HttpRequest) -> User:
    user = api_user(request)
    if not may_see_calls(user):
        raise ApiProblem(403, str(MAY_NOT_READ))
    return user


# Newest first, as the call list page.
CALL_ORDER = ("-started_at", "-pk")


@router.get(
    "",
    response=CallPage,
    summary="List the calls you may see, newest first",
    description="Newest start first (then by id, highest first). Page with `next_cursor`.",
)
def list_calls(request: HttpRequest, filters: Query[CallFilters]) -> dict[str, Any]:
    calls = calls_visible_to(_reader(request)).select_related("agent", "item", "transferred_to")
    if filters.day:
        calls = calls.filter(day=filters.day)
    if filters.agent:
        calls = calls.filter(agent__username=filters.agent)
    if filters.outcome:
        calls = calls.filter(outcome=filters.outcome)
    if filters.language:
        calls = calls.filter(language=filters.language)
    page = keyset_page(calls, ordering=CALL_ORDER, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_out(call) for call in page.rows], "next_cursor": page.next_cursor}


class Period(Schema):
    start: ApiDay
    end: ApiDay


class Count(Schema):
    key: str
    calls: int


class MonthCount(Schema):
    month: str = Field(..., description="YYYY-MM")
    calls: int


class DayCount(Schema):
    day: date
    calls: int


class CallStatisticsOut(Schema):
    start: date
    end: date
    total: int
    average_per_month: float | None
    average_seconds: float | None
    months: list[MonthCount]
    days: list[DayCount]
    by_outcome: list[Count]
    by_language: list[Count]
    by_hour: list[int] = Field(..., description="24 counts, hour 0 to 23, Taipei time.")


@router.get("/statistics", response=CallStatisticsOut, summary="Call statistics for a period")
def call_statistics(request: HttpRequest, period: Query[Period]) -> dict[str, Any]:
    user = _reader(request)
    if period.end < period.start:
        raise ApiProblem(400, str(_("The last day is before the first day.")))
    if (period.end - period.start).days >= LONGEST_RANGE_DAYS:
        raise ApiProblem(400, str(_("Choose a period of at most one year.")))
    stats = statistics_of(user=user, start=period.start, end=period.end)
    average = stats.average_per_month
    seconds = stats.average_seconds
    return {
        "start": stats.start,
        "end": stats.end,
        "total": stats.total,
        "average_per_month": float(average) if average is not None else None,
        "average_seconds": float(seconds) if seconds is not None else None,
        "months": [{"month": f"{first:%Y-%m}", "calls": n} for first, n in stats.months],
        "days": [{"day": day, "calls": n} for day, n in stats.days],
        "by_outcome": [{"key": g.key, "calls": g.calls} for g in stats.by_outcome],
        "by_language": [{"key": g.key, "calls": g.calls} for g in stats.by_language],
        "by_hour": stats.by_hour,
    }
