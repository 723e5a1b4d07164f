"""The petition performance report: one row per group and a total row.

Definitions (all moments in Asia/Taipei; the period is [start 00:00, end + 1 day 00:00)):

- received: petitions received in the period.
- closed, closed on time, closed late: petitions closed in the period, by the verdict the
  engine stored at closing (closed no later than the deadline then in force, extensions
  included). Withdrawn petitions are not closed.
- open overdue: at the reference moment (the end of the period, or now if that is
  earlier), petitions received before it, not yet closed or withdrawn by then, whose
  deadline had passed. The deadline is the one stored now, so an extension granted
  after the reference moment counts.
- extended, transferred: petitions received in the period that were extended (展期) or
  transferred (移文) at least once.
- on-time rate: closed on time / closed, in percent to one decimal.
- working days to close: the engine's `working_days_taken` (office calendar, from
  receipt to closing). The average is exact (sum of tenths / count, half up to one
  decimal); the 90th percentile uses the nearest-rank definition: the smallest value x
  such that at least 90 % of the closed petitions took x days or fewer, i.e. the value
  at position ceil(0.9 n) in ascending order (equivalently min{x : cume_dist(x) ≥ 0.9}).
- satisfaction: average score (half up to two decimals) and count of the petitioners'
  ratings of the petitions closed in the period (the API lists them:
  `/api/v1/petitions/ratings?start=…&end=…&agency=…`).

Groups partition the petitions (an agency is the current responsible agency; a category
is the main category, 主項), so the total row is the sum of the group rows, except for the
90th percentile, computed over all rows. The whole report costs two queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce, Round, RowNumber
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.calendar.taipei import TAIPEI
from yankao.core import clock
from yankao.organisation.models import Agency
from yankao.petitions.models import Channel
from yankao.tracking.models import Outcome, Status, TrackedItem
from yankao.tracking.selectors import items_visible_to

PETITION_KIND = "petition"
RATING_SCORE = "petition__rating__score"
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


class Grouping(StrEnum):
    AGENCY = "agency"
    CATEGORY = "category"
    CHANNEL = "channel"
    DISTRICT = "district"


GROUPING_LABELS: dict[Grouping, Promise] = {
    Grouping.AGENCY: _("Agency"),
    Grouping.CATEGORY: _("Category"),
    Grouping.CHANNEL: _("Channel"),
    Grouping.DISTRICT: _("District"),
}
NO_DISTRICT = _("No district given")
TOTAL = _("Total")


@dataclass(frozen=True)
class ReportRow:
    label: str
    received: int
    closed: int
    closed_on_time: int
    closed_late: int
    open_overdue: int
    extended: int
    transferred: int
    days_tenths: int  # the sum of working days to close, in tenths of a day
    p90_working_days: Decimal | None = None
    rating_count: int = 0
    rating_sum: int = 0
    key: Any = None

    @property
    def on_time_rate(self) -> Decimal | None:
        if not self.closed:
            return None
        rate = Decimal(self.closed_on_time * 100) / Decimal(self.closed)
        return rate.quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def average_working_days(self) -> Decimal | None:
        if not self.closed:
            return None
        average = Decimal(self.days_tenths) / Decimal(self.closed * 10)
        return average.quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def average_rating(self) -> Decimal | None:
        if not self.rating_count:
            return None
        average = Decimal(self.rating_sum) / Decimal(self.rating_count)
        return average.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    grouping: Grouping
    agency: Agency | None
    as_of: datetime
    rows: list[ReportRow]
    total: ReportRow


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TAIPEI)


def _group_fields(grouping: Grouping) -> dict[str, Any]:
    """The group's key, its label and its sort value, as expressions on the item."""
    if grouping is Grouping.AGENCY:
        return {
            "key": F("owner_agency_id"),
            "name": F("owner_agency__name"),
            "sort": F("owner_agency__sort_order"),
        }
    if grouping is Grouping.CATEGORY:
        main_code = Coalesce("petition__category__parent__code", "petition__category__code")
        return {
            "key": Coalesce("petition__category__parent_id", "petition__category_id"),
            "name": Coalesce("petition__category__parent__name", "petition__category__name"),
            "sort": main_code,
        }
    if grouping is Grouping.CHANNEL:
        return {"key": F("petition__channel"), "name": F("petition__channel"), "sort": Value(0)}
    return {
        "key": F("petition__district_id"),
        "name": F("petition__district__name"),
        "sort": F("petition__district__sort_order"),
    }


