"""Monthly counts of free legal consultations, per venue, topic, channel or kind of
advice.

Definitions (the period is a set of session days, first and last included):
- bookings: every booking for a session in the period that was confirmed (by the
  citizen's code, or made by the desk), whatever became of it; one never confirmed
  (released unconfirmed, or still waiting for its code) held no time for a citizen
  and is not counted (ADR 0022);
- attended, did not come, cancelled, awaiting: bookings by their status now
  (awaiting = booked, outcome not yet recorded), so the four add up to bookings;
- slots: the slots of the sessions held (not cancelled) in the period;
- utilisation: (bookings − cancelled) / slots, in percent to one decimal; a slot
  the desk freed when its citizen did not come, and gave to a walk-in, counts both
  bookings. Topics, channels and kinds of advice do not divide slots, so grouped by
  them only the total row has slots and utilisation. Grouped by the kind of advice,
  bookings without one (not held, or not noted) form their own row.

Groups partition the bookings, so the total row is the sum of the rows. Three queries
(bookings by group, slots by venue, the venues' names), however many bookings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yankao.accounts.models import User
from yankao.core.reporting.periods import period_label
from yankao.core.reporting.table import Cell, Table
from yankao.legal.models import (
    Advice,
    Booking,
    BookingChannel,
    BookingStatus,
    Session,
    SessionStatus,
    Topic,
    Venue,
)
from yankao.organisation.scoping import agency_scope_q

TENTH = Decimal("0.1")


class Grouping(StrEnum):
    VENUE = "venue"
    TOPIC = "topic"
    CHANNEL = "channel"
    ADVICE = "advice"


GROUPING_LABELS: dict[Grouping, Promise] = {
    Grouping.VENUE: gettext_lazy("Venue"),
    Grouping.TOPIC: gettext_lazy("Topic"),
    Grouping.CHANNEL: gettext_lazy("Channel"),
    Grouping.ADVICE: gettext_lazy("Kind of advice"),
}
NO_ADVICE = gettext_lazy("No advice recorded")


def _choices(grouping: Grouping) -> list[tuple[str, Any]]:
    """The rows of a grouping other than venues, in their order."""
    if grouping is Grouping.TOPIC:
        return list(Topic.choices)
    if grouping is Grouping.CHANNEL:
        return list(BookingChannel.choices)
    return [*Advice.choices, ("", NO_ADVICE)]


@dataclass(frozen=True)
class CountRow:
    label: str
    bookings: int
    attended: int
    no_show: int
    cancelled: int
    awaiting: int
    slots: int | None

    @property
    def utilisation(self) -> Decimal | None:
        if not self.slots:
            return None
        used = Decimal((self.bookings - self.cancelled) * 100) / Decimal(self.slots)
        return used.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Counts:
    first: date
    last: date
    grouping: Grouping
    rows: list[CountRow]
    total: CountRow


def _figures() -> dict[str, Any]:
    return {
        "bookings": Count("pk"),
        "attended": Count("pk", filter=Q(status=BookingStatus.ATTENDED)),
        "no_show": Count("pk", filter=Q(status=BookingStatus.NO_SHOW)),
        "cancelled": Count("pk", filter=Q(status=BookingStatus.CANCELLED)),
        "awaiting": Count("pk", filter=Q(status=BookingStatus.BOOKED)),
    }


FIGURES = ("bookings", "attended", "no_show", "cancelled", "awaiting")


def monthly_counts(
    *, user: User, first: date, last: date, group_by: Grouping | str = Grouping.VENUE
) -> Counts:
    grouping = Grouping(group_by)
    scope = agency_scope_q(user, "session__venue__agency")
    bookings = Booking.objects.filter(
        scope, session__date__gte=first, session__date__lte=last, confirmed_at__isnull=False
    )
    held = Session.objects.filter(
        agency_scope_q(user, "venue__agency"),
        date__gte=first,
        date__lte=last,
        status=SessionStatus.SCHEDULED,
    )
    slots = dict(held.order_by().values_list("venue_id").annotate(n=Sum("slot_count")))
    key = "session__venue_id" if grouping is Grouping.VENUE else grouping.value
    grouped = {
        row[key]: row for row in bookings.order_by().values(key).annotate(**_figures()).order_by()
    }
    rows = []
    if grouping is Grouping.VENUE:
        for venue in Venue.objects.filter(pk__in=set(grouped) | set(slots)):
            rows.append(_row(venue.name, grouped.get(venue.pk, {}), slots.get(venue.pk, 0)))
    else:
        for value, label in _choices(grouping):
            if value in grouped:
                rows.append(_row(str(label), grouped[value], None))
    sums = {name: sum(getattr(row, name) for row in rows) for name in FIGURES}
    total = CountRow(label=_("Total"), slots=sum(slots.values()), **sums)
    return Counts(first=first, last=last, grouping=grouping, rows=rows, total=total)


def _row(label: str, values: dict[str, Any], slots: int | None) -> CountRow:
    figures = {name: int(values.get(name, 0)) for name in FIGURES}
    return CountRow(label=label, slots=slots, **figures)


def headings(counts: Counts) -> list[str]:
    return [
        str(GROUPING_LABELS[counts.grouping]),
        _("Bookings"),
        _("Attended"),
        _("Did not come"),
        _("Cancelled"),
        _("Awaiting"),
        _("Slots offered"),
        _("Utilisation of slots (%)"),
    ]


def _cells(row: CountRow) -> list[Cell]:
    return [
        row.label,
        row.bookings,
        row.attended,
        row.no_show,
        row.cancelled,
        row.awaiting,
        row.slots,
        row.utilisation,
    ]


def counts_table(counts: Counts) -> Table:
    return Table(
        title=_("Free legal consultations"),
        period=period_label(counts.first, counts.last),
        headings=headings(counts),
        rows=[*(_cells(row) for row in counts.rows), _cells(counts.total)],
    )
