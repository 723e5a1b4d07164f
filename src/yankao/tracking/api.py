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
from yankao.tracking.models import OPEN_STATUSES, Status, TrackedItem
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
    due_at: datetime
    closed_at: datetime | None
    outcome: str
    overdue: bool
    working_days_taken: Decimal | None
    version: int


class EventOut(Schema):
    at: datetime
    action: str
    actor: str | None
    from_status: str
    to_status: str
    reason: str


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
        "due_at": item.due_at,
        "closed_at": item.closed_at,
        "outcome": item.outcome,
        "overdue": item.is_open and item.due_at < now,
        "working_days_taken": item.working_days_taken,
        "version": item.version,
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
        items = items.filter(status__in=OPEN_STATUSES, due_at__lt=now)
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
    events = item.events.select_related("actor")
    allowed = allowed_actions(user, item, pending_cohandlers=pending_cohandler_agency_ids(item))
    return {
        **item_out(item, clock.now()),
        "allowed_actions": sorted(a for a in allowed if a in ACTIONS),
        "history": [
            {
                "at": e.at,
                "action": e.action,
                "actor": str(e.actor) if e.actor else None,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "reason": e.reason,
            }
            for e in events
        ],
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