def _windows(start: datetime, end: datetime, as_of: datetime) -> dict[str, Q]:
    received = Q(received_at__gte=start, received_at__lt=end)
    closed = Q(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
    still_open = Q(closed_at__isnull=True) | Q(closed_at__gte=as_of)
    overdue = Q(received_at__lt=as_of, due_at__lt=as_of) & still_open
    return {"received": received, "closed": closed, "overdue": overdue}


def _relevant(start: datetime, end: datetime, as_of: datetime) -> Q:
    """Every row any figure counts, as terms each answered by one index (received,
    closed, and open at `as_of` by deadline), so the database reads those rows only."""
    return (
        Q(received_at__gte=start, received_at__lt=end)
        | Q(closed_at__gte=start, closed_at__lt=end)
        | Q(closed_at__isnull=True, due_at__lt=as_of)
        | Q(closed_at__gte=as_of, due_at__lt=as_of)
    )


def _aggregates(where: dict[str, Q]) -> dict[str, Any]:
    received, closed = where["received"], where["closed"]
    figures: dict[str, Any] = {
        "received": Count("pk", filter=received),
        "closed": Count("pk", filter=closed),
        "closed_on_time": Count("pk", filter=closed & Q(outcome=Outcome.ON_TIME)),
        "closed_late": Count("pk", filter=closed & Q(outcome=Outcome.LATE)),
        "open_overdue": Count("pk", filter=where["overdue"]),
        "extended": Count("pk", filter=received & Q(extension_count__gt=0)),
        "transferred": Count("pk", filter=received & Q(transfer_count__gt=0)),
        # Tenths as whole numbers: exact on SQLite too, where decimals are stored as REAL.
        "days_tenths": Sum(Round(F("working_days_taken") * 10), filter=closed),
        "rating_count": Count(RATING_SCORE, filter=closed),
        "rating_sum": Sum(RATING_SCORE, filter=closed),
    }
    return figures


def _p90_by_group(
    items: QuerySet[TrackedItem], closed: Q, key: Any
) -> tuple[dict[Any, Decimal | None], Decimal | None]:
    """Nearest-rank 90th percentiles of working days to close, per group and overall,
    in one query: each group's row at position ceil(0.9 n) (= (9n + 9) div 10 in
    integer arithmetic), ordered by the value."""
    order = [F("working_days_taken").asc(), F("pk").asc()]
    rows = (
        items.filter(closed)
        .order_by()
        .annotate(
            group_key=key,
            position=Window(RowNumber(), partition_by=[key], order_by=order),
            size=Window(Count("pk"), partition_by=[key]),
            overall_position=Window(RowNumber(), order_by=order),
            overall_size=Window(Count("pk")),
        )
        .filter(
            Q(position=(F("size") * 9 + 9) / 10)
            | Q(overall_position=(F("overall_size") * 9 + 9) / 10)
        )
        .values_list(
            "group_key",
            "working_days_taken",
            "position",
            "size",
            "overall_position",
            "overall_size",
        )
    )
    by_group: dict[Any, Decimal | None] = {}
    overall: Decimal | None = None
    for group_key, days, position, size, overall_position, overall_size in rows:
        if position == _rank(size):
            by_group[group_key] = days
        if overall_position == _rank(overall_size):
            overall = days
    return by_group, overall


def _rank(size: int) -> int:
    """ceil(0.9 n) for a positive whole n, the nearest-rank position of the 90th percentile."""
    return (size * 9 + 9) // 10


def _row(values: dict[str, Any], *, label: str, p90: Decimal | None) -> ReportRow:
    return ReportRow(
        label=label,
        key=values.get("key"),
        p90_working_days=p90,
        **{name: int(values.get(name) or 0) for name in COUNTED},
    )


COUNTED = (
    "received",
    "closed",
    "closed_on_time",
    "closed_late",
    "open_overdue",
    "extended",
    "transferred",
    "days_tenths",
    "rating_count",
    "rating_sum",
)


def _label(grouping: Grouping, values: dict[str, Any]) -> str:
    if grouping is Grouping.CHANNEL:
        return str(Channel(values["name"]).label) if values["name"] in Channel.values else ""
    if values["key"] is None:
        return str(NO_DISTRICT)
    return str(values["name"])


def _sort_key(grouping: Grouping, values: dict[str, Any]) -> tuple[Any, ...]:
    if grouping is Grouping.CHANNEL:
        order = Channel.values
        return (order.index(values["key"]) if values["key"] in order else len(order),)
    return (values["sort"] is None, values["sort"] or 0, values["name"] or "")


def _total(rows: list[ReportRow], p90: Decimal | None) -> ReportRow:
    sums = {name: sum(getattr(row, name) for row in rows) for name in COUNTED}
    return ReportRow(label=str(TOTAL), p90_working_days=p90, **sums)


def report_items(user: User, agency: Agency | None) -> QuerySet[TrackedItem]:
    """The petitions the report may count: visible to the user, of the agency's tree."""
    items = items_visible_to(user).filter(kind=PETITION_KIND, petition__isnull=False)
    if agency is not None:
        items = items.filter(owner_agency__path__startswith=agency.path)
    return items


def petition_report(
    *,
    user: User,
    start: date,
    end: date,
    agency: Agency | None = None,
    group_by: Grouping | str = Grouping.AGENCY,
    now: datetime | None = None,
) -> Report:
    """The performance report for petitions from `start` to `end` (both days included),
    for the agency and its sub-agencies or all the user sees, in two queries."""
    grouping = Grouping(group_by)
    period_start, period_end = _moment(start), _moment(end + timedelta(days=1))
    as_of = min(now or clock.now(), period_end)
    where = _windows(period_start, period_end, as_of)
    # The period's rows are found first (by index), then grouped: given the whole
    # filter at once, a database may rather scan everything in the grouping's order.
    in_period = TrackedItem.objects.filter(_relevant(period_start, period_end, as_of))
    relevant = report_items(user, agency).filter(pk__in=in_period.values("pk"))
    fields = _group_fields(grouping)
    grouped = list(relevant.order_by().values(**fields).annotate(**_aggregates(where)).order_by())
    # The percentiles count the period's closed rows only, which the closing index
    # finds alone (measured: a third faster than through the period's rows above).
    p90s, overall_p90 = _p90_by_group(report_items(user, agency), where["closed"], fields["key"])
    grouped.sort(key=lambda values: _sort_key(grouping, values))
    rows = [
        _row(values, label=_label(grouping, values), p90=p90s.get(values["key"]))
        for values in grouped
    ]
    return Report(
        start=start,
        end=end,
        grouping=grouping,
        agency=agency,
        as_of=as_of,
        rows=rows,
        total=_total(rows, overall_p90),
    )
