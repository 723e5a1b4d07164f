"""A citizen's booking waits for the code sent to their phone or e-mail (ADR 0022):
it holds its slot only for a short while, the right code makes it the citizen's,
wrong codes are counted and limited, and a hold that runs out frees the slot at
once, before any task writes it down."""

from datetime import time, timedelta

import pytest

from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import BookingStatus, CancelledBy, ReleaseReason
from yankao.legal.selectors import session_slots, sessions_bookable
from yankao.legal.services import (
    NotWaiting,
    WrongCode,
    booking_confirm,
    bookings_release_lapsed,
    waitlist_join,
)
from yankao.legal.tasks import release_unconfirmed_bookings
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body

pytestmark = pytest.mark.django_db

HOLD = timedelta(minutes=20)  # YANKAO_LEGAL_CONFIRM_MINUTES
LATER = factories.NOW + HOLD + timedelta(seconds=1)


@pytest.fixture
def session(centre):
    return factories.session(centre)


@pytest.fixture
def waiting(session):
    return factories.booking(session, 1, confirm=False)


def _free(session, now):
    return [slot.index for slot in session_slots(session, now=now) if slot.free]


def test_a_new_web_booking_waits_and_holds_its_slot_for_a_while(session, waiting):
    booking = factories.refresh(waiting.booking)
    assert booking.status == BookingStatus.PENDING
    assert booking.hold_until == factories.NOW + HOLD
    assert booking.confirmed_at is None
    assert _free(session, factories.NOW + HOLD - timedelta(seconds=1)) == [0, 2, 3]


def test_the_right_code_makes_the_booking_the_citizens(session, waiting):
    with clock.frozen(factories.NOW + timedelta(minutes=5)):
        booking = booking_confirm(booking=waiting.booking, code=waiting.confirmation)
    booking = factories.refresh(booking)
    assert booking.status == BookingStatus.BOOKED
    assert booking.confirmed_at == factories.NOW + timedelta(minutes=5)
    assert booking.confirm_digest == ""  # one use only
    assert _free(session, LATER) == [0, 2, 3]  # held beyond the hold now


def test_the_code_is_typed_with_spaces_or_not(session, waiting):
    spaced = f"{waiting.confirmation[:3]} {waiting.confirmation[3:]} "
    with clock.frozen(factories.NOW):
        assert booking_confirm(booking=waiting.booking, code=spaced).status == "booked"


def test_a_wrong_code_confirms_nothing_and_counts(session, waiting):
    wrong = "000000" if waiting.confirmation != "000000" else "111111"
    with clock.frozen(factories.NOW), pytest.raises(WrongCode, match="4") as raised:
        booking_confirm(booking=waiting.booking, code=wrong)
    assert raised.value.attempts_left == 4
    booking = factories.refresh(waiting.booking)
    assert (booking.status, booking.confirm_attempts) == (BookingStatus.PENDING, 1)
    assert _free(session, LATER) == [0, 1, 2, 3]  # still only a hold


def test_after_five_wrong_codes_the_booking_is_released_and_the_right_one_is_refused(
    session, waiting
):
    wrong = "000000" if waiting.confirmation != "000000" else "111111"
    with clock.frozen(factories.NOW):
        for _ in range(4):
            with pytest.raises(WrongCode):
                booking_confirm(booking=waiting.booking, code=wrong)
        with pytest.raises(NotWaiting, match="錯誤"):
            booking_confirm(booking=waiting.booking, code=wrong)
        with pytest.raises(NotWaiting):
            booking_confirm(booking=waiting.booking, code=waiting.confirmation)
    booking = factories.refresh(waiting.booking)
    assert booking.status == BookingStatus.CANCELLED
    assert booking.release_reason == ReleaseReason.ATTEMPTS
    assert booking.cancelled_by == CancelledBy.UNCONFIRMED
    assert booking.confirm_attempts == 5
    assert _free(session, factories.NOW) == [0, 1, 2, 3]


def test_the_number_of_tries_is_a_setting(session, waiting, settings):
    settings.YANKAO_LEGAL_CONFIRM_ATTEMPTS = 1
    with clock.frozen(factories.NOW), pytest.raises(NotWaiting):
        booking_confirm(booking=waiting.booking, code="99999x")
    assert factories.refresh(waiting.booking).release_reason == ReleaseReason.ATTEMPTS


