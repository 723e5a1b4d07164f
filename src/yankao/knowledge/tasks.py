"""The knowledge base's scheduled work (huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yankao.knowledge.reminders import review_reminders_send


@db_periodic_task(crontab(minute="0", hour="8", day_of_week="1"))
def send_review_reminders() -> int:
    """Monday 08:00: each agency hears of its articles due for review."""
    return review_reminders_send()
