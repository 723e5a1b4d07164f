"""Cancelling: by the citizen up to the cut-off, by the desk until the outcome."""

from datetime import date, time

import pytest

from tests.factories import taipei
from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import BookingStatus, CancelledBy
from yankao.legal.services import LegalError, booking_cancel, booking_outcome_set
from yankao.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(centre):
    # Tuesday 10 November, 14:00–14:30: the citizen may cancel until Monday 14:00.
    return factories.booking(factories.session(centre)).booking


def test_the_citizen_may_cancel_until_24_hours_before(booking):
    with clock.frozen(taipei(2026, 11, 9, 14, 0)):
        cancelled = booking_cancel(booking=booking, by=None)
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.cancelled_by == CancelledBy.CITIZEN


def test_after_the_cut_off_the_citizen_is_sent_to_the_phone(booking):
    with clock.frozen(taipei(2026, 11, 9, 14, 1)), pytest.raises(LegalError, match="24"):
        booking_cancel(booking=booking, by=None)
    assert factories.refresh(booking).status == BookingStatus.BOOKED


def test_the_cut_off_is_a_setting(booking, settings):
    settings.YANKAO_LEGAL_CANCEL_HOURS = 2
    with clock.frozen(taipei(2026, 11, 10, 11, 30)):
        assert booking_cancel(booking=booking, by=None).status == BookingStatus.CANCELLED


def test_the_desk_may_cancel_after_the_cut_off(booking, staff):
    with clock.frozen(taipei(2026, 11, 10, 13, 55)):
        cancelled = booking_cancel(booking=booking, by=staff.amy)
    assert cancelled.cancelled_by == CancelledBy.STAFF


def test_the_citizen_is_told_of_the_cancellation(booking):
    with clock.frozen(taipei(2026, 11, 3)):
        booking_cancel(booking=booking, by=None)
    assert OutboxMessage.objects.filter(dedupe_key=f"legal-booking-{booking.pk}-cancelled").exists()


def test_a_cancelled_booking_cannot_be_cancelled_twice(booking):
    with clock.frozen(taipei(2026, 11, 3)):
        booking_cancel(booking=booking, by=None)
        with pytest.raises(LegalError):
            booking_cancel(booking=booking, by=None)


def test_a_held_consultation_cannot_be_cancelled(booking, staff):
    with clock.frozen(taipei(2026, 11, 10, 14, 40)):
        booking_outcome_set(booking=booking, status=BookingStatus.ATTENDED, by=staff.amy)
        with pytest.raises(LegalError):
            booking_cancel(booking=booking, by=staff.amy)


def test_an_outcome_cannot_be_recorded_before_the_slot(booking, staff):
    with clock.frozen(taipei(2026, 11, 10, 13, 0)), pytest.raises(LegalError):
        booking_outcome_set(booking=booking, status=BookingStatus.NO_SHOW, by=staff.amy)


def test_an_outcome_may_be_corrected_and_advice_is_kept_only_for_attended(booking, staff):
    with clock.frozen(taipei(2026, 11, 10, 14, 40)):
        booking_outcome_set(booking=booking, status="attended", advice="mediation", by=staff.amy)
        corrected = booking_outcome_set(
            booking=booking, status="no_show", advice="mediation", by=staff.amy
        )
    assert corrected.status == BookingStatus.NO_SHOW
    assert corrected.advice == ""


def test_an_early_session_today_is_not_bookable_but_a_later_one_is(centre):
    morning = factories.session(centre, day=date(2026, 11, 2), starts=time(8, 0), ends=time(9, 0))
    with pytest.raises(LegalError):
        factories.booking(morning)
