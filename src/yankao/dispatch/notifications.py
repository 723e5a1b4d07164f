"""Messages a ticket leaves in the outbox, inside the writing transaction; the
outbox delivers them after commit and retries failures (see yankao.messaging).

The engine already e-mails the responsible agency's handlers and supervisors when
an item arrives; this adds the agency's duty desk (SMS, webhook, duty e-mail), so
someone on call hears of a hazard at once, at any hour.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from yankao.calendar.roc import format_roc_short_datetime
from yankao.dispatch.models import DispatchContact, Ticket
from yankao.messaging.models import Channel
from yankao.messaging.services import outbox_enqueue
from yankao.tracking.models import Escalation, TrackedItem
from yankao.tracking.notifications import item_link

REF_TYPE = "dispatch.ticket"


def _place(ticket: Ticket) -> str:
    district = ticket.district.name if ticket.district else ""
    return f"{district}{ticket.address}".strip() or _("no address given")


def _facts(ticket: Ticket) -> dict[str, str]:
    """What every message to a duty desk says of the ticket."""
    item = ticket.item
    return {
        "number": item.number,
        "class": ticket.ticket_class.name,
        "place": _place(ticket),
        "due": format_roc_short_datetime(item.due_at),
        "agency": item.owner_agency.short_name,
    }


def _text(ticket: Ticket) -> tuple[str, str]:
    facts = _facts(ticket)
    subject = _("Dispatch %(number)s: %(class)s at %(place)s") % facts
    body = (
        _(
            "Dispatch %(number)s for %(agency)s: %(class)s at %(place)s. "
            "Acknowledge it and report back by %(due)s."
        )
        % facts
    )
    return subject, f"{body}\n{ticket.description}\n{item_link(ticket.item)}"


def _duty_contact(agency_id: int) -> DispatchContact | None:
    return (
        DispatchContact.objects.filter(agency_id=agency_id, is_active=True)
        .only("duty_phone", "webhook_url", "duty_email")
        .first()
    )


def _tell_duty_desk(
    contact: DispatchContact, ticket: Ticket, subject: str, body: str, key: str
) -> int:
    queued = 0
    for channel, address in (
        (Channel.SMS, contact.duty_phone),
        (Channel.WEBHOOK, contact.webhook_url),
        (Channel.EMAIL, contact.duty_email),
    ):
        if not address:
            continue
        outbox_enqueue(
            channel=channel,
            to=[address],
            subject=subject,
            body=body,
            dedupe_key=f"{key}-{channel}",
            ref_type=REF_TYPE,
            ref_id=str(ticket.pk),
        )
        queued += 1
    return queued


def ticket_dispatched(ticket: Ticket) -> int:
    """Tell the responsible agency's duty desk; returns how many messages were queued."""
    contact = _duty_contact(ticket.item.owner_agency_id)
    if contact is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _text(ticket)
    key = f"ticket-{ticket.pk}-{ticket.item.owner_agency_id}-{ticket.item.transfer_count}"
    return _tell_duty_desk(contact, ticket, subject, body, key)


def ticket_escalated(item: TrackedItem, level: int) -> int:
    """Tell the responsible agency's duty desk that its ticket is overdue and has gone
    up a tier (the engine's hook, one call per tier); returns the messages queued."""
    contact = _duty_contact(item.owner_agency_id)
    ticket = (
        Ticket.objects.filter(pk=item.pk).select_related("district", "ticket_class").first()
        if contact is not None
        else None
    )
    if contact is None or ticket is None:
        return 0
    ticket.item = item
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _escalated_text(ticket, level)
    key = f"ticket-{ticket.pk}-escalate-{level}-{item.due_at.isoformat()}"
    return _tell_duty_desk(contact, ticket, subject, body, key)


def _escalated_text(ticket: Ticket, level: int) -> tuple[str, str]:
    facts = _facts(ticket)
    if level == Escalation.COMMISSION:
        subject = _("Overdue dispatch %(number)s is now with the commission") % facts
    else:
        subject = _("Overdue dispatch %(number)s is now with the supervisor") % facts
    body = (
        _(
            "Dispatch %(number)s for %(agency)s (%(class)s at %(place)s) was due by %(due)s "
            "and has not been reported back. Report back as soon as the hazard is dealt with."
        )
        % facts
    )
    return subject, f"{body}\n{item_link(ticket.item)}"
