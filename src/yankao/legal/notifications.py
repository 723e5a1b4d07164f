"""What citizens are told by e-mail, and only if they gave an address: the booking
with its code, its cancellation, a cancelled session, a change of lawyer, and the
reminder the working day before; and the confirmation code of a booking made on
the web or in the city's app, by SMS or e-mail (ADR 0022). Messages go through the
outbox in the caller's transaction, in the language the citizen booked in.

The booking's confirmation, and a confirmation code, go to whatever address or phone
number was typed: they quote only the city's facts of the booking, carry the codes
sealed, and go to one address or number at most CONFIRMATIONS_PER_HOUR times an hour
(docs/adr/0021)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yankao.calendar.roc import format_roc_long, format_roc_short
from yankao.core.taipei import to_taipei
from yankao.legal.models import Booking, ConfirmVia, WaitlistEntry
from yankao.messaging.models import Channel
from yankao.messaging.services import absolute_url, outbox_enqueue, recipient_quota_take

CONFIRMATION = "legal-booking"
CONFIRMATION_CODE = "legal-confirmation-code"


def _when(booking: Booking) -> dict[str, str]:
    session = booking.session
    return {
        "number": booking.number,
        "venue": session.venue.name,
        "date": format_roc_long(session.date),
        "start": f"{booking.starts:%H:%M}",
        "end": f"{booking.ends:%H:%M}",
    }


def _send(booking: Booking, subject: str, body: str, key: str, *, secret: str = "") -> None:
    if not booking.citizen_email:
        return
    outbox_enqueue(
        to=[booking.citizen_email],
        subject=subject,
        body=body,
        dedupe_key=f"legal-booking-{booking.pk}-{key}",
        ref_type="legal.booking",
        ref_id=str(booking.pk),
        secret=secret,
    )


def booking_confirmed(booking: Booking, code: str) -> bool:
    """The booking and its code, unless the address had its hour's confirmations
    already; returns whether the message was queued (the page or the API answer
    shows the number and code either way)."""
    email = booking.citizen_email
    if not email or not recipient_quota_take(kind=CONFIRMATION, address=email):
        return False
    with translation.override(booking.language):
        values = {**_when(booking), "code": code, "link": absolute_url(reverse("legal:look-up"))}
        body = (
            _(
                "Your free legal consultation is booked: %(venue)s, %(date)s, %(start)s–%(end)s. "
                "Booking number %(number)s.\n\nYour private code is %(code)s. Keep it: with the "
                "booking number it lets you see or cancel the booking at\n%(link)s\n\n"
                "Please bring your documents about the matter and come a few minutes early."
            )
            % values
        )
        subject = _("Legal consultation booked: %(number)s") % values
        _send(booking, subject, body, "confirmed", secret=code)
    return True


def _hold_end(booking: Booking) -> str:
    assert booking.hold_until is not None
    return f"{to_taipei(booking.hold_until):%H:%M}"


def confirmation_code(booking: Booking, *, confirmation: str, code: str) -> bool:
    """The code that confirms a citizen's booking, where `confirm_via` says: a short
    SMS to the phone, or an e-mail that also carries the private code; the codes are
    sealed in the outbox. Whoever did not book is told to do nothing: the time is
    released by itself. False, and nothing queued, when the number or address has had
    its hour's confirmations."""
    to = booking.phone_digits if booking.confirm_via == ConfirmVia.SMS else booking.citizen_email
    if not recipient_quota_take(kind=f"{CONFIRMATION_CODE}-{booking.confirm_via}", address=to):
        return False
    with translation.override(booking.language):
        values = {
            **_when(booking),
            "confirmation": confirmation,
            "until": _hold_end(booking),
            "short_date": format_roc_short(booking.session.date),
            "link": absolute_url(reverse("legal:look-up")),
        }
        if booking.confirm_via == ConfirmVia.SMS:
            text = (
                _(
                    "Legal consultation confirmation code %(confirmation)s. Type it by "
                    "%(until)s to keep %(short_date)s %(start)s. Did not book? Ignore this."
                )
                % values
            )
            outbox_enqueue(
                channel=Channel.SMS,
                to=[booking.citizen_phone],
                subject="",
                body=text,
                dedupe_key=f"legal-booking-{booking.pk}-confirm-code",
                ref_type="legal.booking",
                ref_id=str(booking.pk),
                secret=confirmation,
            )
            return True
        # Both codes in one block: the outbox seals one secret a message.
        codes = _("Confirmation code: %(confirmation)s\nPrivate code: %(code)s") % {
            "confirmation": confirmation,
            "code": code,
        }
        body = _(
            "%(codes)s\n\nType the confirmation code on the booking page by %(until)s to "
            "confirm your free legal consultation: %(venue)s, %(date)s, %(start)s–%(end)s. "
            "Without it, the time is released for others at %(until)s.\n\nBooking number "
            "%(number)s. Keep the private code: with the booking number it lets you "
            "confirm, see or cancel the booking at\n%(link)s\n\nIf you did not book, "
            "ignore this message; nothing is booked in your name."
        ) % {**values, "codes": codes}
        subject = _("Confirm your legal consultation booking %(number)s") % values
        _send(booking, subject, body, "confirm-code", secret=codes)
    return True


