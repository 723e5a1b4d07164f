"""Who may do what to a tracked item: role capabilities × agency scope × workflow state.

Pages show only the actions this returns, and every view and API call checks it
before calling a service.
"""

from __future__ import annotations

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.organisation.scoping import agency_in_scope
from yankao.tracking.kinds import get_kind
from yankao.tracking.models import Action, Status, TrackedItem

C = Capability

# Which capability each action needs from a user of the responsible agency's scope.
OWNER_ACTIONS: dict[str, Capability] = {
    Action.ACCEPT: C.ITEM_WORK,
    Action.REPLY_SUBMIT: C.ITEM_WORK,
    Action.COHANDLER_ADD: C.ITEM_WORK,
    Action.EXTENSION_REQUEST: C.ITEM_WORK,
    Action.NOTE: C.ITEM_WORK,
    Action.TRANSFER: C.ITEM_TRANSFER,
    Action.ASSIGN: C.ITEM_APPROVE,
    Action.REPLY_RETURN: C.ITEM_APPROVE,
    Action.EXTENSION_APPROVE: C.ITEM_APPROVE,
    Action.EXTENSION_REJECT: C.ITEM_APPROVE,
    Action.REOPEN: C.ITEM_APPROVE,
    Action.WITHDRAW: C.ITEM_APPROVE,
}

# What the commission may do to any agency's item.
OVERSIGHT_ACTIONS = frozenset({Action.TRANSFER, Action.REOPEN, Action.WITHDRAW, Action.NOTE})


def _owner_in_scope(user: User, item: TrackedItem) -> bool:
    agency = item.owner_agency
    return agency_in_scope(user, agency.pk, agency.path)


def _close_allowed(user: User, item: TrackedItem) -> bool:
    """Approving a reply needs a supervisor; closing without a pending reply is the
    same as submitting one, and goes through REPLY_SUBMIT."""
    return item.status == Status.AWAITING_APPROVAL and user.has_capability(C.ITEM_APPROVE)


def allowed_actions(
    user: User, item: TrackedItem, *, pending_cohandlers: set[int] | None = None
) -> set[str]:
    kind = get_kind(item.kind)
    possible = {
        action
        for action, transition in kind.transitions.items()
        if item.status in transition.sources
    }
    allowed: set[str] = set()
    if _owner_in_scope(user, item):
        allowed |= {
            action
            for action in possible
            if action in OWNER_ACTIONS and user.has_capability(OWNER_ACTIONS[action])
        }
        if Action.CLOSE in possible and _close_allowed(user, item):
            allowed.add(Action.CLOSE)
    if user.has_capability(C.ITEM_OVERSEE):
        allowed |= possible & OVERSIGHT_ACTIONS
    if (
        Action.COHANDLER_REPLY in possible
        and user.has_capability(C.ITEM_WORK)
        and user.agency_id in (pending_cohandlers or set())
    ):
        allowed.add(Action.COHANDLER_REPLY)
    return allowed


def can(user: User, action: str, item: TrackedItem, **context: set[int]) -> bool:
    return action in allowed_actions(user, item, **context)
