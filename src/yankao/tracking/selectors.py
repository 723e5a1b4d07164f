"""Reads of tracked items that follow rules: scoping, worklists, statistics.

Statistics are single SQL aggregates over the item table, so their cost does not
grow with Python loops over rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Min, Q, QuerySet
from django.shortcuts import get_object_or_404

from yankao.accounts.models import User
from yankao.accounts.roles import Scope
from yankao.calendar.services import add_working_days
from yankao.core import clock
from yankao.organisation.scoping import agency_ids_in_scope, agency_scope_q
from yankao.tracking import statistics
from yankao.tracking.models import (
    OPEN_STATUSES,
    Clock,
    CoHandler,
    CoHandlerState,
    TrackedItem,
    overdue_q,
)


def item_visibility_q(user: User, prefix: str = "") -> Q:
    """The rule of `items_visible_to` as a filter on a model that reaches the item
    through `prefix` (e.g. "item__" from a petition), so business tables filter by
    a join rather than an IN over every visible item."""
    if user.is_authenticated and user.is_active and user.scope is Scope.CITY:
        return Q()
    # An IN over the (small) co-handling table rather than a correlated EXISTS: the
    # database can then answer each side of the OR from an index and merge them.
    cohandled = CoHandler.objects.filter(agency_scope_q(user, "agency")).values("item_id")
    return agency_scope_q(user, f"{prefix}owner_agency") | Q(**{f"{prefix}pk__in": cohandled})


def items_visible_to(user: User) -> QuerySet[TrackedItem]:
    """Items the user's role and agency let them see: those their agencies own, and
    those their agencies were asked to co-handle."""
    return TrackedItem.objects.filter(item_visibility_q(user))


def item_for_user(user: User, pk: int) -> TrackedItem:
    """One item the user may see, or 404."""
    return get_object_or_404(
        items_visible_to(user).select_related("owner_agency", "owner_unit", "assignee"), pk=pk
    )


def _open_visibility_q(user: User, prefix: str, cohandled: list[int] | None) -> Q:
    """`item_visibility_q` for open items only, with the open items the user's
    agencies co-handle looked up first (a few ids): without an OR over a subquery,
    the database reads the (owner agency, status, deadline) index directly."""
    if user.is_authenticated and user.is_active and user.scope is Scope.CITY:
        return Q()
    owned = agency_scope_q(user, f"{prefix}owner_agency")
    cohandled = open_cohandled(user) if cohandled is None else cohandled
    return owned | Q(**{f"{prefix}pk__in": cohandled}) if cohandled else owned


def open_cohandled(user: User) -> list[int]:
    """The open items the user's agencies were asked to co-handle (a few ids). A page
    that needs them twice (its rule and its partitions) reads them once and passes
    them to both."""
    return list(
        CoHandler.objects.filter(agency_scope_q(user, "agency"), item__closed_at__isnull=True)
        .values_list("item_id", flat=True)
        .distinct()
    )


def worklist_partitions(
    user: User, prefix: str = "", *, cohandled: list[int] | None = None
) -> list[Q]:
    """The parts of a worklist an index gives in deadline order, for a paginator to
    merge (core.paging): one per agency of a supervisor's tree, and the items they
    co-handle. A city-wide or one-agency worklist is one part already."""
    agencies = agency_ids_in_scope(user)
    if agencies is None or len(agencies) < 2:
        return []
    cohandled = open_cohandled(user) if cohandled is None else cohandled
    parts = [Q(**{f"{prefix}owner_agency_id": agency}) for agency in agencies]
    return [*parts, Q(**{f"{prefix}pk__in": cohandled})] if cohandled else parts


DUE_SOON_HOURS = timedelta(hours=2)


@dataclass(frozen=True)
class WorklistFilters:
    text: str = ""
    status: str = ""
    kind: str = ""
    agency_id: int | None = None
    due: str = ""  # "overdue", "soon" (by the end of the next working day) or ""


def worklist_q(
    user: User,
    filters: WorklistFilters | None = None,
    prefix: str = "",
    *,
    cohandled: list[int] | None = None,
) -> Q:
    """The worklist's rule (visible, open, narrowed by the filters) as a filter on a
    model that reaches the item through `prefix`, so business worklists join
    instead of filtering by an IN over every item."""
    filters = filters or WorklistFilters()
    now = clock.now()
    f = prefix
    # closed_at is null exactly when the status is open; saying both lets the
    # database walk the (closed_at, due_at) index in deadline order.
    rule = _open_visibility_q(user, prefix, cohandled) & Q(
        **{f"{f}closed_at__isnull": True, f"{f}status__in": OPEN_STATUSES}
    )
    if filters.text:
        rule &= Q(**{f"{f}number__icontains": filters.text}) | Q(
            **{f"{f}title__icontains": filters.text}
        )
    if filters.status:
        rule &= Q(**{f"{f}status": filters.status})
    if filters.kind:
        rule &= Q(**{f"{f}kind": filters.kind})
    if filters.agency_id:
        rule &= Q(**{f"{f}owner_agency_id": filters.agency_id})
    if filters.due == "overdue":
        rule &= overdue_q(prefix=prefix)
    elif filters.due == "soon":
        # By the end of the next working day, or within DUE_SOON_HOURS on the hours clock.
        rule &= Q(**{f"{f}due_at__gte": now}) & (
            Q(**{f"{f}clock": Clock.WORKING_DAYS, f"{f}due_at__lte": add_working_days(now, 1)})
            | Q(**{f"{f}clock": Clock.HOURS, f"{f}due_at__lte": now + DUE_SOON_HOURS})
        )
    return rule


def worklist(user: User, filters: WorklistFilters | None = None) -> QuerySet[TrackedItem]:
    """The user's open items, soonest deadline first, narrowed by the filters."""
    return (
        TrackedItem.objects.filter(worklist_q(user, filters))
        .select_related("owner_agency", "assignee")
        .order_by("due_at", "pk")
    )


