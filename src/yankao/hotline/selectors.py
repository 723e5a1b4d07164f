"""Reads of the call log: the calls a user may see, one call, and the statistics.

Statistics are SQL aggregates over the stored Taipei `day` and `hour` (see
models.py): four GROUP BY queries on the covering index, however many calls."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.hotline.models import Call, Language, Outcome
from yankao.hotline.policy import may_see_calls
from yankao.organisation.scoping import NOTHING, agency_scope_q


def call_visibility_q(user: User) -> Q:
    """Calls taken by agents within the user's agency scope; an agent sees their own."""
    if not may_see_calls(user):
        return NOTHING
    if user.role == Role.AGENT:
        return Q(agent=user)
    return agency_scope_q(user, "agent__agency")


def calls_visible_to(user: User) -> QuerySet[Call]:
    return Call.objects.filter(call_visibility_q(user))


def call_for_user(user: User, pk: int) -> Call:
    call = (
        calls_visible_to(user)
        .select_related("agent", "agent__agency", "item", "transferred_to")
        .filter(pk=pk)
        .first()
    )
    if call is None:
        raise Http404
    return call


def agents_visible_to(user: User) -> QuerySet[User]:
    """The agents whose calls the user may see (for the list's filter)."""
    agents = User.objects.filter(role=Role.AGENT)
    if user.role == Role.AGENT:
        return agents.filter(pk=user.pk)
    return agents.filter(agency_scope_q(user, "agency")).order_by("full_name", "username")


# --- statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    calls: int
    share: Decimal | None  # percent of the period's calls, one decimal


@dataclass(frozen=True)
class Statistics:
    start: date
    end: date
    total: int
    total_seconds: int
    months: list[tuple[date, int]]  # first day of each month in the period, calls
    days: list[tuple[date, int]]  # every day of the period, calls
    by_outcome: list[Group]
    by_language: list[Group]
    by_hour: list[int]  # 24 counts, hour 0 to 23 Asia/Taipei

    @property
    def average_per_month(self) -> Decimal | None:
        """Calls per calendar month of the period (a month the period touches counts
        as one, as the city's report counts them)."""
        if not self.months:
            return None
        return _round(Decimal(self.total) / len(self.months))

    @property
    def average_per_day(self) -> Decimal | None:
        if not self.days:
            return None
        return _round(Decimal(self.total) / len(self.days))

    @property
    def average_seconds(self) -> Decimal | None:
        if not self.total:
            return None
        return _round(Decimal(self.total_seconds) / self.total)

    def days_of_month(self, first: date) -> list[tuple[date, int]]:
        return [
            (day, n) for day, n in self.days if (day.year, day.month) == (first.year, first.month)
        ]


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(part: int, total: int) -> Decimal | None:
    return _round(Decimal(part) * 100 / total) if total else None


def _every_day(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _groups(
    counts: dict[str, int], choices: type[Outcome] | type[Language], total: int
) -> list[Group]:
    return [
        Group(
            key=value,
            label=str(label),
            calls=counts.get(value, 0),
            share=_share(counts.get(value, 0), total),
        )
        for value, label in choices.choices
    ]


def call_statistics(*, user: User, start: date, end: date) -> Statistics:
    """The calls the user may see taken from `start` to `end` (Taipei days, both
    included): totals per day and month, by outcome, language and hour of day."""
    calls = calls_visible_to(user).filter(day__gte=start, day__lte=end)
    # Two scans of the covering index: (day, outcome, language) groups, at most
    # 366 × 25 rows, give every total but the hours; the hours are the second.
    groups = (
        calls.values_list("day", "outcome", "language")
        .annotate(n=Count("pk"), seconds=Sum("duration_seconds"))
        .order_by()
    )
    per_day: Counter[date] = Counter()
    outcome: Counter[str] = Counter()
    language: Counter[str] = Counter()
    seconds = 0
    for day, call_outcome, call_language, n, group_seconds in groups:
        per_day[day] += n
        outcome[call_outcome] += n
        language[call_language] += n
        seconds += group_seconds or 0
    hours = dict(calls.values_list("hour").annotate(n=Count("pk")).order_by())
    days = [(day, per_day.get(day, 0)) for day in _every_day(start, end)]
    months: Counter[date] = Counter()
    for day, n in days:
        months[day.replace(day=1)] += n
    total = sum(per_day.values())
    return Statistics(
        start=start,
        end=end,
        total=total,
        total_seconds=int(seconds),
        months=sorted(months.items()),
        days=days,
        by_outcome=_groups(outcome, Outcome, total),
        by_language=_groups(language, Language, total),
        by_hour=[hours.get(hour, 0) for hour in range(24)],
    )
