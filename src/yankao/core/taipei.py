"""Asia/Taipei time: the time of the office calendar and of every date the platform shows."""

from datetime import date, datetime, time
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
