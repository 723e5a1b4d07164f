"""Timed work of legal consultations, run by the scheduler."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yankao.legal.services import reminders_send


@db_periodic_task(crontab(minute="5"))
def send_booking_reminders() -> int:
    """Every hour: reminders for the next working day's bookings, once each."""
    return reminders_send()