def test_a_hold_that_ran_out_frees_the_slot_before_any_task_runs(session, waiting):
    assert _free(session, LATER) == [0, 1, 2, 3]
    with clock.frozen(LATER):
        listed = sessions_bookable()
    assert [s.pk for s in listed] == [session.pk] and listed[0].free_slots == 4
    assert factories.refresh(waiting.booking).status == BookingStatus.PENDING  # not written


def test_another_citizen_may_book_a_slot_whose_hold_ran_out(session, waiting):
    other = factories.booking(session, 1, at=LATER)
    assert factories.refresh(other.booking).status == BookingStatus.BOOKED
    first = factories.refresh(waiting.booking)
    assert (first.status, first.release_reason) == (BookingStatus.CANCELLED, "expired")
    assert first.released_at == first.cancelled_at == factories.NOW + HOLD


def test_a_code_typed_after_the_hold_is_refused_and_the_booking_released(session, waiting):
    with clock.frozen(LATER), pytest.raises(NotWaiting, match="未在時限內確認"):
        booking_confirm(booking=waiting.booking, code=waiting.confirmation)
    booking = factories.refresh(waiting.booking)
    assert (booking.status, booking.release_reason) == (BookingStatus.CANCELLED, "expired")


def test_the_hold_is_a_setting(session, settings):
    settings.YANKAO_LEGAL_CONFIRM_MINUTES = 5
    booked = factories.booking(session, 0, confirm=False)
    assert factories.refresh(booked.booking).hold_until == factories.NOW + timedelta(minutes=5)


def test_the_task_writes_lapsed_holds_down_and_tells_the_waiting_list(centre, settings):
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    full = factories.session(centre, starts=time(14), ends=time(14, 30))  # one slot
    booked = factories.booking(full, 0, confirm=False)
    with clock.frozen(factories.NOW + timedelta(minutes=1)):
        entry = waitlist_join(
            venue=centre,
            day=full.date,
            name="張志豪",
            phone="0933-123-456",
            email="wait@example.org",
            consent=True,
        )
    assert bookings_release_lapsed(now=factories.NOW + timedelta(minutes=10)) == 0
    with clock.frozen(LATER):
        assert release_unconfirmed_bookings.call_local() == 1
    booking = factories.refresh(booked.booking)
    assert (booking.status, booking.release_reason) == (BookingStatus.CANCELLED, "expired")
    assert OutboxMessage.objects.filter(dedupe_key=f"legal-waitlist-{entry.pk}-free").exists()
    assert bookings_release_lapsed(now=LATER) == 0  # once


def test_a_desk_booking_is_confirmed_at_once(session, staff):
    booked = factories.booking(session, 0, by=staff.amy, confirm=False)
    booking = factories.refresh(booked.booking)
    assert (booking.status, booking.hold_until, booking.confirm_via) == ("booked", None, "")
    assert booking.confirmed_at == factories.NOW


def test_with_an_sms_gateway_the_code_goes_to_the_phone(session, settings):
    settings.YANKAO_SMS_GATEWAY = "tests.legal.test_reminders.fake_gateway"
    booked = factories.booking(session, 0, email="", phone="0912-345-678", confirm=False)
    sms = OutboxMessage.objects.get(dedupe_key=f"legal-booking-{booked.booking.pk}-confirm-code")
    assert (sms.channel, sms.to) == ("sms", ["0912-345-678"])
    sent = message_body(sms)
    assert booked.confirmation in sent and booked.code not in sent
    assert booked.confirmation not in sms.body  # sealed in the outbox until it is sent
    assert len(sent) <= 70  # one SMS in Chinese
    assert factories.refresh(booked.booking).confirm_via == "sms"


def test_a_citizen_may_cancel_a_booking_still_waiting(session, waiting):
    from yankao.legal.services import booking_cancel

    with clock.frozen(factories.NOW):
        booking_cancel(booking=waiting.booking, by=None)
    assert factories.refresh(waiting.booking).status == BookingStatus.CANCELLED
    assert not OutboxMessage.objects.filter(dedupe_key__endswith="-cancelled").exists()


def test_a_waiting_booking_gets_no_reminder(centre):
    from datetime import date

    from tests.factories import taipei
    from yankao.legal.services import reminders_send

    monday = factories.session(centre, day=date(2026, 11, 16))
    factories.booking(monday, confirm=False, at=taipei(2026, 11, 13, 9))
    assert reminders_send(now=taipei(2026, 11, 13, 9, 5)) == 0
