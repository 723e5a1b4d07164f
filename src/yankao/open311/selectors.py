"""Reads for GET requests: the public requests (those the city app and Open311
clients sent; never a counter, phone, letter or staff case), filtered as the spec
says, in one query however many rows: each item comes with its agency, its
Open311 record and its business row (category or class, district) by joins, as
the worklists load theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import Q

from yankao.open311.catalogue import Business, businesses
from yankao.open311.models import ServiceRequest
from yankao.tracking.models import ENDED_STATUSES, OPEN_STATUSES, TrackedItem

MAX_PAGE_SIZE = 1000
STATUS_Q = {
    "open": Q(status__in=OPEN_STATUSES),
    "closed": Q(status__in=ENDED_STATUSES),
}


@dataclass(frozen=True)
class RequestFilters:
    ids: tuple[str, ...] = ()  # when given, the other filters are ignored (the spec)
    codes: tuple[Q, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def _public(found: list[Business]) -> Q:
    return reduce(or_, (business.public_q() for business in found))


def _loaded(found: list[Business]) -> list[str]:
    return ["owner_agency", "open311_request"] + [
        path for business in found for path in business.select
    ]


def public_requests(filters: RequestFilters) -> list[TrackedItem]:
    """The page of public requests the filters ask for, newest first."""
    found = businesses()
    items = TrackedItem.objects.filter(_public(found))
    if filters.ids:
        # With the kinds, the (kind, number) unique index finds them.
        items = items.filter(kind__in=[b.kind for b in found], number__in=filters.ids)
    else:
        if filters.start is not None:
            items = items.filter(received_at__gte=filters.start)
        if filters.end is not None:
            items = items.filter(received_at__lte=filters.end)
        if filters.codes:
            items = items.filter(reduce(or_, filters.codes))
        if filters.statuses:
            items = items.filter(reduce(or_, (STATUS_Q[s] for s in filters.statuses)))
    first = (filters.page - 1) * filters.page_size
    return list(
        items.select_related(*_loaded(found)).order_by("-received_at", "-pk")[
            first : first + filters.page_size
        ]
    )


def public_request(number: str) -> TrackedItem | None:
    found = public_requests(RequestFilters(ids=(number,), page_size=1))
    return found[0] if found else None


def request_for_token(token: str) -> ServiceRequest | None:
    if len(token) > 40:
        return None
    return ServiceRequest.objects.select_related("item").filter(token=token).first()
