"""The dispatch ticket as a kind of tracked item (派工通報): on the clock in hours,
round the clock, holidays included."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yankao.tracking.kinds import DEFAULT_TRANSITIONS, ItemKind
from yankao.tracking.models import Action, Clock, ItemEvent, TrackedItem

KIND = "ticket"

# A ticket ends with the agency's report-back that the hazard is dealt with
# (services.ticket_report_back), never with the engine's generic reply, which
# would close it without the report, its photos and its time.
TRANSITIONS = {
    action: transition
    for action, transition in DEFAULT_TRANSITIONS.items()
    if action not in (Action.REPLY_SUBMIT, Action.REPLY_RETURN)
}


def _on_escalated(item: TrackedItem, level: int) -> None:
    from yankao.dispatch.notifications import ticket_escalated

    ticket_escalated(item, level)


def _on_event(item: TrackedItem, event: ItemEvent) -> None:
    from yankao.dispatch.services import ticket_follow_event

    ticket_follow_event(item=item, event=event)


TICKET = ItemKind(
    key=KIND,
    label=_("Dispatch ticket"),
    clock=Clock.HOURS,
    default_time_limit=24,
    restart_clock_on_transfer=True,
    reply_needs_approval=False,
    # The commission hears of a ticket still open 4 hours after its deadline.
    commission_escalation_after=4,
    transitions=TRANSITIONS,
    detail_url_name="dispatch:ticket",
    on_event=_on_event,
    on_escalated=_on_escalated,
)
