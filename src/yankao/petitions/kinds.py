"""The petition as a kind of tracked item (陳情案件)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yankao.tracking.kinds import DEFAULT_TRANSITIONS, ItemKind, Transition
from yankao.tracking.models import Action, ItemEvent, Status, TrackedItem

# A petition that may be left unhandled (要點 第14點) is registered and closed at
# once, before anyone accepts it; so a petition may also close from "assigned".
# The pages never offer that move (closing needs a pending reply, see policy.py).
TRANSITIONS = {
    **DEFAULT_TRANSITIONS,
    Action.CLOSE: Transition(
        DEFAULT_TRANSITIONS[Action.CLOSE].sources | {Status.ASSIGNED}, Status.CLOSED
    ),
}


def _reply_needs_approval(item: TrackedItem) -> bool:
    from yankao.petitions.models import AgencyPetitionSettings

    return AgencyPetitionSettings.objects.filter(
        agency_id=item.owner_agency_id, reply_needs_approval=True
    ).exists()


def _on_event(item: TrackedItem, event: ItemEvent) -> None:
    from yankao.petitions import notifications, search

    if event.action == Action.TRANSFER:
        search.petition_moved(item)
    notifications.petition_event(item, event)


PETITION = ItemKind(
    key="petition",
    label=_("Petition"),
    default_time_limit=6,
    restart_clock_on_transfer=True,
    reply_needs_approval=_reply_needs_approval,
    commission_escalation_after=3,
    transitions=TRANSITIONS,
    detail_url_name="petitions:petition",
    on_event=_on_event,
)
