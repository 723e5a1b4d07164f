"""Dispatch tickets on the JSON API (/api/v1/tickets): register one (with an optional
Idempotency-Key), the list and a ticket, scoped exactly as the pages are, and the
agency's acknowledge and report-back. The reporter's data is always masked here;
errors are RFC 9457 problem documents."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic import WithJsonSchema

from yankao.accounts.models import User
from yankao.calendar.roc import format_roc_short_datetime
from yankao.core import clock, masking
from yankao.core.api import (
    CURSOR_DESCRIPTION,
    ApiProblem,
    Phone,
    Text,
    choices_schema,
    keyset_page,
)
from yankao.core.idempotency import Outcome, respond_once
from yankao.dispatch import policy, selectors, services
from yankao.dispatch.models import Channel, ReportBack, Ticket, TicketClass
from yankao.organisation.models import District
from yankao.tracking.api import (
    MAX_PAGE,
    EventOut,
    ItemOut,
    api_user,
    get_item,
    item_out,
)
from yankao.tracking.services import TrackingError

router = Router(tags=["dispatch tickets"])

MAY_NOT_CREATE = _("Your role may not register dispatch tickets.")
MAY_NOT_ACKNOWLEDGE = _("You may not acknowledge this ticket.")
MAY_NOT_REPORT = _("You may not report back on this ticket.")
UNKNOWN_CLASS = _("Unknown dispatch class; see the class codes in the city's list.")
UNKNOWN_DISTRICT = _("Unknown district key, e.g. fengshan.")


# --- schemas ---------------------------------------------------------------------------------

TicketChannel = Annotated[Channel, WithJsonSchema(choices_schema(Channel, "TicketChannel"))]


class TicketIn(Schema):
    ticket_class: Text = Field(..., max_length=10, description="Class code, e.g. `105`.")
    description: Text = Field(..., max_length=2000)
    district: Text | None = Field(None, max_length=40, description="District key, e.g. `lingya`.")
    address: Text = Field("", max_length=200)
    latitude: Decimal | None = Field(None, description="WGS 84, e.g. 22.627300.")
    longitude: Decimal | None = Field(None, description="WGS 84, e.g. 120.301400.")
    reporter_name: Text = Field("", max_length=60)
    reporter_phone: Phone = Field("", max_length=30)
    channel: TicketChannel = Field(Channel.STAFF, description="How the hazard was reported.")


class ReportIn(Schema):
    status_text: Text = Field(..., max_length=2000, description="What was done on site.")
    done: bool = Field(..., description="True: dealt with, closes the ticket.")


class AcknowledgeIn(Schema):
    version: int | None = Field(None, description="The version you saw, to catch races.")


class ClassRef(Schema):
    code: str
    name: str
    hours: int


class DistrictRef(Schema):
    key: str
    name: str


class ReporterOut(Schema):
    name: str
    phone: str


class ReportOut(Schema):
    at: datetime
    by: str
    status_text: str
    done: bool


class TicketOut(ItemOut):
    ticket_class: ClassRef
    district: DistrictRef | None
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    channel: str
    published: bool = Field(
        ...,
        description=(
            "Listed in the public Open311 list, as the reporter chose in an Open311 post; "
            "never set through this API, whatever the channel."
        ),
    )
    due_roc: str = Field(..., description="The deadline in the ROC calendar (115/11/26 14:30).")
    acknowledged_at: datetime | None
    reported_back_at: datetime | None
    hours_to_report: Decimal | None
    reporter: ReporterOut = Field(..., description="Masked: 王○明, 09xx-xxx-678.")


class TicketDetailOut(TicketOut):
    description: str
    reports: list[ReportOut]
    allowed_actions: list[str]
    history: list[EventOut]


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)


class TicketFiltersIn(Schema):
    ticket_class: Text | None = Field(None, max_length=10, description="Class code.")
    status: Text | None = Field(
        None, max_length=20, description="open (default), closed, all, assigned or in_progress."
    )
    overdue: bool | None = None
    district: Text | None = Field(None, max_length=40, description="District key.")
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)


# --- helpers -----------------------------------------------------------------------------------


def _ticket_out(ticket: Ticket, now: datetime) -> dict[str, Any]:
    item, ticket_class, district = ticket.item, ticket.ticket_class, ticket.district
    return {
        **item_out(item, now),
        "ticket_class": {
            "code": ticket_class.code,
            "name": ticket_class.name,
            "hours": ticket_class.hours,
        },
        "district": {"key": district.key, "name": district.name} if district else None,
        "address": ticket.address,
        "latitude": ticket.latitude,
        "longitude": ticket.longitude,
        "channel": ticket.channel,
        "published": ticket.published,
        "due_roc": format_roc_short_datetime(item.due_at),
        "acknowledged_at": ticket.acknowledged_at,
        "reported_back_at": ticket.reported_back_at,
        "hours_to_report": ticket.hours_to_report,
        "reporter": {
            "name": masking.mask_name(ticket.reporter_name),
            "phone": masking.mask_phone(ticket.reporter_phone),
        },
    }


def _problem(field: str, message: Any) -> ApiProblem:
    text = str(message)
    return ApiProblem(
        400, f"{field}: {text}", errors=[{"location": ["body", field], "message": text}]
    )


def _class(code: str) -> TicketClass:
    found = TicketClass.objects.filter(code=code.strip(), is_active=True).first()
    if found is None:
        raise _problem("ticket_class", UNKNOWN_CLASS)
    return found


def _district(key: str | None) -> District | None:
    if not key:
        return None
    found = District.objects.filter(key=key.strip()).first()
    if found is None:
        raise _problem("district", UNKNOWN_DISTRICT)
    return found


def _register(user: User, payload: TicketIn) -> Outcome:
    try:
        ticket = services.ticket_create(
            by=user,
            ticket_class=_class(payload.ticket_class),
            description=payload.description,
            latitude=payload.latitude,
            longitude=payload.longitude,
            district=_district(payload.district),
            address=payload.address,
            reporter_name=payload.reporter_name,
            reporter_phone=payload.reporter_phone,
            channel=payload.channel,
        )
    except services.LocationError as error:
        raise _problem("latitude", error) from error
    except services.DispatchError as error:
        raise ApiProblem(400, str(error)) from error
    body = TicketOut(**_ticket_out(ticket, clock.now())).model_dump(mode="json")
    return Outcome(status=201, body=body)


# --- endpoints ---------------------------------------------------------------------------------


@router.post(
    "",
    response={201: TicketOut},
    summary="Register a dispatch ticket",
    description=(
        "For staff and system accounts that may register items (the 1999 console, "
        "the city app). The class's agency is notified at once. Send an "
        "`Idempotency-Key` header (1–255 visible ASCII characters, new for each "
        "ticket) to make a resend safe: the same key with the same body answers the "
        "first response again, with `Idempotent-Replayed: true`; the same key with "
        "another body answers 422. Keys are kept for 24 hours."
    ),
)
def create_ticket(
    request: HttpRequest, response: HttpResponse, payload: TicketIn
) -> HttpStatus[Any]:
    user = api_user(request)
    if not policy.may_create(user):
        raise ApiProblem(403, str(MAY_NOT_CREATE))
    return respond_once(request, response, user=user, operation=lambda: _register(user, payload))


@router.get(
    "",
    response=TicketPage,
    summary="List the tickets you may see",
    description=(
        "Open tickets (the default, and `assigned`, `in_progress`, `overdue`) come "
        "soonest deadline first; `closed` and `all` come newest first. Page with "
        "`next_cursor`."
    ),
)
def list_tickets(request: HttpRequest, filters: Query[TicketFiltersIn]) -> dict[str, Any]:
    now = clock.now()
    chosen = selectors.TicketFilters(status=filters.status or "", overdue=bool(filters.overdue))
    tickets = selectors.dispatcher_list(api_user(request), chosen, now=now)
    if filters.ticket_class:
        tickets = tickets.filter(ticket_class__code=filters.ticket_class)
    if filters.district:
        tickets = tickets.filter(district__key=filters.district)
    page = keyset_page(
        tickets,
        ordering=selectors.list_order(chosen),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {
        "items": [_ticket_out(ticket, now) for ticket in page.rows],
        "next_cursor": page.next_cursor,
    }


@router.get("/{id:ticket_id}", response=TicketDetailOut, summary="One ticket with its reports")
def get_ticket(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    ticket = selectors.ticket_for_user(api_user(request), ticket_id)
    item = get_item(request, ticket.pk)  # the item's allowed actions and history
    reports = ReportBack.objects.filter(ticket=ticket).select_related("by")
    return {
        **item,
        **_ticket_out(ticket, clock.now()),
        "description": ticket.description,
        "reports": [
            {"at": r.at, "by": str(r.by), "status_text": r.status_text, "done": r.done}
            for r in reports
        ],
    }


@router.post(
    "/{id:ticket_id}/acknowledge",
    response={200: TicketDetailOut},
    summary="Acknowledge a ticket for the responsible agency",
)
def acknowledge(request: HttpRequest, ticket_id: int, payload: AcknowledgeIn) -> dict[str, Any]:
    user = api_user(request)
    ticket = selectors.ticket_for_user(user, ticket_id)
    if not policy.may_acknowledge(user, ticket):
        raise ApiProblem(403, str(MAY_NOT_ACKNOWLEDGE))
    try:
        services.ticket_acknowledge(ticket=ticket, by=user, version=payload.version)
    except TrackingError as error:
        raise ApiProblem(409, str(error)) from error
    return get_ticket(request, ticket.pk)


@router.post(
    "/{id:ticket_id}/report-back",
    response={200: TicketDetailOut},
    summary="Report what was done on site",
    description="`done: true` closes the ticket with its verdict; photos go through the page.",
)
def report_back(request: HttpRequest, ticket_id: int, payload: ReportIn) -> dict[str, Any]:
    user = api_user(request)
    ticket = selectors.ticket_for_user(user, ticket_id)
    if not policy.may_report_back(user, ticket):
        raise ApiProblem(403, str(MAY_NOT_REPORT))
    try:
        services.ticket_report_back(
            ticket=ticket, by=user, status_text=payload.status_text, done=payload.done
        )
    except services.DispatchError as error:
        raise ApiProblem(400, str(error)) from error
    except TrackingError as error:
        raise ApiProblem(409, str(error)) from error
    return get_ticket(request, ticket.pk)
