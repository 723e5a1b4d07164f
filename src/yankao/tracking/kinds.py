"""Kinds of tracked items and their workflows.

A business app describes its kind once, in its AppConfig.ready():

    register(ItemKind(key="petition", label=_("Petition"), default_time_limit=6))

and from then on creates items through `tracking.services.item_create`. The
engine reads everything kind-specific from here; nothing in the engine names a
business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise

from yankao.tracking.models import OPEN_STATUSES, Action, Clock, Status

if TYPE_CHECKING:
    from yankao.tracking.models import ItemEvent, TrackedItem


@dataclass(frozen=True)
class Transition:
    """Which statuses an action may start from, and the status it leads to
    (None: the action leaves the status as it is)."""

    sources: frozenset[str]
    target: str | None = None


_OPEN = frozenset(OPEN_STATUSES)
_WORKABLE = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})

# The workflow every kind starts from: every allowed move of an item in one table.
DEFAULT_TRANSITIONS: Mapping[str, Transition] = {
    Action.ACCEPT: Transition(frozenset({Status.ASSIGNED}), Status.IN_PROGRESS),
    Action.ASSIGN: Transition(_OPEN),
    Action.TRANSFER: Transition(_WORKABLE, Status.ASSIGNED),
    Action.COHANDLER_ADD: Transition(_WORKABLE),
    Action.COHANDLER_REPLY: Transition(_OPEN),
    Action.REPLY_SUBMIT: Transition(frozenset({Status.IN_PROGRESS}), Status.AWAITING_APPROVAL),
    Action.REPLY_RETURN: Transition(frozenset({Status.AWAITING_APPROVAL}), Status.IN_PROGRESS),
    Action.CLOSE: Transition(
        frozenset({Status.IN_PROGRESS, Status.AWAITING_APPROVAL}), Status.CLOSED
    ),
    Action.REOPEN: Transition(frozenset({Status.CLOSED}), Status.IN_PROGRESS),
    Action.WITHDRAW: Transition(_OPEN, Status.WITHDRAWN),
    Action.EXTENSION_REQUEST: Transition(_OPEN),
    Action.EXTENSION_APPROVE: Transition(_OPEN),
    Action.EXTENSION_REJECT: Transition(_OPEN),
    Action.NOTE: Transition(frozenset(Status.values)),
}

EventHook = Callable[["TrackedItem", "ItemEvent"], None]
EscalationHook = Callable[["TrackedItem", int], None]


@dataclass(frozen=True)
class ItemKind:
    key: str
    label: str | Promise
    clock: str = Clock.WORKING_DAYS
    default_time_limit: int = 6
    # After a transfer the receiving agency gets the whole time limit again.
    restart_clock_on_transfer: bool = True
    # Whether a handler's reply needs the supervisor's approval before closing.
    reply_needs_approval: bool | Callable[[TrackedItem], bool] = False
    # How long after the deadline (in the kind's unit) the commission is alerted.
    commission_escalation_after: int = 3
    transitions: Mapping[str, Transition] = field(default_factory=lambda: DEFAULT_TRANSITIONS)
    # The business page of one item, reversed with the item's pk, if the kind has one.
    detail_url_name: str | None = None
    # Called inside the transaction after each history entry, for business reactions
    # (e.g. telling a petitioner about a transfer through the outbox).
    on_event: EventHook | None = None
    # Called inside the transaction after the engine's e-mails of an escalation (one
    # call per tier, with its level), for channels of the business's own (e.g. a
    # dispatch ticket's duty desk by SMS and webhook).
    on_escalated: EscalationHook | None = None

    def needs_approval(self, item: TrackedItem) -> bool:
        rule = self.reply_needs_approval
        return rule(item) if callable(rule) else rule


class UnknownKind(LookupError):
    pass


_registry: dict[str, ItemKind] = {}


def register(kind: ItemKind) -> ItemKind:
    existing = _registry.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Another item kind is already registered as {kind.key!r}.")
    _registry[kind.key] = kind
    return kind


def get_kind(key: str) -> ItemKind:
    try:
        return _registry[key]
    except KeyError as exc:
        raise UnknownKind(f"No item kind {key!r} is registered.") from exc


def all_kinds() -> list[ItemKind]:
    return sorted(_registry.values(), key=lambda kind: kind.key)
