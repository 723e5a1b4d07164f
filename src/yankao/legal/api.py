"""Free legal consultations on the JSON API: the venues and the sessions with free
slots (public, no token), booking a slot for a citizen (staff and system accounts
such as the city's app; with an optional Idempotency-Key), confirming a booking
with the code sent to the citizen, and cancelling one. Errors are RFC 9457 problem
documents with messages in the request's language.

The city's app books on the citizen's rules (ADR 0022): the booking waits for the
confirmation code sent to the citizen's phone or e-mail, and the open bookings of
one network address are limited, counting the address the app passes on for the
citizen (`client_address`) or else the app's own."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic import IPvAnyAddress

from yankao.calendar.roc import format_roc_short
from yankao.core.api import ApiProblem, Text, ZonedTime, problem_responses
from yankao.core.codes import LEGAL_BOOKING
from yankao.core.idempotency import Outcome, respond_once
from yankao.core.numbering import BOOKING_NUMBERS
from yankao.core.ratelimits import client_address
from yankao.core.taipei import wall_time
from yankao.legal import policy, services
from yankao.legal.forms import BookingForm
from yankao.legal.models import Booking, BookingChannel, Session, Topic, Venue
from yankao.legal.selectors import (
    Slot,
    booking_by_number_and_code,
    sessions_bookable,
    venues_open,
)
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
    client_address: IPvAnyAddress | None = Field(
        None,
        description=(
            "The citizen's network address as the city's app saw it; it counts toward the "
            "limit of open bookings per address. Without it, the caller's own address counts. "
            "Ignored for the desk."
        ),
    )


class BookingOut(Schema):
    number: str
    code: str = Field(..., description="Shown in this response only; the citizen needs it.")
    venue: str
    date: date
    date_roc: str
    starts_at: datetime
    ends_at: datetime
    status: str = Field(..., description="`pending` until confirmed with the code, or `booked`.")
    hold_until: datetime | None = Field(
        None, description="A pending booking holds its slot until then; unconfirmed, it lapses."
    )
    confirm_via: str | None = Field(
        None, description="Where the confirmation code was sent: `sms` or `email`."
    )


class ConfirmIn(Schema):
    code: Text = Field(..., max_length=40, description="The booking's private code.")
    confirmation: Text = Field(
        ..., max_length=20, description="The confirmation code sent to the citizen."
    )


class ConfirmedOut(Schema):
    number: str
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


def _refused(error: services.LegalError) -> ApiProblem:
    """A booking refused: a slot just taken and a phone's or e-mail's limit are
    conflicts (409); too many open bookings from one address, or too many codes to
    one phone or e-mail address in an hour, is 429."""
    if isinstance(error, services.LimitReached):
        rate = error.per in ("address", "recipient")
        return ApiProblem(429 if rate else 409, str(error))
    if isinstance(error, services.SlotTaken):
        return ApiProblem(409, str(error))
    return ApiProblem(400, str(error))


def _book(user: Any, payload: BookingIn, address: str) -> Outcome:
    session = Session.objects.select_related("venue").filter(pk=payload.session).first()
    if session is None:
        raise ApiProblem(404, str(NO_SESSION))
    # The city's app books for the citizen on the citizen's rules; the desk not.
    as_citizen = not policy.may_run_desk(user)
    data = payload.model_dump(exclude={"client_address"})
    form = BookingForm(
        {**data, "consent": "on" if payload.consent else ""},
        # Every slot of the session is a choice here; the service says why one is not free.
        slots=[
            Slot(index=i, starts=session.slot_start(i), ends=session.slot_end(i), free=True)
            for i in range(session.slot_count)
        ],
        confirm_via=services.citizen_confirm_via() if as_citizen else "",
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
            as_citizen=as_citizen,
            client_address=address,
        )
    except services.LegalError as error:
        raise _refused(error) from error
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
        hold_until=booking.hold_until,
        confirm_via=booking.confirm_via or None,
    )
    return Outcome(status=201, body=body.model_dump(mode="json"), sealed=("code",))


@router.post(
    "/bookings",
    response={201: BookingOut},
    openapi_extra=problem_responses(404),  # an unknown session
    summary="Book a slot for a citizen",
    description=(
        "For the consultation desk and system accounts (the city's app). The same rules "
        "as the web page: a free slot, not past, the monthly limit per phone number, the "
        "limits of open bookings per phone and e-mail (409) and, for the app, per network "
        "address (429). A slot just taken answers 409. The app's bookings are `pending`: "
        "they hold the slot until `hold_until` and need the code sent to the citizen "
        "(POST .../confirm); the desk's are `booked` at once. Send an `Idempotency-Key` "
        "header to make a resend safe: the same key with the same body answers the first "
        "response again."
    ),
)
def create_booking(
    request: HttpRequest, response: HttpResponse, payload: BookingIn
) -> HttpStatus[Any]:
    user = api_user(request)
    if not policy.may_book(user):
        raise ApiProblem(403, str(MAY_NOT_BOOK))
    response["Cache-Control"] = "no-store"  # the private code is in the body
    address = str(payload.client_address) if payload.client_address else client_address(request)
    return respond_once(
        request, response, user=user, operation=lambda: _book(user, payload, address)
    )


@router.post(
    "/bookings/{number}/confirm",
    response=ConfirmedOut,
    summary="Confirm a pending booking with the citizen's code",
    description=(
        "The private code and the confirmation code sent to the citizen's phone or "
        "e-mail. A wrong code answers 400 and counts; after a few, or once `hold_until` "
        "has passed, the booking is released and the answer is 409. An unknown number "
        "or a wrong private code answers 404."
    ),
)
def confirm_booking(request: HttpRequest, number: Text, payload: ConfirmIn) -> dict[str, Any]:
    user = api_user(request)
    if not policy.may_book(user):
        raise ApiProblem(403, str(MAY_NOT_BOOK))
    booking = booking_by_number_and_code(number, payload.code)
    if booking is None:
        raise ApiProblem(404, str(NO_BOOKING))
    try:
        booking = services.booking_confirm(booking=booking, code=payload.confirmation)
    except services.WrongCode as error:
        raise ApiProblem(400, str(error)) from error
    except services.LegalError as error:
        raise ApiProblem(409, str(error)) from error
    return {"number": booking.number, "status": booking.status}


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
