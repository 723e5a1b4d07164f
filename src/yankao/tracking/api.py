"""Tracked items on the JSON API: list, read, statistics and workflow actions,
scoped exactly as the pages are (the same selectors and policy)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, Field, Query, Router, Schema

from yankao.accounts.models import User
from yankao.calendar.parsing import ApiDay
from yankao.core import clock
from yankao.core.api import CURSOR_DESCRIPTION, ApiProblem, keyset_page
from yankao.tracking.actions import ACTIONS, build_form
from yankao.tracking.models import OPEN_STATUSES, Action, ItemEvent, Status, TrackedItem, overdue_q
from yankao.tracking.policy import allowed_actions
from yankao.tracking.selectors import (
    item_for_user,
    item_statistics,
    items_visible_to,
    pending_cohandler_agency_ids,
)
from yankao.tracking.services import StaleItem, TrackingError

router = Router(tags=["tracked items"])
MAX_PAGE = 200


class AgencyRef(Schema):
    key: str
    name: str


class ItemOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    owner_agency: AgencyRef
    status: str
    received_at: datetime
    clock: str = Field(..., description="`working_days` or `hours`: the unit of the time limit.")
    time_limit: int = Field(..., description="In the unit of `clock`.")
    clock_started_at: datetime = Field(
        ..., description="When the current agency's time limit began (receipt or last transfer)."
    )
    original_due_at: datetime = Field(..., description="The deadline before any extension.")
    due_at: datetime = Field(..., description="The deadline in force, extensions included.")
    closed_at: datetime | None
    due_at_closing: datetime | None = Field(
        ...,
        description=(
            "The deadline in force when the item closed, against which `outcome` was given "
            "(on time: `closed_at` ≤ `due_at_closing`); null unless closed."
        ),
    )
    outcome: str
    overdue: bool
    working_days_taken: Decimal | None = Field(
        ..., description="Working days from receipt to closing, on the office calendar."
    )
    extension_count: int = Field(..., description="Extensions approved.")
    transfer_count: int = Field(..., description="Transfers to another agency.")
    version: int


class EventOut(Schema):
    at: datetime
    action: str
    actor: str | None
    from_status: str
    to_status: str
    from_agency: str | None = Field(..., description="Agency key (transfers).")
    to_agency: str | None = Field(..., description="Agency key (creation, transfers).")
    reason: str
    time_added: int | None = Field(
        ..., description="An approved extension's time, in the item's `clock` unit."
    )
    due_before: datetime | None = Field(
        ..., description="The deadline before a move (extension, transfer, recalculation)."
    )
    due_after: datetime | None = Field(
        ..., description="The deadline after it; on `close`, the deadline in force then."
    )
    escalation_level: int | None = Field(
        ..., description="On `escalate`: 1 the supervisor, 2 the commission."
    )
    escalation_due_at: datetime | None = Field(
        ..., description="On `escalate`: when the item passed that tier."
    )


class ItemDetailOut(ItemOut):
    allowed_actions: list[str]
    history: list[EventOut]


class ItemPage(Schema):
    items: list[ItemOut]
    next_cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)


class ItemFilters(Schema):
    status: Status | None = None
    kind: str | None = None
    agency: str | None = Field(None, description="Agency key.")
    overdue: bool | None = None
    open: bool | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)


class StatisticsOut(Schema):
    start: date
    end: date
    received: int
    closed: int
    closed_on_time: int
    closed_late: int
    open_overdue: int
    extended: int
    transferred: int
    on_time_rate: Decimal | None
    average_working_days: Decimal | None


def api_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - auth guarantees it
        raise ApiProblem(401, "Authentication required.")
    return user


def item_out(item: TrackedItem, now: datetime) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "number": item.number,
        "title": item.title,
        "owner_agency": {"key": item.owner_agency.key, "name": item.owner_agency.name},
        "status": item.status,
        "received_at": item.received_at,
        "clock": item.clock,
        "time_limit": item.time_limit,
        "clock_started_at": item.clock_started_at,
        "original_due_at": item.original_due_at,
        "due_at": item.due_at,
        "closed_at": item.closed_at,
        # No move changes the deadline of a closed item (extensions, transfers and
        # recalculations touch open items only), so it is the one the verdict used.
        "due_at_closing": item.due_at if item.status == Status.CLOSED else None,
        "outcome": item.outcome,
        "overdue": item.is_open and item.due_at < now,
        "working_days_taken": item.working_days_taken,
        "extension_count": item.extension_count,
        "transfer_count": item.transfer_count,
        "version": item.version,
    }


def event_out(event: ItemEvent) -> dict[str, Any]:
    """One history entry; the agencies must be read with it (select_related)."""
    escalation_due = event.data.get("passed_at") if event.action == Action.ESCALATE else None
    return {
        "at": event.at,
        "action": event.action,
        "actor": str(event.actor) if event.actor else None,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "from_agency": event.from_agency.key if event.from_agency else None,
        "to_agency": event.to_agency.key if event.to_agency else None,
        "reason": event.reason,
        "time_added": event.time_added,
        "due_before": event.due_before,
        "due_after": event.due_after,
        "escalation_level": event.data.get("level") if event.action == Action.ESCALATE else None,
        "escalation_due_at": escalation_due,
    }


# Soonest deadline first, as the worklist.
ITEM_ORDER = ("due_at", "pk")


@router.get(
    "",
    response=ItemPage,
    summary="List the tracked items you may see",
    description="Soonest deadline first (then by id). Page with `next_cursor`.",
)
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> dict[str, Any]:
    now = clock.now()
    items = items_visible_to(api_user(request)).select_related("owner_agency")
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.agency:
        items = items.filter(owner_agency__key=filters.agency)
    if filters.open is not None:
        items = (
            items.filter(status__in=OPEN_STATUSES)
            if filters.open
            else items.exclude(status__in=OPEN_STATUSES)
        )
    if filters.overdue:
        items = items.filter(overdue_q())
    page = keyset_page(items, ordering=ITEM_ORDER, cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [item_out(item, now) for item in page.rows],
        "next_cursor": page.next_cursor,
    }


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    today = timezone.localdate()
    start = start or today.replace(day=1)
    end = end or today
    if end < start:
        raise ApiProblem(400, "`end` must not be before `start`.")
    if (end - start).days > 366 * 5:
        raise ApiProblem(400, "The period may span at most five years.")
    return start, end


@router.get("/statistics", response=StatisticsOut, summary="Figures over the items you may see")
def statistics(
    request: HttpRequest,
    start: ApiDay | None = None,
    end: ApiDay | None = None,
    kind: str | None = None,
) -> dict[str, Any]:
    """Items received or closed from `start` to `end` (both inclusive, Asia/Taipei
    days), and the open items overdue now."""
    start, end = _period(start, end)
    zone = ZoneInfo(settings.TIME_ZONE)
    items = items_visible_to(api_user(request))
    if kind:
        items = items.filter(kind=kind)
    figures = item_statistics(
        items,
        start=datetime.combine(start, time.min, tzinfo=zone),
        end=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )
    return {"start": start, "end": end, "on_time_rate": figures.on_time_rate, **figures.__dict__}


@router.get("/{id:item_id}", response=ItemDetailOut, summary="One tracked item with its history")
def get_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    user = api_user(request)
    item = item_for_user(user, item_id)
    events = item.events.select_related("actor", "from_agency", "to_agency")
    allowed = allowed_actions(user, item, pending_cohandlers=pending_cohandler_agency_ids(item))
    return {
        **item_out(item, clock.now()),
        "allowed_actions": sorted(a for a in allowed if a in ACTIONS),
        "history": [event_out(event) for event in events],
    }


@router.post(
    "/{id:item_id}/actions/{action}",
    response={200: ItemDetailOut},
    summary="Carry out a workflow action",
    description=(
        'The body holds the action\'s fields, e.g. `{"version": 3, "reason": "...", '
        '"to_agency": 12}` for `transfer`. `version` is the item version you read; a '
        "stale version answers 409."
    ),
)
def act(
    request: HttpRequest, item_id: int, action: str, body: Body[dict[str, Any]]
) -> dict[str, Any]:
    user = api_user(request)
    item = item_for_user(user, item_id)
    if action not in ACTIONS:
        raise ApiProblem(404, f"Unknown action {action!r}.")
    allowed = allowed_actions(user, item, pending_cohandlers=pending_cohandler_agency_ids(item))
    if action not in allowed:
        raise ApiProblem(403, f"You may not {action} this item in its present state.")
    form = build_form(action, item, {f"{action}-{k}": v for k, v in body.items()})
    if not form.is_valid():
        errors = [
            {"location": ["body", field], "message": str(message)}
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise ApiProblem(400, "The action's fields are not valid.", errors=errors)
    try:
        ACTIONS[action].run(item, user, form.cleaned_data)
    except StaleItem as error:
        raise ApiProblem(409, str(error)) from error
    except TrackingError as error:
        raise ApiProblem(409, str(error)) from error
    return get_item(request, item_id)
