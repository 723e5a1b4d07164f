"""Every write to dispatch tickets goes through one of these functions.

Permission checks belong to the caller (see policy.py); these functions check the
input and the ticket's state, and write the change, its history entry and its
messages in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.core import clock
from yankao.core.forms import PointRefused, city_point
from yankao.core.numbering import TICKET_NUMBERS
from yankao.core.uploads import JPEG, PNG, CheckedFile, files_store
from yankao.dispatch import notifications
from yankao.dispatch.kinds import KIND
from yankao.dispatch.loading import FILE_NAME, load_classes
from yankao.dispatch.models import (
    Channel,
    ReportBack,
    Ticket,
    TicketClass,
    TicketPersonalDataAccess,
    TicketPhoto,
)
from yankao.organisation.models import Agency, District
from yankao.organisation.services import city_data_dir
from yankao.tracking.models import Action, ItemEvent, Status, TrackedItem
from yankao.tracking.services import item_accept, item_close, item_create, item_note

MAX_PHOTOS = 5
PHOTO_TYPES = frozenset({JPEG, PNG})


class DispatchError(Exception):
    """Input or a move the dispatch service refuses; the message is fit to show."""


class LocationError(DispatchError):
    pass


# --- reference data ---------------------------------------------------------------------


def dispatch_reference_load(city: str | None = None) -> int:
    """Load (or update) the city's dispatch classes from its data folder."""
    with transaction.atomic():
        return load_classes(TicketClass, city_data_dir(city) / FILE_NAME)


# --- checks ------------------------------------------------------------------------------


def check_location(latitude: object, longitude: object) -> tuple[Decimal | None, Decimal | None]:
    """Both coordinates or neither, inside the city (core.forms.city_point); the
    message says what is wrong."""
    try:
        return city_point(latitude, longitude)
    except PointRefused as refused:
        raise LocationError(refused.message) from None


