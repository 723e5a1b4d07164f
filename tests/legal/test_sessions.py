"""Cancelling a session and swapping its lawyer: the booked citizens are told."""

import pytest

from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import BookingStatus, CancelledBy, SessionStatus
from yankao.legal.services import LegalError, session_cancel, session_lawyer_set
from yankao.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_cancelling_a_session_cancels_its_bookings_and_tells_the_citizens(centre, staff):
    session = factories.session(centre)
    with_mail = factories.booking(session, 0, email="citizen@example.org").booking
    without_mail = factories.booking(session, 1, email="", by=staff.amy).booking
    with clock.frozen(factories.NOW):
        count = session_cancel(session=session, by=staff.amy, reason="律師臨時請假")
    assert count == 2
    for booking in (with_mail, without_mail):
        booking = factories.refresh(booking)
        assert booking.status == BookingStatus.CANCELLED
        assert booking.cancelled_by == CancelledBy.SESSION
    told = OutboxMessage.objects.filter(dedupe_key__endswith="-session-cancelled")
    assert [m.to for m in told] == [["citizen@example.org"]]
    assert "律師臨時請假" in told.get().body
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_a_session_is_cancelled_only_with_a_reason(centre, staff):
    with pytest.raises(LegalError):
        session_cancel(session=factories.session(centre), by=staff.amy, reason="  ")


def test_swapping_the_lawyer_tells_the_booked_citizens_their_time_stays(centre, lawyers, staff):
    session = factories.session(centre, lawyer=lawyers[0])
    booking = factories.booking(session).booking
    with clock.frozen(factories.NOW):
        session_lawyer_set(session=session, lawyer=lawyers[1], by=staff.amy)
    session.refresh_from_db()
    assert session.lawyer == lawyers[1]
    message = OutboxMessage.objects.get(dedupe_key__startswith=f"legal-booking-{booking.pk}-lawyer")
    assert "14:00" in message.body


def test_a_typhoon_day_declared_off_cancels_its_sessions_and_tells_the_citizens(
    centre, django_capture_on_commit_callbacks
):
    from yankao.calendar.services import calendar_declare_day_off

    session = factories.session(centre)
    other_day = factories.session(centre, day=factories.TUESDAY.replace(day=11))
    booking = factories.booking(session, 0).booking
    with django_capture_on_commit_callbacks(execute=True):
        calendar_declare_day_off(day=factories.TUESDAY, reason="颱風停止上班")
    session.refresh_from_db()
    other_day.refresh_from_db()
    assert (session.status, session.cancel_reason) == (SessionStatus.CANCELLED, "颱風停止上班")
    assert other_day.status == SessionStatus.SCHEDULED
    assert factories.refresh(booking).status == BookingStatus.CANCELLED
    told = OutboxMessage.objects.get(dedupe_key=f"legal-booking-{booking.pk}-session-cancelled")
    assert "颱風停止上班" in told.body


def test_cancelling_a_session_frees_waiting_bookings_without_writing_to_unproven_contacts(
    centre, staff
):
    session = factories.session(centre)
    waiting = factories.booking(session, 0, confirm=False, email="unproven@example.org")
    with clock.frozen(factories.NOW):
        assert session_cancel(session=session, by=staff.amy, reason="律師臨時請假") == 1
    assert factories.refresh(waiting.booking).status == BookingStatus.CANCELLED
    assert not OutboxMessage.objects.filter(dedupe_key__endswith="-session-cancelled").exists()
