"""Asia/Taipei time: the time of the office calendar and of every date the platform shows."""

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

TAIPEI = ZoneInfo("Asia/Taipei")
END_OF_DAY = time(23, 59, 59)


def to_taipei(moment: datetime) -> datetime:
    """The moment in Asia/Taipei time; a naive datetime is taken to be Taipei time already."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        return moment.replace(tzinfo=TAIPEI)
    return moment.astimezone(TAIPEI)


def end_of_day(day: date) -> datetime:
    """23:59:59 Asia/Taipei of the day: the moment a working-day deadline ends."""
    return datetime.combine(day, END_OF_DAY, tzinfo=TAIPEI)


def wall_time(day: date, clock_time: time) -> time:
    """The Taipei wall-clock time on `day`, carrying its UTC offset (14:00:00+08:00):
    a time of day without an offset names no moment, and RFC 3339 (the API's
    `time` format) requires one. A ZoneInfo on a bare time has no offset to give,
    so the offset in force that day is attached as a fixed one."""
    offset = TAIPEI.utcoffset(datetime.combine(day, clock_time))
    assert offset is not None  # Asia/Taipei always has one
    return clock_time.replace(tzinfo=timezone(offset))
