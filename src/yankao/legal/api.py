"""Free legal consultations on the JSON API: the venues and the sessions with free
slots (public, no token), booking a slot for a citizen (staff and system accounts
such as the city's app; with an optional Idempotency-Key) and cancelling one.
Errors are RFC 9457 problem documents with messages in the request's language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yankao.calendar.roc import format_roc_short
from yankao.core.api import ApiProblem, Text, ZonedTime, problem_responses
from yankao.core.codes import LEGAL_BOOKING
from yankao.core.idempotency import Outcome, respond_once
from yankao.core.numbering import BOOKING_NUMBERS
from yankao.core.taipei import wall_time
from yankao.legal import policy, services
from yankao.legal.forms import BookingForm
from yankao.legal.models import Booking, BookingChannel, Session, Topic, Venue
from yankao.legal.selectors import Slot, sessions_bookable, venues_open
from yankao.tracking.api import api_user

router = Router(tags=["legal consultations"])

MAY_NOT_BOOK = _("Your role may not book legal consultations.")
NO_SESSION = _("There is no such session open for booking.")
NO_BOOKING = _("No booking matches this number and code.")
FIELDS_INVALID = _("The booking's fields are not valid.")


class VenueOut(Schema):
    key: str
    name: str
    district: str | None
    address: str
    slot_minutes: int


class SlotOut(Schema):
    index: int
    starts_at: datetime
    ends_at: datetime


class SessionOut(Schema):
    id: int
    venue: str = Field(..., description="The venue's key.")
    date: date
    date_roc: str
    starts_at: ZonedTime = Field(..., description="Asia/Taipei, with its offset: 14:00:00+08:00.")
    ends_at: ZonedTime = Field(..., description="Asia/Taipei, with its offset: 16:00:00+08:00.")
    free_slots: list[SlotOut]


class SessionFilters(Schema):
    venue: Text | None = Field(None, max_length=40, description="A venue's key.")


class BookingIn(Schema):
    session: int
    slot: int = Field(..., ge=0, le=100, description="The slot's index in the session.")
    name: Text = Field(..., max_length=200)
    phone: Text = Field(..., max_length=200)
    email: Text = Field("", max_length=254)
    topic: Text = Field(..., description="One of: " + ", ".join(Topic.values) + ".")
    question: Text = Field(..., max_length=2000)
    consent: bool = Field(..., description="The citizen agreed to the use of their data.")


class BookingOut(Schema):
    number: str
    code: str = Field(..., description="Shown in this response only; the citizen needs it.")
    venue: str
    date: date
    date_roc: str
    starts_at: datetime
    ends_at: datetime
    status: str


class CancelIn(Schema):
    code: Text = Field("", max_length=40, description="Needed unless you run the desk.")


class CancelledOut(Schema):
    number: str
    status: str


@router.get("/venues", response=list[VenueOut], auth=None, summary="Consultation venues")
def list_venues(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "key": venue.key,
            "name": venue.name,
            "district": venue.district.name if venue.district else None,
            "address": venue.address,
            "slot_minutes": venue.slot_minutes,
        }
        for venue in venues_open()
    ]


def _session_out(session: Session) -> dict[str, Any]:
    return {
        "id": session.pk,
        "venue": session.venue.key,
        "date": session.date,
        "date_roc": format_roc_short(session.date),
        "starts_at": wall_time(session.date, session.starts_at),
        "ends_at": wall_time(session.date, session.ends_at),
        "free_slots": [
            {"index": slot.index, "starts_at": slot.starts, "ends_at": slot.ends}
            for slot in session.free  # type: ignore[attr-defined]
        ],
    }


@router.get(
    "/sessions",
    response=list[SessionOut],
    auth=None,
    summary="Sessions with free slots in the booking window",
    openapi_extra=problem_responses(404),  # an unknown venue
)
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> list[dict[str, Any]]:
    venue = None
    if filters.venue:
        venue = Venue.objects.filter(key=filters.venue, is_active=True).first()
        if venue is None:
            raise ApiProblem(404, str(_("There is no such venue.")))
    return [_session_out(session) for session in sessions_bookable(venue)]


def _invalid(form: BookingForm) -> ApiProblem:
    errors = [
        {"location": ["body", field], "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    detail = "; ".join(f"{e['location'][1]}: {e['message']}" for e in errors)
    return ApiProblem(400, detail or str(FIELDS_INVALID), errors=errors)


def _book(user: Any, payload: BookingIn) -> Outcome:
    session = Session.objects.select_related("venue").filter(pk=payload.session).first()
    if session is None:
        raise ApiProblem(404, str(NO_SESSION))
    data = payload.model_dump()
    form = BookingForm(
        {**data, "consent": "on" if payload.consent else ""},
        # Every slot of the session is a choice here; the service says why one is not free.
        slots=[
            Slot(index=i, starts=session.slot_start(i), ends=session.slot_end(i), free=True)
            for i in range(session.slot_count)
        ],
    )
    if not form.is_valid():
        raise _invalid(form)
    try:
        booked = services.booking_create(
            session=session,
            slot=payload.slot,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
            topic=form.cleaned_data["topic"],
            question=form.cleaned_data["question"],
            consent=payload.consent,
            channel=BookingChannel.API,
            by=user,
            # The city's app books for the citizen on the citizen's rules; the desk not.
            as_citizen=not policy.may_run_desk(user),
        )
    except services.SlotTaken as error:
        raise ApiProblem(409, str(error)) from error
    except services.LegalError as error:
        raise ApiProblem(400, str(error)) from error
    booking = booked.booking
    body = BookingOut(
        number=booking.number,
        code=booked.code,
        venue=session.venue.key,
        date=session.date,
        date_roc=format_roc_short(session.date),
        starts_at=booking.starts,
        ends_at=booking.ends,
        status=booking.status,
    )
    return Outcome(status=201, body=body.model_dump(mode="json"))


@router.post(
    "/bookings",
    response={201: BookingOut},
    openapi_extra=problem_responses(404),  # an unknown session
    summary="Book a slot for a citizen",
    description=(
        "For the consultation desk and system accounts (the city's app). The same rules "
        "as the web page: a free slot, not past, the monthly limit per phone number. A "
        "slot just taken answers 409. Send an `Idempotency-Key` header to make a resend "
        "safe: the same key with the same body answers the first response again."
    ),
)
def create_booking(
    request: HttpRequest, response: HttpResponse, payload: BookingIn
) -> HttpStatus[Any]:
    user = api_user(request)
    if not policy.may_book(user):
        raise ApiProblem(403, str(MAY_NOT_BOOK))
    response["Cache-Control"] = "no-store"  # the private code is in the body
    return respond_once(request, response, user=user, operation=lambda: _book(user, payload))


@router.post(
    "/bookings/{number}/cancel",
    response=CancelledOut,
    summary="Cancel a booking",
    description=(
        "The desk cancels any booking not yet held; other callers pass the citizen's "
        "private code, and the citizen's cut-off before the slot applies."
    ),
)
def cancel_booking(request: HttpRequest, number: str, payload: CancelIn) -> dict[str, Any]:
    user = api_user(request)
    # An unknown number answers as a wrong code does: the answer must not tell
    # which booking numbers exist.
    booking = (
        Booking.objects.select_related("session__venue")
        .filter(number=BOOKING_NUMBERS.normalise(number))
        .first()
    )
    desk = booking is not None and policy.may_see_personal_data(user, booking.session)
    if booking is None or (
        not desk and not (payload.code and LEGAL_BOOKING.matches(payload.code, booking.code_digest))
    ):
        raise ApiProblem(404, str(NO_BOOKING))
    try:
        booking = services.booking_cancel(booking=booking, by=user if desk else None)
    except services.LegalError as error:
        raise ApiProblem(409, str(error)) from error
    return {"number": booking.number, "status": booking.status}
