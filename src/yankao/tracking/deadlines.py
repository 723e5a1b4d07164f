"""Deadline moments of a tracked item, on the official calendar or the clock."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from yankao.calendar import services as office_calendar
from yankao.tracking.models import Clock

# Hour-based items are reminded when this share of their time has gone.
HOURS_REMIND_SHARE = 0.75


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def due_moment(clock: str, start: datetime, limit: int) -> datetime:
    if clock == Clock.HOURS:
        return office_calendar.add_hours(start, limit)
    return office_calendar.add_working_days(start, limit)


def extended_due(clock: str, due_at: datetime, amount: int) -> datetime:
    if clock == Clock.HOURS:
        return office_calendar.add_hours(due_at, amount)
    return office_calendar.extend_due(due_at, amount)


def remind_moment(clock: str, start: datetime, due_at: datetime) -> datetime:
    """Working-day items: the start of their last day. Hour items: when 75 % has gone."""
    if clock == Clock.HOURS:
        return start + (due_at - start) * HOURS_REMIND_SHARE
    last_day = _local(due_at).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(start, last_day)


def commission_moment(clock: str, due_at: datetime, after: int) -> datetime:
    return extended_due(clock, due_at, after) if after else due_at + timedelta(seconds=1)