def open_items_by_agency(user: User, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Open and overdue counts per responsible agency, most overdue first (one query)."""
    return list(
        items_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("owner_agency", "owner_agency__name", "owner_agency__key")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=overdue_q(now)),
            oldest_due=Min("due_at"),
        )
        .order_by("-overdue", "-open", "owner_agency__name")
    )


def oldest_overdue(user: User, *, limit: int = 20) -> QuerySet[TrackedItem]:
    return worklist(user, WorklistFilters(due="overdue"))[:limit]


def items_spanning_day(day: date) -> QuerySet[TrackedItem]:
    """Open working-day items whose clock had started before `day` ends and whose
    deadline is on or after it: those a change of that day can move."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day, time.max, tzinfo=zone)
    return TrackedItem.objects.filter(
        status__in=OPEN_STATUSES,
        clock=Clock.WORKING_DAYS,
        clock_started_at__lte=end,
        due_at__gte=start,
    )


# What the API publishes of the engine's counts (the average instead of its parts).
ITEM_COUNTS = [name for name in statistics.COUNTS if not name.startswith("days_")]


@dataclass(frozen=True)
class ItemStatistics:
    received: int
    closed: int
    closed_on_time: int
    closed_late: int
    open_overdue: int
    extended: int
    transferred: int
    average_working_days: Decimal | None

    @property
    def on_time_rate(self) -> Decimal | None:
        """Share of the period's closed items closed on time, in percent, to one decimal."""
        return statistics.percent(self.closed_on_time, self.closed)


def _aggregates(start: datetime, end: datetime, now: datetime | None) -> dict[str, Any]:
    return statistics.count_aggregates(
        received=statistics.received_q(start, end),
        closed=statistics.closed_q(start, end),
        overdue=overdue_q(now),
    )


def _statistics(row: dict[str, Any]) -> ItemStatistics:
    counts = statistics.Counts(**statistics.counts_of(row))
    return ItemStatistics(
        **{name: getattr(counts, name) for name in ITEM_COUNTS},
        average_working_days=counts.average_working_days,
    )


def item_statistics(
    items: QuerySet[TrackedItem], *, start: datetime, end: datetime, now: datetime | None = None
) -> ItemStatistics:
    """Figures for items received or closed in [start, end), and those open and
    overdue at `now`, in one query (`yankao.tracking.statistics` defines them)."""
    row = (
        items.filter(statistics.period_rows_q(start, end, now))
        .order_by()
        .aggregate(**_aggregates(start, end, now))
    )
    return _statistics(row)


def item_statistics_by_agency(
    items: QuerySet[TrackedItem], *, start: datetime, end: datetime, now: datetime | None = None
) -> dict[int, ItemStatistics]:
    """The same figures per responsible agency (agency id → figures), in one query."""
    rows = statistics.grouped_counts(
        items.filter(statistics.period_rows_q(start, end, now)),
        group={"agency_key": F("owner_agency")},
        aggregates=_aggregates(start, end, now),
    )
    return {row["agency_key"]: _statistics(row) for row in rows}


def pending_cohandler_agency_ids(item: TrackedItem) -> set[int]:
    return set(
        item.cohandlers.filter(state=CoHandlerState.PENDING).values_list("agency_id", flat=True)
    )
