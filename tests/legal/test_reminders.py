"""The reminder the working day before, through the outbox, once."""

from datetime import date

import pytest

from tests.factories import taipei
from tests.legal import factories
from yankao.core import clock
from yankao.legal.services import booking_cancel, reminders_send
from yankao.legal.tasks import send_booking_reminders
from yankao.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _reminders():
    return OutboxMessage.objects.filter(dedupe_key__endswith="-reminder")


@pytest.fixture
def monday_booking(centre):
    # Monday 16 November; the working day before is Friday 13 November.
    session = factories.session(centre, day=date(2026, 11, 16))
    return factories.booking(
        session, email="citizen@example.org", at=taipei(2026, 11, 2, 9)
    ).booking


def test_the_reminder_goes_out_on_the_working_day_before(monday_booking):
    assert reminders_send(now=taipei(2026, 11, 13, 9, 5)) == 1
    message = _reminders().get()
    assert message.to == ["citizen@example.org"]
    assert monday_booking.number in message.body
    assert factories.refresh(monday_booking).reminded_at is not None


def test_no_reminder_two_working_days_before(monday_booking):
    assert reminders_send(now=taipei(2026, 11, 12, 10)) == 0
    assert not _reminders().exists()


def test_no_reminder_before_the_reminder_hour(monday_booking):
    assert reminders_send(now=taipei(2026, 11, 13, 8, 59)) == 0


def test_the_reminder_is_sent_once(monday_booking):
    reminders_send(now=taipei(2026, 11, 13, 9, 5))
    assert reminders_send(now=taipei(2026, 11, 13, 10, 5)) == 0
    assert _reminders().count() == 1


def test_a_booking_made_over_the_weekend_is_reminded_at_the_next_run(centre):
    session = factories.session(centre, day=date(2026, 11, 16))
    booking = factories.booking(session, at=taipei(2026, 11, 14, 11)).booking  # Saturday
    assert reminders_send(now=taipei(2026, 11, 14, 12, 5)) == 1
    assert factories.refresh(booking).reminded_at is not None


def test_a_cancelled_booking_gets_no_reminder(monday_booking):
    with clock.frozen(taipei(2026, 11, 10)):
        booking_cancel(booking=monday_booking, by=None)
    assert reminders_send(now=taipei(2026, 11, 13, 9, 5)) == 0


def test_a_booking_without_e_mail_gets_no_reminder(centre, staff):
    session = factories.session(centre, day=date(2026, 11, 16))
    factories.booking(session, email="", by=staff.amy)  # booked on the phone
    assert reminders_send(now=taipei(2026, 11, 13, 9, 5)) == 0


def test_the_scheduled_task_sends_the_due_reminders(monday_booking):
    with clock.frozen(taipei(2026, 11, 13, 9, 5)):
        send_booking_reminders.call_local()
    assert _reminders().count() == 1


def test_with_an_sms_gateway_a_citizen_without_e_mail_gets_an_sms(centre, settings):
    settings.YANKAO_SMS_GATEWAY = "tests.legal.test_reminders.fake_gateway"
    session = factories.session(centre, day=date(2026, 11, 16))
    booking = factories.booking(session, email="", phone="0912-345-678").booking
    assert reminders_send(now=taipei(2026, 11, 13, 9, 5)) == 1
    sms = OutboxMessage.objects.get(dedupe_key=f"legal-booking-{booking.pk}-reminder-sms")
    assert (sms.channel, sms.to) == ("sms", ["0912-345-678"])
    assert booking.number in sms.body and len(sms.body) < 160


def fake_gateway(*, to, body, message_id):  # pragma: no cover - delivery is not tested here
    return None
