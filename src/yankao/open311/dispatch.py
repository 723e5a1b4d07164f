"""Dispatch tickets as Open311 services: one service per active hazard class
(e.g. 105 路樹傾倒), grouped as the city groups them. A request becomes a ticket
on the Open311 channel, sent at once to the agency its class names, due back
in the class's clock hours, and published unless its sender says no."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from yankao.core.taipei import TAIPEI
from yankao.dispatch.kinds import KIND
from yankao.dispatch.models import Channel, ReportBack, Ticket, TicketClass
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
    few_or,
    postal_codes,
    public_attribute,
)
from yankao.tracking.models import TrackedItem

PREFIX = "D"


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
    received = "received_at"  # tickets have no copy: the item's
    newest: tuple[str, ...] = ("-received_at", "-pk")
    columns: tuple[str, ...] = (
        "ticket__description",
        "ticket__address",
        "ticket__latitude",
        "ticket__longitude",
        "ticket__ticket_class_id",
        "ticket__district_id",
        "ticket__acknowledged_at",
    )

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
            ),
            public_attribute(order=2),
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
                published=data.published,
            )
        except DispatchError as error:
            raise RequestRefused(str(error)) from error
        return ticket.item

    def shown(self, item: TrackedItem) -> Shown:
        ticket: Ticket = item.ticket
        ticket_class = ticket.ticket_class
        district = ticket.district
        notes, updated = _notes(latest_reports([ticket.pk]).get(ticket.pk), ticket.acknowledged_at)
        return Shown(
            service_code=f"{PREFIX}{SEPARATOR}{ticket_class.code}",
            service_name=_name(ticket_class),
            description=ticket.description,
            service_notice=str(PUBLIC_NOTICE),
            address=ticket.address,
            zipcode=district.postal_code if district else "",
            latitude=ticket.latitude,
            longitude=ticket.longitude,
            status_notes=notes,
            updated_at=updated,
        )

    def shown_rows(self, rows: list[dict[str, Any]]) -> dict[int, Shown]:
        ids = {row["ticket__ticket_class_id"] for row in rows}
        classes = TicketClass.objects.in_bulk(ids)
        postal = postal_codes(rows, "ticket__district_id")
        reports = latest_reports([row["pk"] for row in rows])
        notice = str(PUBLIC_NOTICE)
        shown = {}
        for row in rows:
            ticket_class = classes[row["ticket__ticket_class_id"]]
            notes, updated = _notes(reports.get(row["pk"]), row["ticket__acknowledged_at"])
            shown[row["pk"]] = Shown(
                service_code=f"{PREFIX}{SEPARATOR}{ticket_class.code}",
                service_name=_name(ticket_class),
                description=row["ticket__description"],
                service_notice=notice,
                address=row["ticket__address"],
                zipcode=postal.get(row["ticket__district_id"], ""),
                latitude=row["ticket__latitude"],
                longitude=row["ticket__longitude"],
                status_notes=notes,
                updated_at=updated,
            )
        return shown

    def public_q(self) -> Q:
        return Q(ticket__published=True)

    def code_q(self, local_code: str) -> Q:
        found = TicketClass.objects.filter(code=local_code).values_list("pk", flat=True).first()
        if found is None:
            return Q(pk__in=[])
        # Counted and read from the index ticket_class_published.
        own = Ticket.objects.filter(ticket_class_id=found, published=True)
        return few_or(own.values_list("pk", flat=True), Q(ticket__ticket_class_id=found))


# --- what the agency reported back -----------------------------------------------------------

NOTES_MAX = 1000


def latest_reports(ticket_ids: list[int]) -> dict[int, ReportBack]:
    """Each ticket's latest report-back (a progress note or the report that the
    hazard is dealt with), in one query."""
    latest: dict[int, ReportBack] = {}
    reports = ReportBack.objects.filter(ticket_id__in=ticket_ids).only(
        "ticket_id", "at", "status_text", "done"
    )
    for report in reports.order_by("ticket_id", "at", "pk"):
        latest[report.ticket_id] = report
    return latest


def _moment(at: datetime) -> str:
    return timezone.localtime(at, TAIPEI).strftime("%Y-%m-%d %H:%M")


def _notes(report: ReportBack | None, acknowledged_at: datetime | None) -> tuple[str, Any]:
    """The status notes the agency's own words give (its latest report-back, else its
    acknowledgement) and their moment; ("", None) before the agency has said anything."""
    if report is not None:
        values = {"at": _moment(report.at), "text": report.status_text.strip()[:NOTES_MAX]}
        if report.done:
            text = _("Reported dealt with by the agency at %(at)s: %(text)s") % values
        else:
            text = _("Progress reported by the agency at %(at)s: %(text)s") % values
        return str(text), report.at
    if acknowledged_at is not None:
        said = _("Acknowledged by the agency at %(at)s; it reports back by the deadline.")
        return str(said % {"at": _moment(acknowledged_at)}), acknowledged_at
    return "", None
