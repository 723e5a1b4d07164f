"""Reads of dispatch tickets that follow rules: scoping (the engine's visibility
rule, joined), the dispatcher list, the map, and the per-class statistics.

Statistics definitions (over tickets received in [start, end), as far as the
user sees):
- count: tickets received;
- reported: tickets whose agency reported the hazard dealt with;
- median and 90th percentile of the hours from receipt to that report. The median
  is the middle value (the mean of the two middle values for an even count); the
  90th percentile is nearest-rank: the smallest value with at least 90 % of the
  values at or below it;
- within limit: reported by the ticket's deadline (the engine's on-time verdict,
  which follows approved extensions and the restarted clock after a transfer);
- share within limit: within limit / (reported + still open past the deadline), in
  percent to one decimal; tickets still open and not yet due are not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from yankao.accounts.models import User
from yankao.core import clock
from yankao.dispatch.models import Ticket, TicketClass
from yankao.messaging.models import OutboxMessage
from yankao.messaging.models import Status as OutboxStatus
from yankao.tracking import statistics
from yankao.tracking.models import OPEN_STATUSES, overdue_q
from yankao.tracking.selectors import item_visibility_q

_RELATED = ("item", "item__owner_agency", "item__assignee", "ticket_class", "district")


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    """Tickets the user's role and agency let them see (a join on their item)."""
    return Ticket.objects.filter(item_visibility_q(user, "item__"))


def ticket_for_user(user: User, pk: int) -> Ticket:
    """One ticket the user may see, or 404 (another agency's ticket is not found)."""
    return get_object_or_404(tickets_visible_to(user).select_related(*_RELATED), pk=pk)


# --- the dispatcher list ---------------------------------------------------------------


@dataclass(frozen=True)
class TicketFilters:
    ticket_class_id: int | None = None
    # "" and "open": open tickets; "closed"; "all"; or one of the engine's statuses.
    status: str = ""
    overdue: bool = False
    district_id: int | None = None


def _status_q(status: str) -> Q:
    # An open ticket has no report that it is dealt with (the report closes it, a
    # reopening clears it): saying so too leads the database to the small partial
    # index of unreported tickets instead of every open item of the city.
    if status in ("", "open"):
        return Q(item__status__in=OPEN_STATUSES, reported_back_at__isnull=True)
    if status == "all":
        return Q()
    if status in OPEN_STATUSES:
        return Q(item__status=status, reported_back_at__isnull=True)
    return Q(item__status=status)


def lists_open_only(filters: TicketFilters) -> bool:
    """Whether the list holds open tickets only (sorted by deadline); the others
    (closed, all) are history, newest first."""
    return filters.overdue or filters.status in ("", "open", *OPEN_STATUSES)


def list_order(filters: TicketFilters) -> tuple[str, ...]:
    """The list's sort, for its pages and its API cursor alike: open tickets soonest
    deadline first, history newest first."""
    return ("item__due_at", "pk") if lists_open_only(filters) else ("-pk",)


def dispatcher_list(
    user: User, filters: TicketFilters | None = None, *, now: datetime | None = None
) -> QuerySet[Ticket]:
    """Tickets for the dispatchers, narrowed by the filters: open ones soonest
    deadline first, closed or all of them newest first (by registration, the
    ticket table's own key: sorting every ticket of years by deadline would cost
    more than the page). Page it with `CappedPaginator`, which reads the page's
    keys in order and then its rows."""
    filters = filters or TicketFilters()
    rule = item_visibility_q(user, "item__") & _status_q(filters.status)
    if filters.ticket_class_id:
        rule &= Q(ticket_class_id=filters.ticket_class_id)
    if filters.district_id:
        rule &= Q(district_id=filters.district_id)
    if filters.overdue:
        rule &= overdue_q(now, "item__") & Q(reported_back_at__isnull=True)
    return Ticket.objects.filter(rule).select_related(*_RELATED).order_by(*list_order(filters))


# --- the map ------------------------------------------------------------------------------


MAP_CAP = 1000


def map_tickets(
    user: User, *, days: int = 7, now: datetime | None = None, cap: int = MAP_CAP
) -> list[Ticket]:
    """Open tickets, and every ticket received in the last `days` days (recent
    hazards, dealt with or not), that have a map point: the newest `cap` of them.

    Each half is read as keys from its own index (the unreported tickets; the
    receipt times), then the rows by key: an OR of the two would read every ticket."""
    now = now or clock.now()
    placed = tickets_visible_to(user).filter(latitude__isnull=False, longitude__isnull=False)
    newest = ("-item__received_at", "-pk")
    halves = (
        placed.filter(_status_q("")),
        placed.filter(item__received_at__gte=now - timedelta(days=days)),
    )
    keys: set[tuple[Any, int]] = set()
    for half in halves:
        keys.update(half.order_by(*newest).values_list("item__received_at", "pk")[:cap])
    chosen = [pk for _received, pk in sorted(keys, reverse=True)[:cap]]
    rows = Ticket.objects.filter(pk__in=chosen).select_related("item", "ticket_class", "district")
    found = rows.in_bulk()
    return [found[pk] for pk in chosen if pk in found]


