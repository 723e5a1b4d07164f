"""Timed work of the engine, run by the scheduler every few minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from yankao.tracking import services


@db_periodic_task(crontab(minute="*/5"))
def send_reminders() -> int:
    return services.items_send_reminders()


@db_periodic_task(crontab(minute="*/5"))
def escalate_overdue() -> int:
    return services.items_escalate_overdue()


@db_task()
def recalculate_deadlines(day_iso: str) -> int:
    from datetime import date

    return services.items_recalculate_deadlines(changed_day=date.fromisoformat(day_iso))
