"""Public calendar API, mounted at /api/v1/calendar/ (no authentication).

- GET /days/{day}: one day of the official office calendar.
- GET /deadline?start=…&working_days=N (or &hours=N): the deadline the platform
  computes for something received at `start`.
"""

import datetime as dt
from datetime import date, datetime, time
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from yankao.calendar import parsing, services
from yankao.calendar.roc import format_roc_short, format_roc_short_datetime
from yankao.core.api import ApiProblem
from yankao.core.taipei import to_taipei

router = Router(tags=["calendar"])

MAX_WORKING_DAYS = 365
MAX_HOURS = 2000
# A plain start date means "received on that day during office hours".
DATE_ONLY_RECEIPT_TIME = time(9, 0)


class DayOut(Schema):
    date: dt.date = Field(..., description="ISO date", examples=["2020-06-20"])
    roc_date: str = Field(..., description="ROC short date", examples=["109/06/20"])
    weekday: str = Field(..., description="Weekday as in the official calendar", examples=["六"])
    is_working_day: bool
    note: str = Field(..., description="The official note, e.g. 補行上班, 春節, 颱風停止上班")


class DeadlineOut(Schema):
    start: datetime = Field(..., description="The start, in Asia/Taipei time")
    rule: Literal["working_days", "hours"]
    amount: int
    effective_receipt_day: date | None = Field(
        None, description="The day counting starts from (working_days only)"
    )
    due: datetime = Field(..., examples=["2020-06-29T23:59:59+08:00"])
    due_roc: str = Field(..., examples=["109/06/29 23:59"])


def _day(text: str) -> date:
    try:
        return parsing.parse_api_day(text)
    except parsing.DateInputError as exc:
        raise ApiProblem(400, str(exc)) from exc


def _start(text: str) -> datetime:
    """The moment `start` names; a plain day, in any of its ISO forms, means
    received that day at 09:00 (office hours)."""
    try:
        found = parsing.parse_api_moment(text)
        if not isinstance(found, datetime):
            found = parsing.on_day(found, DATE_ONLY_RECEIPT_TIME)
    except parsing.DateInputError as exc:
        raise ApiProblem(400, f"start: {exc}") from exc
    return to_taipei(found)


@router.get(
    "/days/{day}",
    response=DayOut,
    auth=None,
    summary="One day of the official office calendar",
    description=(
        "`day` is an ISO 8601 date in any of its forms: 2024-02-07, 20240207, "
        "2024-W06-3 or 2024-038."
    ),
)
def get_day(request: HttpRequest, day: str) -> DayOut:
    parsed = _day(day)
    try:
        info = services.day_info(parsed)
    except services.CalendarRangeError as exc:
        raise ApiProblem(400, str(exc)) from exc
    return DayOut(
        date=info.date,
        roc_date=format_roc_short(info.date),
        weekday=info.weekday_char,
        is_working_day=info.is_working_day,
        note=info.note,
    )


@router.get(
    "/deadline",
    response=DeadlineOut,
    auth=None,
    exclude_none=True,
    summary="Compute a deadline in working days or clock hours",
    description=(
        "Give `start` (ISO 8601 date or date and time; without an offset it is Asia/Taipei "
        "time; a plain date, in any ISO form such as 2024-02-07, 20240207, 2024-W06-3 or "
        "2024-038, means received that day at 09:00, during office hours; years 2 to "
        "9998, else 400) and exactly one of "
        f"`working_days` (0–{MAX_WORKING_DAYS}) or `hours` (0–{MAX_HOURS}). Working-day "
        "deadlines count from the working day after the effective receipt day and end at "
        "23:59:59 Asia/Taipei."
    ),
)
def get_deadline(
    request: HttpRequest,
    start: str,
    working_days: int | None = None,
    hours: int | None = None,
) -> DeadlineOut:
    if (working_days is None) == (hours is None):
        raise ApiProblem(400, "Give exactly one of working_days or hours.")
    moment = _start(start)
    try:
        if working_days is not None:
            if not 0 <= working_days <= MAX_WORKING_DAYS:
                raise ApiProblem(400, f"working_days must be between 0 and {MAX_WORKING_DAYS}.")
            receipt = services.effective_receipt_day(moment)
            due = services.add_working_days(moment, working_days)
            return DeadlineOut(
                start=moment,
                rule="working_days",
                amount=working_days,
                effective_receipt_day=receipt,
                due=due,
                due_roc=format_roc_short_datetime(due),
            )
        assert hours is not None  # for the type checker
        if not 0 <= hours <= MAX_HOURS:
            raise ApiProblem(400, f"hours must be between 0 and {MAX_HOURS}.")
        due = services.add_hours(moment, hours)
        return DeadlineOut(
            start=moment,
            rule="hours",
            amount=hours,
            effective_receipt_day=None,
            due=due,
            due_roc=format_roc_short_datetime(due),
        )
    except services.CalendarRangeError as exc:
        raise ApiProblem(400, str(exc)) from exc
    except (ValueError, OverflowError) as exc:  # e.g. a year beyond what dates can hold
        raise ApiProblem(400, str(exc)) from exc
