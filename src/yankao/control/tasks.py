"""Timed work of programme control, run by the scheduler (huey reads its
schedules in UTC: Taipei is UTC+8)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yankao.control.services import programme_lights_refresh, progress_reminders_send


@db_periodic_task(crontab(minute="7"))
def refresh_lights() -> int:
    """Every hour: the lights of programmes with a milestone past its deadline."""
    return programme_lights_refresh()


@db_periodic_task(crontab(minute="37", hour="18"))
def refresh_every_light() -> int:
    """Every night at 02:37 Taipei: every programme's light (after the thresholds
    changed, say)."""
    return programme_lights_refresh(every=True)


@db_periodic_task(crontab(minute="0", hour="1"))
def send_report_reminders() -> int:
    """Every day at 09:00 Taipei: reminders of last month's reports, and late notices."""
    return progress_reminders_send()
