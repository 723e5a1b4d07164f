"""The citizen's booking pages (no sign-in) under /legal/, and the consultation desk
under /legal/desk/. Each view checks permission, validates input, calls one service,
and renders or redirects. The private code is shown once and travels only in POST
bodies, never in URLs; so does the confirmation code the citizen types back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yankao.accounts.models import User
from yankao.calendar.templatetags.roc import roc_date
from yankao.core import clock, masking
from yankao.core.forms import PersonalDataForm
from yankao.core.ratelimits import client_address, public_rate_limited
from yankao.core.taipei import to_taipei
from yankao.legal import policy, services
from yankao.legal.forms import (
    BookingForm,
    CancelForm,
    ConfirmForm,
    DeskForm,
    LawyerAddForm,
    LawyerForm,
    LookUpForm,
    OutcomeForm,
    RotaForm,
    SessionCancelForm,
    StaffBookingForm,
    WaitlistForm,
)
from yankao.legal.models import (
    Booking,
    BookingChannel,
    BookingStatus,
    ConfirmVia,
    Lawyer,
    Session,
    Venue,
    WaitlistEntry,
)
from yankao.legal.selectors import (
    booking_by_number_and_code,
    booking_for_user,
    full_days,
    group_slots,
    session_day_sheet,
    session_for_user,
    session_group,
    session_public,
    session_slots,
    sessions_bookable,
    sessions_visible_to,
    venues_open,
    waitlist_of,
    with_taken,
)

# Limits of how often, answered 429; the others (a phone's, an e-mail's open bookings) 409.
RATE_LIMITS = ("address", "recipient")


def _language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hant"


# --- the public pages ---------------------------------------------------------------------


def venues(request: HttpRequest) -> HttpResponse:
    """Step 1: the venues, each with its next free day."""
    sessions = sessions_bookable()
    first_free: dict[int, Session] = {}
    for session in sessions:
        first_free.setdefault(session.venue_id, session)
    rows = [(venue, first_free.get(venue.pk)) for venue in venues_open()]
    return render(request, "legal/venues.html", {"rows": rows})


def _waitlist_form(venue: Venue, bookable: list[Session], data: Any = None) -> WaitlistForm:
    days = [(day.isoformat(), roc_date(day)) for day in full_days(venue, bookable)]
    return WaitlistForm(data, days=days)


@never_cache
@public_rate_limited("legal-waitlist")
def venue_days(request: HttpRequest, key: str) -> HttpResponse:
    """Step 2: the sessions at one venue with free slots, by day; and the waiting
    list for the days that are full."""
    venue = get_object_or_404(Venue, key=key, is_active=True)
    bookable = sessions_bookable(venue)
    form = _waitlist_form(venue, bookable, request.POST or None)
    context: dict[str, Any] = {
        "venue": venue,
        "sessions": _one_per_time(bookable),
        "waitlist_form": form,
    }
    if request.method != "POST":
        return render(request, "legal/venue_days.html", context)
    if not form.is_valid():
        return render(request, "legal/venue_days.html", context, status=400)
    data = form.cleaned_data
    try:
        entry = services.waitlist_join(
            venue=venue,
            day=data["day"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            consent=data["consent"],
            language=_language(),
        )
    except services.LegalError as error:
        form.add_error(None, str(error))
        return render(request, "legal/venue_days.html", context, status=409)
    context.update(waiting=entry, waitlist_form=_waitlist_form(venue, bookable))
    return render(request, "legal/venue_days.html", context, status=201)


def _one_per_time(sessions: list[Session]) -> list[Session]:
    """Citizens choose a time, not a desk: sessions at the same time (several lawyers
    at once) show as one row, counting the times free at any desk."""
    rows: dict[tuple[Any, Any], Session] = {}
    free: dict[tuple[Any, Any], set[int]] = {}
    for session in sessions:
        key = (session.date, session.starts_at)
        rows.setdefault(key, session)
        free.setdefault(key, set()).update(slot.index for slot in session.free)  # type: ignore[attr-defined]
    for key, session in rows.items():
        session.free_slots = len(free[key])  # type: ignore[attr-defined]
    return list(rows.values())


def _booking_page(
    request: HttpRequest, session: Session, form: BookingForm, status: int = 200
) -> HttpResponse:
    context = {"session": session, "form": form}
    return render(request, "legal/book.html", context, status=status)


@never_cache
@public_rate_limited("legal-book")
def book(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: a free time and the citizen's details. The sessions held at the same
    time by several lawyers offer their times together; the first desk free at the
    chosen time takes the booking. It then waits for the confirmation code."""
    session = session_public(pk)
    slots, desks = group_slots(session_group(session))
    form = BookingForm(
        request.POST or None, slots=slots, confirm_via=services.citizen_confirm_via()
    )
    if request.method != "POST":
        return _booking_page(request, session, form)
    if form.is_robot():
        raise Http404
    if not form.is_valid():
        return _booking_page(request, session, form, status=400)
    data = form.cleaned_data
    error: services.LegalError = services.SlotTaken(
        _("Someone has just booked this slot. Please choose another one.")
    )
    for desk in desks.get(data["slot"], []):
        try:
            booked = services.booking_create(
                session=desk,
                slot=data["slot"],
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                topic=data["topic"],
                question=data["question"],
                consent=data["consent"],
                channel=BookingChannel.WEB,
                language=_language(),
                by=None,
                client_address=client_address(request),
            )
        except services.SlotTaken as taken:
            error = taken  # another desk may still have the time
        except services.LegalError as refused:
            error = refused
            break
        else:
            return _waiting(request, booked.booking, booked.code, status=201)
    slots = group_slots(session_group(session))[0]
    form = BookingForm(request.POST, slots=slots, confirm_via=services.citizen_confirm_via())
    form.is_valid()
    form.add_error("slot" if isinstance(error, services.SlotTaken) else None, str(error))
    return _booking_page(request, session, form, status=_refusal_status(error))


