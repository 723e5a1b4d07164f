"""Timed work of legal consultations, run by the scheduler."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from yankao.legal.services import (
    bookings_release_lapsed,
    reminders_send,
    sessions_cancel_for_day_off,
)


@db_periodic_task(crontab(minute="5"))
def send_booking_reminders() -> int:
    """Every hour: reminders for the next working day's bookings, once each."""
    return reminders_send()


@db_periodic_task(crontab(minute="*/5"))
def release_unconfirmed_bookings() -> int:
    """Every five minutes: bookings whose confirmation hold has run out are written
    down as released and the waiting list told. The pages never wait for this: a
    lapsed hold already holds no slot."""
    return bookings_release_lapsed()


@db_task()
def cancel_sessions_of_day_off(day_iso: str) -> int:
    """A day declared off after the rota was made: its sessions are cancelled."""
    from datetime import date

    return sessions_cancel_for_day_off(day=date.fromisoformat(day_iso))