def _check_photos(photos: Sequence[CheckedFile]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise DispatchError(_("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS})
    for photo in photos:
        if photo.content_type not in PHOTO_TYPES:
            raise DispatchError(
                _("“%(name)s” is not a photo. Only JPEG or PNG pictures can be attached.")
                % {"name": photo.name}
            )


def _store_photos(
    *, ticket: Ticket, photos: Sequence[CheckedFile], by: User | None, report: ReportBack | None
) -> list[TicketPhoto]:
    return files_store(
        photos,
        row=lambda: TicketPhoto(ticket=ticket, report_back=report),
        stem="photo",
        by=by,
        at=clock.now(),
    )


def _responsible_agency(ticket_class: TicketClass) -> Agency:
    agency = Agency.objects.filter(key=ticket_class.agency_key, is_active=True).first()
    if agency is None:
        raise DispatchError(
            _("No active agency answers the class “%(name)s”; ask an administrator.")
            % {"name": ticket_class.name}
        )
    return agency


def _title(ticket_class: TicketClass, district: District | None, address: str) -> str:
    place = f"{district.name if district else ''}{address}".strip()
    return f"{ticket_class.name} {place}".strip()[:300]


# --- creating ------------------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    by: User | None,
    ticket_class: TicketClass,
    description: str,
    latitude: object = None,
    longitude: object = None,
    district: District | None,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    channel: str,
    photos: Sequence[CheckedFile] = (),
    received_at: datetime | None = None,
    published: bool = False,
) -> Ticket:
    """Register a hazard with the agency its class names, on the class's limit in
    clock hours, and tell that agency at once (handlers by e-mail through the
    engine, the duty desk by SMS/webhook/e-mail if it has a dispatch contact).
    `published` is the reporter's own choice to be listed publicly (Open311);
    staff and API clients never set it, whatever channel they name."""
    if channel not in Channel.values:
        raise DispatchError(_("Unknown channel."))
    if not ticket_class.is_active:
        raise DispatchError(_("This class is no longer in use; choose another."))
    description = description.strip()
    if not description:
        raise DispatchError(_("Describe the hazard."))
    lat, lon = check_location(latitude, longitude)
    if lat is None and district is None and not address.strip():
        raise DispatchError(_("Say where the hazard is: a district, an address or a map point."))
    _check_photos(photos)
    received = received_at or clock.now()
    item = item_create(
        kind=KIND,
        number=TICKET_NUMBERS.next(received),
        title=_title(ticket_class, district, address.strip()),
        owner_agency=_responsible_agency(ticket_class),
        by=by,
        received_at=received,
        time_limit=ticket_class.hours,
        reason=str(Channel(channel).label),
    )
    ticket = Ticket.objects.create(
        item=item,
        ticket_class=ticket_class,
        description=description,
        latitude=lat,
        longitude=lon,
        district=district,
        address=address.strip()[:200],
        reporter_name=reporter_name.strip()[:60],
        reporter_phone=reporter_phone.strip()[:30],
        channel=channel,
        published=published,
    )
    _store_photos(ticket=ticket, photos=photos, by=by, report=None)
    notifications.ticket_dispatched(ticket)
    return ticket


# --- working a ticket ---------------------------------------------------------------------


def _fresh(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("item", "item__owner_agency", "ticket_class", "district")
        .get(pk=ticket.pk)
    )


@transaction.atomic
def ticket_acknowledge(*, ticket: Ticket, by: User, version: int | None = None) -> Ticket:
    """The agency says it has the ticket (the engine's "accept"); the clock keeps running."""
    item_accept(item=ticket.item, by=by, version=version)
    return _fresh(ticket)


@transaction.atomic
def ticket_report_back(
    *,
    ticket: Ticket,
    by: User,
    status_text: str,
    done: bool,
    photos: Sequence[CheckedFile] = (),
) -> ReportBack:
    """What the agency did on site. A report that the hazard is dealt with closes
    the ticket with its verdict (on time or late against the deadline); a progress
    report is kept in the history and does not stop the clock. Reporting acknowledges
    a ticket that was not yet acknowledged."""
    status_text = status_text.strip()
    if not status_text:
        raise DispatchError(_("Say what was done on site."))
    _check_photos(photos)
    ticket = _fresh(ticket)
    if ticket.item.status == Status.ASSIGNED:
        item_accept(item=ticket.item, by=by)
        ticket = _fresh(ticket)
    if ticket.item.status != Status.IN_PROGRESS:
        raise DispatchError(_("This ticket is closed; it takes no more reports."))
    now = clock.now()
    report = ReportBack.objects.create(
        ticket=ticket, at=now, by=by, status_text=status_text, done=done
    )
    _store_photos(ticket=ticket, photos=photos, by=by, report=report)
    if done:
        item_close(item=ticket.item, by=by, reason=status_text, at=now)
        ticket.reported_back_at = now
        ticket.hours_to_report = hours_between(ticket.item.received_at, now)
        ticket.save(update_fields=["reported_back_at", "hours_to_report"])
    else:
        item_note(item=ticket.item, by=by, text=status_text)
    return report


def hours_between(start: datetime, end: datetime) -> Decimal:
    seconds = Decimal(str((end - start).total_seconds()))
    return (seconds / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ticket_follow_event(*, item: TrackedItem, event: ItemEvent) -> None:
    """Keep the ticket's own facts in step with the engine's moves, whichever page
    or API made them (called inside the engine's transaction)."""
    tickets = Ticket.objects.filter(pk=item.pk)
    if event.action == Action.ACCEPT:
        tickets.filter(acknowledged_at__isnull=True).update(
            acknowledged_at=event.at, acknowledged_by=event.actor
        )
    elif event.action == Action.REOPEN:
        tickets.update(reported_back_at=None, hours_to_report=None)
    elif event.action == Action.TRANSFER:
        ticket = tickets.select_related("item", "item__owner_agency", "ticket_class").first()
        if ticket is not None:
            ticket.item = item
            notifications.ticket_dispatched(ticket)


# --- personal data ---------------------------------------------------------------------------


def ticket_personal_data_access_log(
    *, ticket: Ticket, by: User, reason: str, where: str
) -> TicketPersonalDataAccess:
    """Record that a user is about to see the reporter's name and phone unmasked,
    and why."""
    if not reason.strip():
        raise DispatchError(_("Say why you need the personal data."))
    return TicketPersonalDataAccess.objects.create(
        ticket=ticket, user=by, at=clock.now(), reason=reason.strip()[:300], where=where[:40]
    )