def _refusal_status(error: services.LegalError) -> int:
    """429 when one network address holds too many bookings, or a phone or e-mail
    address has had its hour's codes; else 409."""
    limited = isinstance(error, services.LimitReached) and error.per in RATE_LIMITS
    return 429 if limited else 409


def _destination(booking: Booking) -> str:
    """Where the code went, masked as on every page."""
    if booking.confirm_via == ConfirmVia.SMS:
        return masking.mask_phone(booking.citizen_phone)
    return masking.mask_email(booking.citizen_email)


def _waiting(
    request: HttpRequest,
    booking: Booking,
    code: str,
    *,
    form: ConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The booking waiting for its confirmation code: its time, its number and private
    code, where the code went, and the field to type it in."""
    context = {
        "booking": booking,
        "code": code,
        "destination": _destination(booking),
        "confirm_form": form or ConfirmForm(initial={"number": booking.number, "code": code}),
    }
    response = render(request, "legal/confirm.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_POST
@public_rate_limited("legal-confirm")
def confirm(request: HttpRequest) -> HttpResponse:
    """The citizen types back the code sent to their phone or e-mail. Only the
    booking's number with its private code lets a code be tried, so nobody else can
    spend a booking's tries."""
    form = ConfirmForm(request.POST)
    form.is_valid()
    booking, code = None, ""
    if not (form.has_error("number") or form.has_error("code")):
        number, code = form.cleaned_data["number"], form.cleaned_data["code"]
        booking = booking_by_number_and_code(number, code)
    if booking is None:
        context: dict[str, Any] = {"form": LookUpForm(), "looked_up": True}
        return render(request, "legal/look_up.html", context, status=400)
    if form.has_error("confirmation"):
        if booking.is_waiting(clock.now()):
            return _waiting(request, booking, code, form=form, status=400)
        context = {"form": LookUpForm(), "looked_up": True, **_booking_context(booking, code)}
        return render(request, "legal/look_up.html", context, status=400)
    try:
        booking = services.booking_confirm(booking=booking, code=form.cleaned_data["confirmation"])
    except services.WrongCode as wrong:
        form.add_error("confirmation", str(wrong))
        return _waiting(request, booking, code, form=form, status=400)
    except services.LegalError as refused:
        booking.refresh_from_db()
        context = {"form": LookUpForm(), "looked_up": True, "confirm_error": str(refused)}
        context.update(_booking_context(booking, code))
        return render(request, "legal/look_up.html", context, status=409)
    # Confirmed by its code, the booking is told to its e-mail address, if it has one.
    confirmed = services.Booked(booking=booking, code=code, mailed=bool(booking.citizen_email))
    return _booked(request, confirmed, status=200)


def _booked(
    request: HttpRequest, booked: services.Booked, *, status: int = 201, **extra: Any
) -> HttpResponse:
    context = {"booking": booked.booking, "code": booked.code, "mailed": booked.mailed, **extra}
    response = render(request, "legal/booked.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _booking_context(booking: Booking, code: str) -> dict[str, Any]:
    now = clock.now()
    waiting = booking.is_waiting(now)
    open_booking = booking.status == BookingStatus.BOOKED or waiting
    may_cancel = open_booking and now <= services.cancel_deadline(booking)
    return {
        "booking": booking,
        "waiting": waiting,
        "lapsed": booking.has_lapsed(now),
        "destination": _destination(booking) if waiting else "",
        # Its own ids: the look-up form on the same page has fields of the same names.
        "confirm_form": ConfirmForm(initial={"number": booking.number, "code": code})
        if waiting
        else None,
        "cancel_form": CancelForm(
            initial={"number": booking.number, "code": code}, auto_id="cancel_%s"
        )
        if may_cancel
        else None,
        "cancel_deadline": services.cancel_deadline(booking),
        "late_to_cancel": open_booking and not may_cancel,
    }


@never_cache
@public_rate_limited("legal-look-up")
def look_up(request: HttpRequest) -> HttpResponse:
    """A booking for its number and private code: its time, and cancelling it."""
    form = LookUpForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        booking = booking_by_number_and_code(form.cleaned_data["number"], code)
        context["looked_up"] = True
        if booking is not None:
            context.update(_booking_context(booking, code))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "legal/look_up.html", context, status=status)


@never_cache
@require_POST
@public_rate_limited("legal-cancel")
def cancel(request: HttpRequest) -> HttpResponse:
    form = CancelForm(request.POST)
    number, code = request.POST.get("number", ""), request.POST.get("code", "")
    booking = booking_by_number_and_code(number, code) if form.is_valid() else None
    context: dict[str, Any] = {"form": LookUpForm(), "looked_up": True}
    if booking is None:
        return render(request, "legal/look_up.html", context, status=400)
    try:
        booking = services.booking_cancel(booking=booking, by=None)
    except services.LegalError as error:
        context.update(_booking_context(booking, code), cancel_error=str(error))
        return render(request, "legal/look_up.html", context, status=409)
    context.update(_booking_context(booking, code), cancelled=True)
    return render(request, "legal/look_up.html", context)


# --- the desk -----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _desk_user(request: HttpRequest) -> User:
    user = _user(request)
    if not policy.may_run_desk(user):
        raise PermissionDenied
    return user


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """Two weeks of sessions from a chosen day (yesterday by default) at the venues
    in the user's scope, with how many slots are taken. One query."""
    user = _desk_user(request)
    today = to_taipei(clock.now()).date()
    form = DeskForm(request.GET or None)
    start, venue = today - timedelta(days=1), None
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        venue = form.cleaned_data["venue"]
    sessions = (
        sessions_visible_to(user)
        .filter(date__gte=start, date__lte=start + timedelta(days=14))
        .select_related("venue", "lawyer")
    )
    if venue is not None:
        sessions = sessions.filter(venue=venue)
    context = {
        "form": form,
        "sessions": with_taken(sessions).order_by("date", "starts_at", "venue__sort_order"),
        "start": start,
    }
    return render(request, "legal/desk.html", context, status=400 if form.errors else 200)


def _masked(booking: Booking | WaitlistEntry) -> dict[str, str]:
    return {
        "name": masking.mask_name(booking.citizen_name),
        "phone": masking.mask_phone(booking.citizen_phone),
        "email": masking.mask_email(booking.citizen_email),
    }


def _unmasked(booking: Booking | WaitlistEntry) -> dict[str, str]:
    return {
        "name": booking.citizen_name,
        "phone": booking.citizen_phone,
        "email": booking.citizen_email,
    }


def _sheet(
    request: HttpRequest,
    session: Session,
    *,
    unmasked: bool = False,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    forms = forms or {}
    bookings = session_day_sheet(session)
    show = _unmasked if unmasked else _masked
    rows = [(booking, show(booking)) for booking in bookings]
    waiting = [(entry, show(entry)) for entry in waitlist_of(session)]
    now = clock.now()
    context = {
        "session": session,
        "rows": rows,
        "waiting": waiting,
        "taken": sum(booking.holds_slot(now) for booking in bookings),
        "unmasked": unmasked,
        "may_unmask": policy.may_see_personal_data(user, session) and not unmasked,
        "personal_form": forms.get("personal") or PersonalDataForm(),
        "cancel_form": forms.get("cancel") or SessionCancelForm(),
        "lawyer_form": forms.get("lawyer") or LawyerForm(initial={"lawyer": session.lawyer_id}),
        "outcome_form": OutcomeForm(),
        "may_book": policy.may_book(user) and not session.is_cancelled,
        "now": now,
    }
    response = render(request, "legal/sheet.html", context, status=status)
    if unmasked:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The day sheet of a session: who comes when, masked; printable."""
    user = _desk_user(request)
    return _sheet(request, session_for_user(user, pk))


@login_required
@require_POST
def sheet_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The day sheet with names and phones unmasked, in this response only; logged."""
    user = _desk_user(request)
    session = session_for_user(user, pk)
    if not policy.may_see_personal_data(user, session):
        raise PermissionDenied
    form = PersonalDataForm(request.POST)
    if not form.is_valid():
        return _sheet(request, session, forms={"personal": form}, status=400)
    shown = session.bookings.exclude(status=BookingStatus.CANCELLED).count() + len(
        waitlist_of(session)
    )
    services.personal_data_access_log(
        session=session,
        by=user,
        reason=form.cleaned_data["reason"],
        where="day-sheet",
        shown=shown,
    )
    return _sheet(request, session, unmasked=True)


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk_user(request)
    session = session_for_user(user, pk)
    form = SessionCancelForm(request.POST)
    if not form.is_valid():
        return _sheet(request, session, forms={"cancel": form}, status=400)
    try:
        count = services.session_cancel(
            session=session, by=user, reason=form.cleaned_data["reason"]
        )
    except services.LegalError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The session is cancelled; %(count)d booking(s) cancelled and the citizens told.")
            % {"count": count},
        )
    return redirect("legal:sheet", pk=session.pk)


@login_required
@require_POST
def session_lawyer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk_user(request)
    session = session_for_user(user, pk)
    form = LawyerForm(request.POST)
    if not form.is_valid():
        return _sheet(request, session, forms={"lawyer": form}, status=400)
    try:
        services.session_lawyer_set(session=session, lawyer=form.cleaned_data["lawyer"], by=user)
    except services.LegalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The lawyer of the session is changed."))
    return redirect("legal:sheet", pk=session.pk)


@login_required
@require_POST
def booking_outcome(request: HttpRequest, pk: int, booking_pk: int) -> HttpResponse:
    user = _desk_user(request)
    session = session_for_user(user, pk)
    booking = booking_for_user(user, session, booking_pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose attended or did not come."))
        return redirect("legal:sheet", pk=session.pk)
    try:
        services.booking_outcome_set(
            booking=booking,
            status=form.cleaned_data["status"],
            advice=form.cleaned_data["advice"],
            by=user,
        )
    except services.LegalError as error:
        messages.error(request, str(error))
    else:
        done = _("Recorded for booking %(number)s.") % {"number": booking.number}
        messages.success(request, done)
    return redirect("legal:sheet", pk=session.pk)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int, booking_pk: int) -> HttpResponse:
    user = _desk_user(request)
    session = session_for_user(user, pk)
    booking = booking_for_user(user, session, booking_pk)
    try:
        services.booking_cancel(booking=booking, by=user)
    except services.LegalError as error:
        messages.error(request, str(error))
    else:
        done = _("Booking %(number)s is cancelled.") % {"number": booking.number}
        messages.success(request, done)
    return redirect("legal:sheet", pk=session.pk)


@login_required
@require_POST
def booking_release(request: HttpRequest, pk: int, booking_pk: int) -> HttpResponse:
    """Free the slot of a booking still waiting for its code, or of a confirmed one
    whose citizen has not come (then recorded as did not come); the booking keeps
    who released it and when."""
    user = _desk_user(request)
    session = session_for_user(user, pk)
    booking = booking_for_user(user, session, booking_pk)
    try:
        services.booking_release(booking=booking, by=user)
    except services.LegalError as error:
        messages.error(request, str(error))
    else:
        done = _("The time of booking %(number)s is free again.") % {"number": booking.number}
        messages.success(request, done)
    return redirect("legal:sheet", pk=session.pk)


@login_required
@never_cache
def desk_book(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk books a slot for a caller, through the same service as the web."""
    user = _user(request)
    if not policy.may_book(user):
        raise PermissionDenied
    session = session_for_user(user, pk)
    form = StaffBookingForm(request.POST or None, slots=session_slots(session, public=False))
    context = {"session": session, "form": form}
    if request.method != "POST":
        return render(request, "legal/desk_book.html", context)
    if not form.is_valid():
        return render(request, "legal/desk_book.html", context, status=400)
    data = form.cleaned_data
    try:
        booked = services.booking_create(
            session=session,
            slot=data["slot"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            topic=data["topic"],
            question=data["question"],
            consent=data["consent"],
            channel=data["channel"],
            language=settings.LANGUAGE_CODE,
            by=user,
        )
    except services.LegalError as error:
        form.add_error("slot" if isinstance(error, services.SlotTaken) else None, str(error))
        return render(request, "legal/desk_book.html", context, status=409)
    return _booked(request, booked, staff=True)


@login_required
def rota(request: HttpRequest) -> HttpResponse:
    """Generate sessions from a weekly pattern over a date range."""
    user = _desk_user(request)
    form = RotaForm(request.POST or None)
    if request.method != "POST":
        return render(request, "legal/rota.html", {"form": form})
    if not form.is_valid():
        return render(request, "legal/rota.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        result = services.rota_generate(
            venue=data["venue"],
            first=data["first"],
            last=data["last"],
            weekdays=set(data["weekdays"]),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            desks=data["desks"],
            lawyers=list(data["lawyers"]),
            on_makeup_days=data["on_makeup_days"],
            by=user,
        )
    except services.LegalError as error:
        form.add_error(None, str(error))
        return render(request, "legal/rota.html", {"form": form}, status=400)
    context = {"form": form, "result": result}
    return render(request, "legal/rota.html", context, status=201)


@login_required
def lawyers(request: HttpRequest) -> HttpResponse:
    """The bar association's volunteer lawyers on the rota, and adding one. Their
    contact details are for the desk only."""
    _desk_user(request)
    form = LawyerAddForm(request.POST or None, initial={"bar_association": "高雄律師公會"})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                lawyer = services.lawyer_create(**form.cleaned_data)
            except services.LegalError as error:
                form.add_error("licence_number", str(error))
            else:
                messages.success(request, _("%(name)s is added to the lawyers.") % {"name": lawyer})
                return redirect("legal:lawyers")
    context = {"form": form, "lawyers": Lawyer.objects.all()}
    return render(request, "legal/lawyers.html", context, status=status)
