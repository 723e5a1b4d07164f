"""Booking a slot: the rules every channel shares."""

import re
from datetime import date, time

import pytest

from tests.factories import taipei
from tests.legal import factories
from yankao.core import clock
from yankao.core.codes import LEGAL_CONFIRMATION
from yankao.legal.models import Booking, BookingStatus
from yankao.legal.services import (
    LegalError,
    SlotTaken,
    booking_cancel,
    booking_confirm,
    booking_create,
)
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body

pytestmark = pytest.mark.django_db


def _book(session, slot=0, at=None, **fields):
    values = {
        "name": "林美玲",
        "phone": "0912-345-678",
        "email": "mei@example.org",
        "topic": "family",
        "question": "離婚後扶養費的問題",
        "consent": True,
    }
    values.update(fields)
    with clock.frozen(at or factories.NOW):
        return booking_create(session=session, slot=slot, **values)


def test_a_booking_gets_a_number_and_codes_the_database_does_not_keep(centre):
    session = factories.session(centre)
    booked = _book(session, slot=2)
    booking = factories.refresh(booked.booking)
    assert re.fullmatch(r"L1151102-\d{6}", booking.number)
    assert re.fullmatch(r"[A-Z2-9]{8}", booked.code)
    assert re.fullmatch(r"\d{6}", booked.confirmation)
    assert booked.code not in booking.code_digest
    assert booked.confirmation not in booking.confirm_digest
    assert booking.confirm_digest == LEGAL_CONFIRMATION.digest(booked.confirmation)
    assert booking.starts == taipei(2026, 11, 10, 15, 0)
    assert booking.phone_digits == "0912345678"


def test_the_citizen_gets_the_confirmation_code_and_the_private_code_by_the_outbox(centre):
    booked = _book(factories.session(centre))
    key = f"legal-booking-{booked.booking.pk}-confirm-code"
    message = OutboxMessage.objects.get(dedupe_key=key)
    assert message.to == ["mei@example.org"]
    body = message_body(message)  # as sent; the outbox keeps the codes sealed
    assert booked.confirmation in body and booked.code in body
    assert booked.booking.number in body
    assert booked.code not in message.body and booked.confirmation not in message.body


def test_once_confirmed_the_citizen_is_told_without_the_code_again(centre):
    booked = _book(factories.session(centre))
    with clock.frozen(factories.NOW):
        booking_confirm(booking=booked.booking, code=booked.confirmation)
    message = OutboxMessage.objects.get(dedupe_key=f"legal-booking-{booked.booking.pk}-confirmed")
    assert booked.booking.number in message.subject
    assert booked.code not in message.body and booked.confirmation not in message.body


def test_without_sms_a_citizen_must_give_an_e_mail_address_for_the_code(centre):
    with pytest.raises(LegalError, match="電子郵件"):
        _book(factories.session(centre), email="")
    assert not Booking.objects.exists()


def test_the_confirmation_quotes_only_the_citys_facts_of_the_booking(centre):
    booked = _book(factories.session(centre), name="Spam King", question="http://spam.example/")
    message = OutboxMessage.objects.get()
    sent = message.subject + message_body(message)
    assert booked.booking.number in sent
    assert "Spam King" not in sent
    assert "spam.example" not in sent


def test_an_address_gets_a_limited_number_of_desk_confirmations_an_hour(centre, staff, settings):
    settings.CONFIRMATIONS_PER_HOUR = 2
    settings.YANKAO_LEGAL_OPEN_PER_CONTACT = 0
    session = factories.session(centre)
    booked = [
        factories.booking(session, slot, email="mei@example.org", by=staff.amy) for slot in range(3)
    ]
    assert [b.mailed for b in booked] == [True, True, False]
    assert OutboxMessage.objects.count() == 2
    assert booked[2].booking.pk  # booked all the same


