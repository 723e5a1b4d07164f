from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yankao.tracking.kinds import DEFAULT_TRANSITIONS, ItemKind, Transition
from yankao.tracking.models import Action, ItemEvent, Status, TrackedItem

# Directives are answered within 10 working days and need the supervisor's
# approval before the agency reports back; the commission hears of them 3 working
# days after the deadline.
DIRECTIVE = ItemKind(
    key="directive",
    label=_("Mayor's directive"),
    default_time_limit=10,
    reply_needs_approval=True,
    commission_escalation_after=3,
)

MILESTONE_KIND = "milestone"

# A milestone is completed only through its own service (control.services.
# milestone_complete), which records the completion day and the evidence: the
# engine's generic reply would close it without them. It may close from any open
# status (an agency need not "accept" its own programme's milestone first), never
# moves to another agency (it belongs to its programme's agency), and keeps the
# engine's extensions (展延), notes, reopening and withdrawal.
MILESTONE_TRANSITIONS = {
    action: transition
    for action, transition in DEFAULT_TRANSITIONS.items()
    if action not in (Action.REPLY_SUBMIT, Action.REPLY_RETURN, Action.TRANSFER)
}
MILESTONE_TRANSITIONS[Action.CLOSE] = Transition(
    frozenset({Status.ASSIGNED, Status.IN_PROGRESS}), Status.CLOSED
)


def _on_milestone_event(item: TrackedItem, event: ItemEvent) -> None:
    from yankao.control.services import milestone_follow_event

    milestone_follow_event(item=item, event=event)


# Milestones are due at the end of their planned day (the next working day when it
# is a day off), on the working-day clock; the commission hears of one still open
# 5 working days after its deadline.
MILESTONE = ItemKind(
    key=MILESTONE_KIND,
    label=_("Programme milestone"),
    default_time_limit=1,
    restart_clock_on_transfer=False,
    reply_needs_approval=False,
    commission_escalation_after=5,
    transitions=MILESTONE_TRANSITIONS,
    detail_url_name="control:milestone",
    on_event=_on_milestone_event,
)
