"""Reads for GET requests: the published requests (those whose sender chose to
publish them, as a request posted through Open311 is unless it says no; never
because of the channel a member of staff or an API client named), filtered as
the spec says, newest first.

What a citizen or an agency typed (the description, the address, a ticket's
report-back in its status notes) is published through `core.identifiers`: ID,
phone, e-mail, plate and account numbers are masked wherever they were typed. It
is masked as it is read, so a better detector also covers what was published
before it.

A page costs a fixed number of queries however many rows: one for the page's rows
(the item's own columns and its business row's, as plain values: building model
objects for 1,000 requests with all their joined rows cost more than reading
them), then one or two small ones per business for what the rows name (categories,
classes, districts, a ticket's latest report-back). A service code is matched by
its category's or class's id, so the database can start from the business table's
index for a rare service instead of walking the whole 90-day window."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from yankao.core.identifiers import mask_identifiers
from yankao.open311.catalogue import Business, Shown, businesses
from yankao.open311.models import ServiceRequest
from yankao.tracking.models import ENDED_STATUSES, OPEN_STATUSES, TrackedItem

MAX_PAGE_SIZE = 1000
STATUS_Q = {
    "open": Q(status__in=OPEN_STATUSES),
    "closed": Q(status__in=ENDED_STATUSES),
}
# The item's own columns each row needs, whatever its business.
ITEM_COLUMNS = (
    "pk",
    "kind",
    "number",
    "status",
    "received_at",
    "updated_at",
    "due_at",
    "owner_agency__name",
)


@dataclass(frozen=True)
class RequestFilters:
    ids: tuple[str, ...] = ()  # when given, the other filters are ignored (the spec)
    # (the business's kind, its filter) for each service code asked for
    codes: tuple[tuple[str, Q], ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


@dataclass(frozen=True)
class PublicRequest:
    """One request as GET requests shows it: the item's facts and its business's."""

    number: str
    status: str
    agency: str
    received_at: datetime
    updated_at: datetime
    due_at: datetime
    shown: Shown


def _public(found: list[Business]) -> Q:
    return reduce(or_, (business.public_q() for business in found))


@dataclass(frozen=True)
class _Plan:
    found: list[Business]  # the businesses the page can hold
    rule: Q
    order: tuple[str, ...]


NEWEST: tuple[str, ...] = ("-received_at", "-pk")


def _plan(found: list[Business], filters: RequestFilters) -> _Plan:
    if filters.ids:
        # With the kinds, the (kind, number) unique index finds them.
        kinds = [b.kind for b in found]
        return _Plan(found, _public(found) & Q(kind__in=kinds, number__in=filters.ids), NEWEST)
    received: str = "received_at"
    order = NEWEST
    if filters.codes:
        named: dict[str, list[Q]] = defaultdict(list)
        for kind, code_q in filters.codes:
            named[kind].append(code_q)
        found = [b for b in found if b.kind in named]
        rule = reduce(or_, (b.public_q() & reduce(or_, named[b.kind]) for b in found))
        if len(found) == 1:
            # One business: its own copy of the receipt time (the same order), so
            # its (service, channel, time) index gives the page in order.
            received, order = found[0].received, found[0].newest
    else:
        rule = _public(found)
    if filters.start is not None:
        rule &= Q(**{f"{received}__gte": filters.start})
    if filters.end is not None:
        rule &= Q(**{f"{received}__lte": filters.end})
    if filters.statuses:
        rule &= reduce(or_, (STATUS_Q[s] for s in filters.statuses))
    return _Plan(found, rule, order)


def _masked(shown: Shown) -> Shown:
    """The business's facts with the identifiers in its free text masked."""
    return replace(
        shown,
        description=mask_identifiers(shown.description),
        address=mask_identifiers(shown.address),
        status_notes=mask_identifiers(shown.status_notes),
    )


def _request(row: Mapping[str, Any], shown: Shown) -> PublicRequest:
    updated = row["updated_at"]
    if shown.updated_at is not None and shown.updated_at > updated:
        updated = shown.updated_at
    return PublicRequest(
        number=row["number"],
        status=row["status"],
        agency=row["owner_agency__name"],
        received_at=row["received_at"],
        updated_at=updated,
        due_at=row["due_at"],
        shown=_masked(shown),
    )


def public_requests(filters: RequestFilters) -> list[PublicRequest]:
    """The page of public requests the filters ask for, newest first."""
    plan = _plan(businesses(), filters)
    found = plan.found
    if not found:
        return []
    columns = ITEM_COLUMNS + tuple(c for business in found for c in business.columns)
    first = (filters.page - 1) * filters.page_size
    rows = list(
        TrackedItem.objects.filter(plan.rule)
        .order_by(*plan.order)
        .values(*columns)[first : first + filters.page_size]
    )
    shown: dict[int, Shown] = {}
    for business in found:
        mine = [row for row in rows if row["kind"] == business.kind]
        if mine:
            shown.update(business.shown_rows(mine))
    return [_request(row, shown[row["pk"]]) for row in rows]


def public_request(number: str) -> PublicRequest | None:
    found = public_requests(RequestFilters(ids=(number,), page_size=1))
    return found[0] if found else None


def request_for_token(token: str) -> ServiceRequest | None:
    if len(token) > 40:
        return None
    return ServiceRequest.objects.select_related("item").filter(token=token).first()
