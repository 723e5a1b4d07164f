"""Dispatch tickets as Open311 services: one service per active hazard class
(e.g. 105 路樹傾倒), grouped as the city groups them. A request becomes a ticket
on the Open311 channel, sent at once to the agency its class names, due back
in the class's clock hours."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from yankao.dispatch.kinds import KIND
from yankao.dispatch.models import Channel, Ticket, TicketClass
from yankao.dispatch.services import DispatchError, ticket_create
from yankao.open311.catalogue import (
    DISTRICT,
    PUBLIC_NOTICE,
    SEPARATOR,
    Attribute,
    RequestInput,
    RequestRefused,
    Service,
    Shown,
    district_attribute,
)
from yankao.tracking.models import TrackedItem

PREFIX = "D"
# The channels whose tickets GET requests lists: those the city app and Open311
# clients sent, never a 1999 caller's or a member of staff's.
PUBLIC_CHANNELS = (Channel.APP, Channel.OPEN311)


def _name(ticket_class: TicketClass) -> str:
    english = (get_language() or "").startswith("en")
    return ticket_class.name_en if english and ticket_class.name_en else ticket_class.name


def _service(ticket_class: TicketClass) -> Service:
    values = {"name": _name(ticket_class), "hours": ticket_class.hours}
    return Service(
        code=f"{PREFIX}{SEPARATOR}{ticket_class.code}",
        name=_name(ticket_class),
        description=str(
            _(
                "Hazard report (dispatch): %(name)s. The responsible agency is sent at "
                "once and reports back within %(hours)s hours."
            )
            % values
        ),
        group=ticket_class.group,
        keywords=",".join(dict.fromkeys([gettext("dispatch"), ticket_class.group])),
        business=KIND,
        target=ticket_class,
        notice=str(
            _("Sent to the responsible agency at once; it reports back within %(hours)s hours.")
            % values
        ),
    )


class DispatchBusiness:
    kind = KIND
    prefix = PREFIX
    related = "ticket"
    required: tuple[str, ...] = ()
    select: tuple[str, ...] = ("ticket__ticket_class", "ticket__district")

    def services(self) -> list[Service]:
        classes = TicketClass.objects.filter(is_active=True).order_by("sort_order", "code")
        return [_service(ticket_class) for ticket_class in classes]

    def service(self, local_code: str) -> Service | None:
        ticket_class = TicketClass.objects.filter(is_active=True, code=local_code).first()
        return _service(ticket_class) if ticket_class else None

    def attributes(self, service: Service) -> list[Attribute]:
        return [
            district_attribute(
                required=DISTRICT in self.required,
                description=str(
                    _("District (行政區) of the hazard; if empty, the one the address names.")
                ),
            )
        ]

    def create(self, *, service: Service, data: RequestInput, by: Any) -> TrackedItem:
        description = data.description or service.name
        try:
            ticket = ticket_create(
                by=by,
                ticket_class=service.target,
                description=description,
                latitude=data.latitude,
                longitude=data.longitude,
                district=data.district,
                address=data.address,
                reporter_name=data.name,
                reporter_phone=data.phone,
                channel=Channel.OPEN311,
                photos=data.media,
            )
        except DispatchError as error:
            raise RequestRefused(str(error)) from error
        return ticket.item

    def shown(self, item: TrackedItem) -> Shown:
        ticket: Ticket = item.ticket
        ticket_class = ticket.ticket_class
        district = ticket.district
        return Shown(
            service_code=f"{PREFIX}{SEPARATOR}{ticket_class.code}",
            service_name=_name(ticket_class),
            description=ticket.description,
            service_notice=str(PUBLIC_NOTICE),
            address=ticket.address,
            zipcode=district.postal_code if district else "",
            latitude=ticket.latitude,
            longitude=ticket.longitude,
        )

    def public_q(self) -> Q:
        return Q(ticket__channel__in=PUBLIC_CHANNELS)

    def code_q(self, local_code: str) -> Q:
        return Q(ticket__ticket_class__code=local_code)