def booking_now_confirmed(booking: Booking) -> None:
    """A citizen confirmed the booking with the code: the time is theirs. The private
    code is not repeated (it is not kept anywhere to repeat)."""
    with translation.override(booking.language):
        values = {**_when(booking), "link": absolute_url(reverse("legal:look-up"))}
        body = (
            _(
                "Your free legal consultation is confirmed: %(venue)s, %(date)s, "
                "%(start)s–%(end)s. Booking number %(number)s.\n\nWith the booking number "
                "and your private code you can see or cancel the booking at\n%(link)s\n\n"
                "Please bring your documents about the matter and come a few minutes early."
            )
            % values
        )
        subject = _("Legal consultation confirmed: %(number)s") % values
        _send(booking, subject, body, "confirmed")


def booking_cancelled(booking: Booking) -> None:
    with translation.override(booking.language):
        values = _when(booking)
        body = (
            _(
                "Your free legal consultation %(number)s at %(venue)s on %(date)s, "
                "%(start)s–%(end)s, is cancelled. The slot is free for others again."
            )
            % values
        )
        subject = _("Legal consultation cancelled: %(number)s") % values
        _send(booking, subject, body, "cancelled")


def session_cancelled(booking: Booking, reason: str) -> None:
    with translation.override(booking.language):
        values = {**_when(booking), "reason": reason, "link": absolute_url(reverse("legal:venues"))}
        body = (
            _(
                "We are sorry: the legal consultation session at %(venue)s on %(date)s is "
                "cancelled (%(reason)s), and with it your booking %(number)s at %(start)s. "
                "Please book another time at\n%(link)s\nor call the service centre."
            )
            % values
        )
        subject = _("Your legal consultation %(number)s is cancelled") % values
        _send(booking, subject, body, "session-cancelled")


def lawyer_changed(booking: Booking, change_id: str) -> None:
    with translation.override(booking.language):
        values = _when(booking)
        body = (
            _(
                "Another volunteer lawyer will see you for your legal consultation %(number)s "
                "at %(venue)s on %(date)s. Your time stays the same: %(start)s–%(end)s."
            )
            % values
        )
        subject = _("Your legal consultation %(number)s: another lawyer") % values
        _send(booking, subject, body, f"lawyer-{change_id}")


def sms_available() -> bool:
    """Whether the deployment has an SMS gateway (YANKAO_SMS_GATEWAY)."""
    return bool(getattr(settings, "YANKAO_SMS_GATEWAY", ""))


def booking_reminder(booking: Booking) -> None:
    """By e-mail; to a citizen who gave none, by SMS to the phone when the
    deployment has an SMS gateway."""
    with translation.override(booking.language):
        values = {**_when(booking), "link": absolute_url(reverse("legal:look-up"))}
        if not booking.citizen_email and sms_available():
            text = (
                _(
                    "Reminder: free legal consultation %(number)s, %(venue)s, %(date)s "
                    "%(start)s. If you cannot come, please cancel: %(link)s"
                )
                % values
            )
            outbox_enqueue(
                channel=Channel.SMS,
                to=[booking.citizen_phone],
                subject="",
                body=text,
                dedupe_key=f"legal-booking-{booking.pk}-reminder-sms",
                ref_type="legal.booking",
                ref_id=str(booking.pk),
            )
            return
        body = (
            _(
                "A reminder of your free legal consultation %(number)s: %(venue)s, %(date)s, "
                "%(start)s–%(end)s. If you cannot come, please cancel the booking at\n%(link)s\n"
                "so that someone else can have the slot."
            )
            % values
        )
        subject = _("Reminder: legal consultation on %(date)s") % values
        _send(booking, subject, body, "reminder")


def waitlist_free_time(entry: WaitlistEntry) -> None:
    if not entry.citizen_email:
        return
    with translation.override(entry.language):
        values = {
            "venue": entry.venue.name,
            "date": format_roc_long(entry.date),
            "link": absolute_url(reverse("legal:venue", args=[entry.venue.key])),
        }
        body = (
            _(
                "A time has become free for the free legal consultation at %(venue)s on "
                "%(date)s, the day you are waiting for. The first to book it gets it:\n%(link)s"
            )
            % values
        )
        subject = _("A free time on %(date)s at %(venue)s") % values
        outbox_enqueue(
            to=[entry.citizen_email],
            subject=subject,
            body=body,
            dedupe_key=f"legal-waitlist-{entry.pk}-free",
            ref_type="legal.waitlist",
            ref_id=str(entry.pk),
        )
