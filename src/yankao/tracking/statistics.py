"""Statistics of tracked items: the one place every business's report counts from.

Definitions (a period is [start, end); a business passes the rows it counts, a
queryset of items or of its own model reaching the item through `prefix`):

- received: items received in the period;
- closed, closed on time, closed late: items closed in the period, by the verdict the
  engine stored at closing (no later than the deadline then in force, extensions
  included). Withdrawn items are not closed;
- open overdue: items open at the reference moment and past their deadline then
  (`TrackedItem.objects.overdue`);
- extended, transferred: items received in the period extended (展期) or transferred
  (移文) at least once;
- on-time rate, and any share: part / whole in percent, half up to one decimal;
  none when the whole is zero;
- average working days to close: the exact mean of `working_days_taken` over the
  closed items that have one (the working-day clock; an item on the hours clock has
  none): the sum in tenths of a day, divided by their count, half up to one decimal.
  Summed in whole tenths, it is exact on SQLite too, where decimals are stored as
  binary floats (an average of 2.3 and 2.4 is 2.35 and shows as 2.4);
- 90th percentile: nearest rank, the value at position ceil(0.9 n) in ascending
  order (the smallest value with at least 90 % of the values at or below it);
- median: the middle value, or the mean of the two middle values for an even count,
  half up to two decimals.

Counts are one grouped aggregate; percentiles one window query, per group and over
all rows at once, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Aggregate, Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Round, RowNumber

from yankao.tracking.models import Outcome, Status, overdue_terms

TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


# --- the period's rows ---------------------------------------------------------------


def received_q(start: datetime, end: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}received_at__gte": start, f"{prefix}received_at__lt": end})


def closed_q(start: datetime, end: datetime, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status": Status.CLOSED,
            f"{prefix}closed_at__gte": start,
            f"{prefix}closed_at__lt": end,
        }
    )


def period_rows_q(
    start: datetime, end: datetime, overdue_at: datetime | None, prefix: str = ""
) -> Q:
    """Every row a figure of the period can count, as terms each answered by one index
    (received, closed, overdue at `overdue_at`, now if None), so the database reads those rows only
    instead of walking the table."""
    received = Q(**{f"{prefix}received_at__gte": start, f"{prefix}received_at__lt": end})
    closed = Q(**{f"{prefix}closed_at__gte": start, f"{prefix}closed_at__lt": end})
    return reduce(or_, [received, closed, *overdue_terms(overdue_at, prefix)])


# --- counts --------------------------------------------------------------------------

COUNTS = (
    "received",
    "closed",
    "closed_on_time",
    "closed_late",
    "open_overdue",
    "extended",
    "transferred",
    "days_tenths",
    "days_counted",
)


def count_aggregates(
    *, received: Q, closed: Q, overdue: Q, prefix: str = "", only: Iterable[str] = COUNTS
) -> dict[str, Aggregate]:
    """The period's counts as aggregates over rows reaching the item through `prefix`:
    `received`, `closed` and `overdue` say which rows each family counts (a business
    may count "closed" as its own report that the work is done)."""
    on_time = Q(**{f"{prefix}outcome": Outcome.ON_TIME})
    late = Q(**{f"{prefix}outcome": Outcome.LATE})
    days = f"{prefix}working_days_taken"
    every = {
        "received": Count("pk", filter=received),
        "closed": Count("pk", filter=closed),
        "closed_on_time": Count("pk", filter=closed & on_time),
        "closed_late": Count("pk", filter=closed & late),
        "open_overdue": Count("pk", filter=overdue),
        "extended": Count("pk", filter=received & Q(**{f"{prefix}extension_count__gt": 0})),
        "transferred": Count("pk", filter=received & Q(**{f"{prefix}transfer_count__gt": 0})),
        "days_tenths": Sum(Round(F(days) * 10), filter=closed),
        "days_counted": Count(days, filter=closed),
    }
    return {name: every[name] for name in only}


@dataclass(frozen=True, kw_only=True)
class Counts:
    """The counts of one group (or of all), as read back; a business's row extends it
    with its own columns."""

    received: int = 0
    closed: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    open_overdue: int = 0
    extended: int = 0
    transferred: int = 0
    days_tenths: int = 0  # the sum of working days to close, in tenths of a day
    days_counted: int = 0  # the closed items with working days to close

    @property
    def on_time_rate(self) -> Decimal | None:
        """Closed on time / closed, in percent to one decimal."""
        return percent(self.closed_on_time, self.closed)

    @property
    def average_working_days(self) -> Decimal | None:
        return average_of_tenths(self.days_tenths, self.days_counted)


def counts_of(values: Mapping[str, Any]) -> dict[str, int]:
    """The counts of a row read back by `grouped_counts` (or summed over rows)."""
    return {name: whole(values.get(name)) for name in COUNTS}


def grouped_counts(
    rows: QuerySet[Any], *, group: Mapping[str, Any], aggregates: Mapping[str, Aggregate]
) -> list[dict[str, Any]]:
    """The aggregates per group, one query; `group` names the business's columns (or
    expressions) that make the group: its key, its label, its sort value…"""
    return list(rows.order_by().values(**group).annotate(**aggregates).order_by())


def whole(value: Any) -> int:
    """A count as read back (None when a group had no row to sum)."""
    return int(value or 0)


def percent(part: int, total: int) -> Decimal | None:
    """part / total in percent, half up to one decimal; none of nothing."""
    if not total:
        return None
    return (Decimal(part * 100) / Decimal(total)).quantize(TENTH, rounding=ROUND_HALF_UP)


def average_of_tenths(tenths: int, count: int) -> Decimal | None:
    """The exact mean of `count` values whose sum is `tenths` tenths, half up to one
    decimal."""
    if not count:
        return None
    return (Decimal(tenths) / Decimal(count * 10)).quantize(TENTH, rounding=ROUND_HALF_UP)


# --- percentiles ---------------------------------------------------------------------


def median_positions(size: int) -> tuple[int, int]:
    """1-based positions of the two middle values (the same one for an odd size)."""
    return (size + 1) // 2, (size + 2) // 2


def p90_position(size: int) -> int:
    """ceil(0.9 n) for a positive whole n, in integer arithmetic: (9n + 9) div 10."""
    return (size * 9 + 9) // 10


@dataclass
class Distribution:
    """The values found at the median and 90th percentile positions of one group."""

    size: int = 0
    values: dict[int, Decimal] = field(default_factory=dict)  # position → value

    @property
    def p90(self) -> Decimal | None:
        return self.values.get(p90_position(self.size)) if self.size else None

    @property
    def median(self) -> Decimal | None:
        low, high = (self.values.get(p) for p in median_positions(self.size))
        if low is None or high is None:
            return None
        return ((low + high) / 2).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _at_positions(position: F, size: F, *, median: bool) -> Q:
    wanted = [(size * 9 + 9) / 10]
    if median:
        wanted = [(size + 1) / 2, (size + 2) / 2, *wanted]
    return reduce(or_, [Q(**{position.name: place}) for place in wanted])


def distributions(
    rows: QuerySet[Any], *, value: str, key: Any, median: bool = False
) -> tuple[dict[Any, Distribution], Distribution]:
    """Each group's (by `key`) and the overall 90th percentile (and median) of
    `value` over `rows`, in one query: the window functions number the rows by value
    in each group and overall, and only the rows at the wanted positions come back.
    Window functions work the same on SQLite and PostgreSQL."""
    order = [F(value).asc(), F("pk").asc()]
    found = (
        rows.order_by()
        .annotate(
            group_key=key,
            position=Window(RowNumber(), partition_by=[key], order_by=order),
            size=Window(Count("pk"), partition_by=[key]),
            overall_position=Window(RowNumber(), order_by=order),
            overall_size=Window(Count("pk")),
        )
        .filter(
            _at_positions(F("position"), F("size"), median=median)
            | _at_positions(F("overall_position"), F("overall_size"), median=median)
        )
        .values_list("group_key", value, "position", "size", "overall_position", "overall_size")
    )
    groups: dict[Any, Distribution] = {}
    overall = Distribution()
    for group_key, found_value, position, size, overall_position, overall_size in found:
        group = groups.setdefault(group_key, Distribution(size=size))
        group.values[position] = found_value
        overall.size = overall_size
        overall.values[overall_position] = found_value
    return groups, overall
