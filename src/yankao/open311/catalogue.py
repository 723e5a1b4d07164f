"""What Open311 offers (services, their attributes) and what each business does
with a request: petitions (陳情, one service per sub-category 子項) and dispatch
tickets (派工, one service per hazard class, when the dispatch app is installed).

A service code is the business's prefix and its own code: `P-0103` is the
petition sub-category 0103 路燈, `D-105` the dispatch class 105. Each business is
an adapter with the same few methods, so the views never test which one it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yankao.core.uploads import CheckedFile
from yankao.organisation.models import District
from yankao.tracking.models import TrackedItem

SEPARATOR = "-"
DISTRICT = "district"
SUBJECT = "subject"
PUBLIC = "public"
SUBJECT_MAX = 100
PUBLIC_NOTICE = _(
    "Listed because its sender chose to publish it: its description (with ID, phone, "
    "e-mail and plate numbers masked), place and status. The sender's name, e-mail "
    "and phone are never public."
)
# The values of attribute[public]: yes (the default) or no, and the other ways
# clients write a boolean.
PUBLIC_YES = ("yes", "true", "1", "y")
PUBLIC_NO = ("no", "false", "0", "n")


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool
    description: str
    order: int
    datatype_description: str = ""
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str
    keywords: str
    business: str  # the tracked item's kind
    target: Any  # the Category or TicketClass
    notice: str  # service_notice: what happens next and how soon


@dataclass(frozen=True)
class RequestInput:
    """A valid request, as the business creates it."""

    description: str
    latitude: Decimal | None
    longitude: Decimal | None
    address: str
    district: District | None
    subject: str
    name: str
    email: str
    phone: str
    language: str
    media: Sequence[CheckedFile] = field(default_factory=tuple)
    # The sender's choice to list the request publicly (attribute[public]).
    published: bool = True


@dataclass(frozen=True)
class Shown:
    """The business facts of one request as GET requests shows them."""

    service_code: str
    service_name: str
    description: str
    service_notice: str
    address: str
    zipcode: str
    latitude: Decimal | None
    longitude: Decimal | None
    status_notes: str = ""
    # The business's own latest change (e.g. a ticket's report-back), when later
    # than the item's.
    updated_at: datetime | None = None


class Business(Protocol):
    kind: str
    prefix: str
    related: str  # the accessor from TrackedItem to the business's own row
    columns: tuple[str, ...]  # the values GET requests reads with each item
    # The receipt time as the business row holds it (from TrackedItem), and the
    # newest-first order by it: the same order as the item's, read from the
    # business's own index when a page lists one business's services.
    received: str
    newest: tuple[str, ...]
    required: tuple[str, ...]  # the attributes a request must have

    def services(self) -> list[Service]: ...
    def service(self, local_code: str) -> Service | None: ...
    def attributes(self, service: Service) -> list[Attribute]: ...
    def create(self, *, service: Service, data: RequestInput, by: Any) -> TrackedItem: ...
    def shown(self, item: TrackedItem) -> Shown: ...
    # GET requests: the facts of a page's rows (values of ITEM_COLUMNS and `columns`)
    # by item id, in a fixed number of queries.
    def shown_rows(self, rows: list[dict[str, Any]]) -> dict[int, Shown]: ...
    # Filters on the business row only, never on the item's kind: the (kind, number)
    # index would then lead the plan through every item of the kind, where the
    # received_at index walks the window newest first and stops at the page's end.
    def public_q(self) -> Q: ...
    # By the category's or class's id (one small look-up), not by a join on its code.
    def code_q(self, local_code: str) -> Q: ...


class RequestRefused(Exception):
    """The business refused the request; the message is fit to show the client."""


def district_choices() -> tuple[tuple[str, str], ...]:
    return tuple(District.objects.order_by("sort_order", "key").values_list("key", "name"))


def district_attribute(*, required: bool, description: str) -> Attribute:
    return Attribute(
        code=DISTRICT,
        datatype="singlevaluelist",
        required=required,
        description=description,
        order=1,
        values=district_choices(),
    )


def public_attribute(*, order: int) -> Attribute:
    """attribute[public]: whether the sender publishes the request. GeoReport has no
    field for it and its list of requests is public by design, so a request posted
    here is published unless the sender says no."""
    return Attribute(
        code=PUBLIC,
        datatype="singlevaluelist",
        required=False,
        description=str(
            _(
                "Publish this request (公開於城市服務)? yes, the default: GET requests lists "
                "its description with ID, phone, e-mail and plate numbers masked, its place "
                "and its status, never your name, e-mail or phone. no: only the responsible "
                "agency sees it, and GET requests does not return it, not even by its id."
            )
        ),
        order=order,
        values=(
            ("yes", str(_("Yes, list it publicly"))),
            ("no", str(_("No, only the agency sees it"))),
        ),
    )


def businesses() -> list[Business]:
    from yankao.open311.petitions import PetitionBusiness

    found: list[Business] = [PetitionBusiness()]
    if apps.is_installed("yankao.dispatch"):
        from yankao.open311.dispatch import DispatchBusiness

        found.append(DispatchBusiness())
    return found


def business_for(code: str) -> tuple[Business, str] | None:
    prefix, _sep, local = code.partition(SEPARATOR)
    if not local:
        return None
    for business in businesses():
        if business.prefix == prefix:
            return business, local
    return None


def all_services() -> list[Service]:
    return [service for business in businesses() for service in business.services()]


def find_service(code: str) -> tuple[Business, Service] | None:
    """The business and the active service a code names, or None."""
    if len(code) > 40:
        return None
    found = business_for(code)
    if found is None:
        return None
    business, local = found
    service = business.service(local)
    return (business, service) if service else None


def business_of(item: TrackedItem) -> Business | None:
    for business in businesses():
        if business.kind == item.kind:
            return business
    return None


# A service with at most this many public requests (of all time) is found from its
# own rows by the business table's index; a commoner one by walking the window
# newest first, where its requests are dense enough to fill a page soon. For a
# business whose rows have no receipt time of their own (dispatch tickets; public
# ones are few), so that a page of one service never walks the whole window.
FEW_REQUESTS = 2000


def few_or(ids: Any, many: Q) -> Q:
    """`pk IN` the item ids `ids` (a values_list query) yields, if there are at most
    FEW_REQUESTS of them (counted from the index, up to that many); else `many`."""
    if ids[: FEW_REQUESTS + 1].count() <= FEW_REQUESTS:
        return Q(pk__in=ids)
    return many


def postal_codes(rows: list[dict[str, Any]], column: str) -> dict[int, str]:
    """The postal codes of the districts the rows name at `column`, in one query."""
    ids = {row[column] for row in rows if row[column] is not None}
    if not ids:
        return {}
    return dict(District.objects.filter(pk__in=ids).values_list("pk", "postal_code"))