def map_geojson(tickets: QuerySet[Ticket] | list[Ticket], *, now: datetime) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946: longitude first) of the tickets."""
    features = []
    for ticket in tickets:
        item = ticket.item
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(ticket.longitude or 0), float(ticket.latitude or 0)],
                },
                "properties": {
                    "number": item.number,
                    "title": f"{item.number} {ticket.ticket_class.name}",
                    "text": f"{ticket.district or ''}{ticket.address} · "
                    f"{item.get_status_display()}",
                    "class": ticket.ticket_class.code,
                    "status": item.status,
                    "open": item.status in OPEN_STATUSES,
                    "overdue": item.status in OPEN_STATUSES and item.due_at < now,
                    "url": reverse("dispatch:ticket", args=[ticket.pk]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- the ticket page ---------------------------------------------------------------------


def ticket_messages(ticket: Ticket) -> list[OutboxMessage]:
    """Every message sent about the ticket (the engine's e-mails and the duty desk's
    SMS/webhook), newest first, so a failed delivery shows on the page."""
    return list(
        OutboxMessage.objects.filter(
            Q(ref_type="dispatch.ticket") | Q(ref_type="tracking.item"), ref_id=str(ticket.pk)
        ).only("channel", "to", "subject", "status", "attempts", "last_error", "created_at")
    )


def failed_messages(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    return [m for m in messages if m.status in (OutboxStatus.FAILED, OutboxStatus.DEAD)]


# --- statistics ------------------------------------------------------------------------------


@dataclass
class ClassFigures:
    code: str
    name: str
    hours: int | None
    count: int = 0
    reported: int = 0
    within_limit: int = 0
    open_overdue: int = 0
    median_hours: Decimal | None = None
    p90_hours: Decimal | None = None

    @property
    def judged(self) -> int:
        return self.reported + self.open_overdue

    @property
    def share_within_limit(self) -> Decimal | None:
        return statistics.percent(self.within_limit, self.judged)


@dataclass(frozen=True)
class TicketStatistics:
    start: datetime
    end: datetime
    rows: list[ClassFigures]
    total: ClassFigures


def _received(user: User | None, start: datetime, end: datetime) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all() if user is None else tickets_visible_to(user)
    return tickets.filter(statistics.received_q(start, end, "item__"))


# The engine's figures under the names the dispatch statistics publish: every ticket
# counted was received in the period; "closed" is the report that the hazard is dealt
# with, and "on time" the engine's verdict on it.
_PUBLISHED = {
    "count": "received",
    "reported": "closed",
    "within_limit": "closed_on_time",
    "open_overdue": "open_overdue",
}


def _counts(now: datetime | None) -> dict[str, Any]:
    engine = statistics.count_aggregates(
        received=Q(),
        closed=Q(hours_to_report__isnull=False),
        overdue=overdue_q(now, "item__"),
        prefix="item__",
        only=_PUBLISHED.values(),
    )
    return {published: engine[name] for published, name in _PUBLISHED.items()}


def _place(figures: ClassFigures, found: statistics.Distribution) -> None:
    figures.median_hours = found.median
    figures.p90_hours = found.p90


def ticket_statistics(
    start: datetime,
    end: datetime,
    *,
    user: User | None = None,
    now: datetime | None = None,
    include_empty: bool = True,
) -> TicketStatistics:
    """Per-class figures for tickets received in [start, end), in three queries
    (the classes, the counts, the percentiles), whatever the number of tickets."""
    tickets = _received(user, start, end)
    classes = list(TicketClass.objects.order_by("sort_order", "code"))
    rows = {c.pk: ClassFigures(code=c.code, name=c.name, hours=c.hours) for c in classes}
    total = ClassFigures(code="", name="", hours=None)
    group = {"class_key": F("ticket_class_id")}
    for row in statistics.grouped_counts(tickets, group=group, aggregates=_counts(now)):
        figures = rows[row["class_key"]]
        for name in _PUBLISHED:
            setattr(figures, name, row[name])
            setattr(total, name, getattr(total, name) + row[name])
    reported = tickets.filter(hours_to_report__isnull=False)
    by_class, overall = statistics.distributions(
        reported, value="hours_to_report", key=F("ticket_class_id"), median=True
    )
    for class_id, found in by_class.items():
        _place(rows[class_id], found)
    _place(total, overall)
    result = [f for f in rows.values() if include_empty or f.count]
    return TicketStatistics(start=start, end=end, rows=result, total=total)


def open_ticket_count(user: User) -> int:
    return tickets_visible_to(user).filter(item__status__in=OPEN_STATUSES).count()