def test_the_desk_books_without_an_e_mail_address_and_nothing_is_queued(centre, staff):
    booked = _book(factories.session(centre), email="", by=staff.amy)
    assert booked.booking.status == BookingStatus.BOOKED and booked.confirmation == ""
    assert not OutboxMessage.objects.exists()


def test_a_held_slot_cannot_be_booked_again(centre):
    session = factories.session(centre)
    _book(session, slot=1)
    with pytest.raises(SlotTaken):
        _book(session, slot=1, phone="0922-000-111")
    assert Booking.objects.filter(session=session, slot=1).count() == 1


def test_the_database_itself_refuses_a_second_active_booking_of_a_slot(centre):
    from django.db import IntegrityError, transaction

    booking = _book(factories.session(centre)).booking
    duplicate = Booking.objects.get(pk=booking.pk)
    duplicate.pk = None
    duplicate.number = "L0000000-0000"
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_cancelled_slot_is_free_again(centre):
    session = factories.session(centre)
    first = _book(session, slot=0).booking
    with clock.frozen(factories.NOW):
        booking_cancel(booking=first, by=None)
    again = _book(session, slot=0, phone="0933-111-222").booking
    assert again.status == BookingStatus.PENDING  # waiting for its code, holding the slot


def test_one_booking_per_phone_a_month_by_default(centre):
    _book(factories.session(centre))
    other_day = factories.session(centre, day=date(2026, 11, 12))
    with pytest.raises(LegalError, match="1"):
        _book(other_day, phone="+886 912 345 678")  # the same number, written otherwise


def test_the_monthly_limit_is_a_setting_and_0_turns_it_off(centre, settings):
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    _book(factories.session(centre))
    _book(factories.session(centre, day=date(2026, 11, 12)))
    assert Booking.objects.count() == 2


def test_a_booking_in_another_month_is_not_limited(centre):
    _book(factories.session(centre))
    december = factories.session(centre, day=date(2026, 12, 1))
    _book(december, phone="0912345678", at=taipei(2026, 11, 20, 9))
    assert Booking.objects.count() == 2


@pytest.mark.parametrize("phone", ["12", "abc-defg", "0912-345-678; DROP", ""])
def test_an_invalid_phone_is_refused_with_an_example(centre, phone):
    with pytest.raises(LegalError, match="0912-345-678"):
        _book(factories.session(centre), phone=phone)


def test_a_past_slot_cannot_be_booked_on_the_web(centre):
    today = factories.session(centre, day=date(2026, 11, 2), starts=time(8, 0), ends=time(10, 0))
    with pytest.raises(LegalError):
        _book(today, slot=1)  # 08:30, while it is 09:00


def test_a_slot_starting_within_the_closing_time_cannot_be_booked_on_the_web(centre):
    soon = factories.session(centre, day=date(2026, 11, 2), starts=time(9, 30), ends=time(10, 30))
    with pytest.raises(LegalError):
        _book(soon, slot=0)  # 09:30, 30 minutes from now; bookings close 60 minutes before


def test_staff_may_book_a_walk_in_until_the_slot_ends(centre, staff):
    today = factories.session(centre, day=date(2026, 11, 2), starts=time(8, 30), ends=time(10, 0))
    booking = _book(today, slot=1, by=staff.amy).booking  # 09:00–09:30, now 09:00
    assert booking.booked_by == staff.amy


def test_days_beyond_the_booking_window_are_not_open_to_the_public(centre):
    far = factories.session(centre, day=date(2026, 12, 22))
    with pytest.raises(LegalError):
        _book(far)


def test_a_slot_outside_the_session_does_not_exist(centre):
    with pytest.raises(LegalError):
        _book(factories.session(centre), slot=4)


def test_a_cancelled_session_takes_no_booking(centre):
    session = factories.session(centre)
    session.status = "cancelled"
    session.save()
    with pytest.raises(LegalError):
        _book(session)


def test_without_consent_nothing_is_booked(centre):
    with pytest.raises(LegalError):
        _book(factories.session(centre), consent=False)
    assert not Booking.objects.exists()
