"""Every write to tracked items goes through one of these functions.

Each one locks the item row, checks the move against the kind's workflow table,
writes the change and its history entry in one transaction, and leaves messages
in the outbox, which is delivered only after the transaction commits.
Permission checks belong to the caller (see policy.py); these functions check
that the move is valid for the item's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.calendar import services as office_calendar
from yankao.core import clock
from yankao.organisation.models import Agency
from yankao.tracking import deadlines, notifications
from yankao.tracking.kinds import ItemKind, get_kind
from yankao.tracking.models import (
    OPEN_STATUSES,
    Action,
    Clock,
    CoHandler,
    CoHandlerState,
    Escalation,
    Extension,
    ExtensionState,
    ItemEvent,
    Outcome,
    Status,
    TrackedItem,
    overdue_q,
)


class TrackingError(Exception):
    """A move the engine refuses; the message is fit to show to the user."""


class TransitionNotAllowed(TrackingError):
    pass


class StaleItem(TrackingError):
    pass


@dataclass(frozen=True)
class DeadlineMove:
    """What a history entry records of the deadline: before and after the move, and
    the time an approved extension added."""

    before: datetime | None = None
    after: datetime | None = None
    time_added: int | None = None


# --- internals ----------------------------------------------------------------------


def _lock(item: TrackedItem, version: int | None) -> TrackedItem:
    fresh = TrackedItem.objects.select_for_update().select_related("owner_agency").get(pk=item.pk)
    if version is not None and fresh.version != version:
        raise StaleItem(_("Someone else changed this item a moment ago. Reload it and try again."))
    return fresh


def _check(kind: ItemKind, item: TrackedItem, action: str) -> None:
    transition = kind.transitions.get(action)
    if transition is None or item.status not in transition.sources:
        raise TransitionNotAllowed(
            _("This action is not possible while the item is “%(status)s”.")
            % {"status": item.get_status_display()}
        )


def _move(kind: ItemKind, item: TrackedItem, action: str) -> str:
    """Check the move and apply its target status; returns the status before."""
    _check(kind, item, action)
    before = item.status
    target = kind.transitions[action].target
    if target is not None:
        item.status = target
    return before


def _record(
    kind: ItemKind,
    item: TrackedItem,
    *,
    action: str,
    by: User | None,
    at: datetime,
    from_status: str = "",
    reason: str = "",
    from_agency: Agency | None = None,
    to_agency: Agency | None = None,
    data: dict[str, Any] | None = None,
    deadline: DeadlineMove | None = None,
) -> ItemEvent:
    deadline = deadline or DeadlineMove()
    event = ItemEvent.objects.create(
        item=item,
        at=at,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=item.status,
        from_agency=from_agency,
        to_agency=to_agency,
        reason=reason,
        time_added=deadline.time_added,
        due_before=deadline.before,
        due_after=deadline.after,
        data=data or {},
    )
    if kind.on_event is not None:
        kind.on_event(item, event)
    return event


def _save(item: TrackedItem, *fields: str) -> None:
    item.version += 1
    item.save(update_fields=[*fields, "version", "updated_at"])


def _require(text: str, message: Any) -> None:
    if not text.strip():
        raise TrackingError(message)


def _step(
    item: TrackedItem,
    action: str,
    *,
    by: User,
    reason: str,
    version: int | None,
    changes: dict[str, Any] | None = None,
) -> TrackedItem:
    """A move that changes the status and a few fields, with its history entry."""
    item = _lock(item, version)
    kind = get_kind(item.kind)
    before = _move(kind, item, action)
    changes = changes or {}
    for name, value in changes.items():
        setattr(item, name, value)
    _save(item, "status", *changes)
    _record(kind, item, action=action, by=by, at=clock.now(), from_status=before, reason=reason)
    return item


def _set_deadline(kind: ItemKind, item: TrackedItem, start: datetime) -> None:
    item.clock_started_at = start
    item.due_at = deadlines.due_moment(item.clock, start, item.time_limit)
    item.original_due_at = item.due_at
    _schedule_followups(kind, item)


def _schedule_followups(kind: ItemKind, item: TrackedItem) -> None:
    item.remind_at = deadlines.remind_moment(item.clock, item.clock_started_at, item.due_at)
    item.reminded_at = None
    item.commission_escalation_at = deadlines.commission_moment(
        item.clock, item.due_at, kind.commission_escalation_after
    )
    item.escalation = Escalation.NONE


# --- creating -------------------------------------------------------------------------


# No savepoint of its own: each business creates its item inside its own create,
# whose transaction (or savepoint) a failure here rolls back whole.
@transaction.atomic(savepoint=False)
def item_create(
    *,
    kind: str,
    number: str,
    title: str,
    owner_agency: Agency,
    by: User | None,
    received_at: datetime | None = None,
    time_limit: int | None = None,
    owner_unit: Any = None,
    assignee: User | None = None,
    reason: str = "",
) -> TrackedItem:
    item_kind = get_kind(kind)
    received = received_at or clock.now()
    item = TrackedItem(
        kind=kind,
        number=number,
        title=title,
        owner_agency=owner_agency,
        owner_unit=owner_unit,
        assignee=assignee,
        status=Status.ASSIGNED,
        received_at=received,
        clock=item_kind.clock,
        time_limit=time_limit or item_kind.default_time_limit,
    )
    _set_deadline(item_kind, item, received)
    item.save()
    _record(
        item_kind,
        item,
        action=Action.CREATE,
        by=by,
        at=received,
        reason=reason,
        to_agency=owner_agency,
    )
    notifications.item_assigned(item)
    return item


# --- working an item ------------------------------------------------------------------------


@transaction.atomic
def item_accept(*, item: TrackedItem, by: User, version: int | None = None) -> TrackedItem:
    item = _lock(item, version)
    kind = get_kind(item.kind)
    before = _move(kind, item, Action.ACCEPT)
    item.assignee = item.assignee or by
    _save(item, "status", "assignee")
    _record(kind, item, action=Action.ACCEPT, by=by, at=clock.now(), from_status=before)
    return item


@transaction.atomic
def item_assign(
    *, item: TrackedItem, to_user: User, by: User, version: int | None = None
) -> TrackedItem:
    item = _lock(item, version)
    kind = get_kind(item.kind)
    _check(kind, item, Action.ASSIGN)
    if to_user.agency_id != item.owner_agency_id:
        raise TrackingError(_("The handler must belong to the responsible agency."))
    item.assignee = to_user
    _save(item, "assignee")
    _record(
        kind,
        item,
        action=Action.ASSIGN,
        by=by,
        at=clock.now(),
        from_status=item.status,
        data={"assignee": to_user.pk},
    )
    notifications.item_assigned(item)
    return item


@transaction.atomic
def item_transfer(
    *,
    item: TrackedItem,
    to_agency: Agency,
    by: User,
    reason: str,
    version: int | None = None,
) -> TrackedItem:
    """Move an item to the competent agency (移文); the reason is required."""
    if not reason.strip():
        raise TrackingError(_("Give the reason for the transfer."))
    item = _lock(item, version)
    if to_agency.pk == item.owner_agency_id:
        raise TrackingError(_("The item already belongs to that agency."))
    kind = get_kind(item.kind)
    before = _move(kind, item, Action.TRANSFER)
    now = clock.now()
    due_before = item.due_at
    from_agency = item.owner_agency
    item.owner_agency = to_agency
    item.owner_unit = None
    item.assignee = None
    item.transfer_count += 1
    if kind.restart_clock_on_transfer:
        _set_deadline(kind, item, now)
    Extension.objects.filter(item=item, state=ExtensionState.PENDING).update(
        state=ExtensionState.REJECTED, decided_at=now, decision_note="transferred"
    )
    _save(
        item,
        "status",
        "owner_agency",
        "owner_unit",
        "assignee",
        "transfer_count",
        "clock_started_at",
        "due_at",
        "original_due_at",
        "remind_at",
        "reminded_at",
        "commission_escalation_at",
        "escalation",
    )
    _record(
        kind,
        item,
        action=Action.TRANSFER,
        by=by,
        at=now,
        from_status=before,
        reason=reason,
        from_agency=from_agency,
        to_agency=to_agency,
        deadline=DeadlineMove(before=due_before, after=item.due_at),
    )
    notifications.item_assigned(item)
    return item


@transaction.atomic
def item_add_cohandler(
    *, item: TrackedItem, agency: Agency, by: User, reason: str = ""
) -> CoHandler:
    item = _lock(item, None)
    kind = get_kind(item.kind)
    _check(kind, item, Action.COHANDLER_ADD)
    if agency.pk == item.owner_agency_id:
        raise TrackingError(_("The responsible agency cannot also be a co-handler."))
    if CoHandler.objects.filter(item=item, agency=agency).exists():
        raise TrackingError(_("That agency is already a co-handler."))
    now = clock.now()
    cohandler = CoHandler.objects.create(item=item, agency=agency, requested_at=now)
    _save(item)
    _record(
        kind,
        item,
        action=Action.COHANDLER_ADD,
        by=by,
        at=now,
        from_status=item.status,
        reason=reason,
        to_agency=agency,
    )
    notifications.cohandler_requested(item, agency)
    return cohandler


@transaction.atomic
def item_cohandler_reply(*, item: TrackedItem, agency: Agency, by: User, reply: str) -> CoHandler:
    if not reply.strip():
        raise TrackingError(_("Write the contribution before sending it."))
    item = _lock(item, None)
    kind = get_kind(item.kind)
    _check(kind, item, Action.COHANDLER_REPLY)
    cohandler = CoHandler.objects.select_for_update().filter(item=item, agency=agency).first()
    if cohandler is None:
        raise TrackingError(_("That agency is not a co-handler of this item."))
    now = clock.now()
    cohandler.reply, cohandler.replied_at, cohandler.replied_by = reply, now, by
    cohandler.state = CoHandlerState.REPLIED
    cohandler.save()
    _save(item)
    _record(
        kind,
        item,
        action=Action.COHANDLER_REPLY,
        by=by,
        at=now,
        from_status=item.status,
        reason=reply,
        from_agency=agency,
    )
    return cohandler


@transaction.atomic
def item_submit_reply(
    *, item: TrackedItem, by: User, reply: str, version: int | None = None
) -> TrackedItem:
    """The handler's reply: closes the item, or waits for the supervisor's approval
    when the kind (or the agency's rule behind it) asks for one."""
    if not reply.strip():
        raise TrackingError(_("Write the reply before submitting it."))
    item = _lock(item, version)
    kind = get_kind(item.kind)
    if not kind.needs_approval(item):
        return _close(kind, item, by=by, reason=reply, at=clock.now())
    before = _move(kind, item, Action.REPLY_SUBMIT)
    _save(item, "status")
    _record(
        kind,
        item,
        action=Action.REPLY_SUBMIT,
        by=by,
        at=clock.now(),
        from_status=before,
        reason=reply,
    )
    notifications.approval_requested(item)
    return item


@transaction.atomic
def item_return_reply(
    *, item: TrackedItem, by: User, reason: str, version: int | None = None
) -> TrackedItem:
    _require(reason, _("Say what the reply needs before returning it."))
    return _step(item, Action.REPLY_RETURN, by=by, reason=reason, version=version)


@transaction.atomic
def item_close(
    *,
    item: TrackedItem,
    by: User | None,
    reason: str = "",
    at: datetime | None = None,
    version: int | None = None,
) -> TrackedItem:
    """Close an item (approving a pending reply, or directly) and give its verdict."""
    item = _lock(item, version)
    return _close(get_kind(item.kind), item, by=by, reason=reason, at=at or clock.now())


def _close(
    kind: ItemKind, item: TrackedItem, *, by: User | None, reason: str, at: datetime
) -> TrackedItem:
    before = _move(kind, item, Action.CLOSE)
    item.closed_at = at
    item.outcome = Outcome.ON_TIME if at <= item.due_at else Outcome.LATE
    # Working days taken mean something on the working-day clock only; an item on the
    # hours clock is measured by its received and closed times.
    item.working_days_taken = (
        office_calendar.working_days_between(item.received_at, at)
        if item.clock == Clock.WORKING_DAYS
        else None
    )
    _save(item, "status", "closed_at", "outcome", "working_days_taken")
    _record(
        kind,
        item,
        action=Action.CLOSE,
        by=by,
        at=at,
        from_status=before,
        reason=reason,
        data={"outcome": item.outcome},
        deadline=DeadlineMove(before=item.due_at, after=item.due_at),
    )
    return item


@transaction.atomic
def item_reopen(
    *, item: TrackedItem, by: User, reason: str, version: int | None = None
) -> TrackedItem:
    _require(reason, _("Give the reason for reopening."))
    changes = {"closed_at": None, "outcome": "", "working_days_taken": None}
    return _step(item, Action.REOPEN, by=by, reason=reason, version=version, changes=changes)


@transaction.atomic
def item_withdraw(
    *, item: TrackedItem, by: User, reason: str, version: int | None = None
) -> TrackedItem:
    _require(reason, _("Give the reason for withdrawing."))
    changes = {"closed_at": clock.now()}
    return _step(item, Action.WITHDRAW, by=by, reason=reason, version=version, changes=changes)


@transaction.atomic
def item_note(*, item: TrackedItem, by: User, text: str) -> ItemEvent:
    if not text.strip():
        raise TrackingError(_("The note is empty."))
    item = _lock(item, None)
    kind = get_kind(item.kind)
    _check(kind, item, Action.NOTE)
    return _record(
        kind, item, action=Action.NOTE, by=by, at=clock.now(), from_status=item.status, reason=text
    )


# --- extensions --------------------------------------------------------------------------


@transaction.atomic
def extension_request(*, item: TrackedItem, by: User, reason: str, amount: int) -> Extension:
    """Ask for more time (展延); the supervisor decides."""
    if not reason.strip():
        raise TrackingError(_("Give the reason for the extension."))
    if amount <= 0:
        raise TrackingError(_("The extension must add at least one unit of time."))
    item = _lock(item, None)
    kind = get_kind(item.kind)
    _check(kind, item, Action.EXTENSION_REQUEST)
    if Extension.objects.filter(item=item, state=ExtensionState.PENDING).exists():
        raise TrackingError(_("An extension request is already awaiting a decision."))
    now = clock.now()
    extension = Extension.objects.create(
        item=item,
        requested_by=by,
        requested_at=now,
        reason=reason,
        amount=amount,
        due_before=item.due_at,
    )
    _save(item)
    _record(
        kind,
        item,
        action=Action.EXTENSION_REQUEST,
        by=by,
        at=now,
        from_status=item.status,
        reason=reason,
        data={"extension": extension.pk, "amount": amount},
    )
    notifications.extension_requested(item, extension)
    return extension


@transaction.atomic
def extension_decide(*, extension: Extension, by: User, approve: bool, note: str = "") -> Extension:
    item = _lock(extension.item, None)
    kind = get_kind(item.kind)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.state != ExtensionState.PENDING:
        raise TrackingError(_("This extension request has already been decided."))
    action = Action.EXTENSION_APPROVE if approve else Action.EXTENSION_REJECT
    _check(kind, item, action)
    now = clock.now()
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = by, now, note
    data: dict[str, Any] = {"extension": extension.pk}
    deadline = DeadlineMove()
    if approve:
        due_before = item.due_at
        item.due_at = deadlines.extended_due(item.clock, item.due_at, extension.amount)
        deadline = DeadlineMove(before=due_before, after=item.due_at, time_added=extension.amount)
        item.extension_count += 1
        _schedule_followups(kind, item)
        extension.due_after = item.due_at
        data["due_at"] = item.due_at.isoformat()
        _save(
            item,
            "due_at",
            "extension_count",
            "remind_at",
            "reminded_at",
            "commission_escalation_at",
            "escalation",
        )
    else:
        _save(item)
    extension.save()
    _record(
        kind,
        item,
        action=action,
        by=by,
        at=now,
        from_status=item.status,
        reason=note,
        data=data,
        deadline=deadline,
    )
    notifications.extension_decided(item, extension)
    return extension


# --- timed work (run by the scheduler) ------------------------------------------------------


def items_send_reminders(*, now: datetime | None = None, batch: int = 500) -> int:
    """Remind the handlers of open items whose last day (or last quarter) has come."""
    now = now or clock.now()
    due_ids = list(
        TrackedItem.objects.filter(
            status__in=OPEN_STATUSES,
            reminded_at__isnull=True,
            remind_at__lte=now,
            due_at__gt=now,
        ).values_list("pk", flat=True)[:batch]
    )
    for pk in due_ids:
        with transaction.atomic():
            item = (
                TrackedItem.objects.select_for_update()
                .filter(pk=pk, reminded_at__isnull=True, status__in=OPEN_STATUSES)
                .first()
            )
            if item is None:
                continue
            item.reminded_at = now
            item.save(update_fields=["reminded_at", "updated_at"])
            _record(
                get_kind(item.kind),
                item,
                action=Action.REMIND,
                by=None,
                at=now,
                from_status=item.status,
            )
            notifications.item_reminder(item)
    return len(due_ids)


def items_escalate_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Overdue items go to the agency's supervisors, and later to the commission.

    A sweep that runs late (the scheduler was down) may find an item past both
    tiers at once: each tier passed is recorded and told, lowest first, so the
    supervisor is never skipped. Returns the number of tiers recorded."""
    now = now or clock.now()
    open_items = TrackedItem.objects.filter(status__in=OPEN_STATUSES)
    to_supervisor = open_items.filter(overdue_q(now), escalation=Escalation.NONE)
    to_commission = open_items.filter(
        escalation__lt=Escalation.COMMISSION, commission_escalation_at__lt=now
    )
    count = 0
    for queryset in (to_commission, to_supervisor):
        for pk in list(queryset.values_list("pk", flat=True)[:batch]):
            count += _escalate_one(pk, now)
    return count


def _tiers_passed(item: TrackedItem, now: datetime) -> list[tuple[int, datetime]]:
    """The tiers the item has passed by `now` but was not escalated to yet, lowest
    first, each with the moment it was passed."""
    tiers = [
        (Escalation.SUPERVISOR, item.due_at),
        (Escalation.COMMISSION, item.commission_escalation_at),
    ]
    return [
        (level, moment)
        for level, moment in tiers
        if level > item.escalation and moment is not None and moment < now
    ]


def _escalate_one(pk: int, now: datetime) -> int:
    with transaction.atomic():
        item = (
            TrackedItem.objects.select_for_update()
            .filter(pk=pk, status__in=OPEN_STATUSES)
            .select_related("owner_agency")
            .first()
        )
        if item is None:
            return 0
        tiers = _tiers_passed(item, now)
        # Only the sweep that moves the level from the one it read records the tiers:
        # SQLite ignores FOR UPDATE, and two sweeps may read the same item.
        if not tiers or not _claim_escalation(item, tiers[-1][0]):
            return 0
        kind = get_kind(item.kind)
        for level, passed_at in tiers:
            item.escalation = level
            _record(
                kind,
                item,
                action=Action.ESCALATE,
                by=None,
                at=now,
                from_status=item.status,
                data={"level": level, "passed_at": passed_at.isoformat()},
            )
            notifications.item_escalated(item, level)
    return len(tiers)


def _claim_escalation(item: TrackedItem, level: int) -> bool:
    claimed = TrackedItem.objects.filter(pk=item.pk, escalation=item.escalation).update(
        escalation=level, updated_at=clock.now()
    )
    return claimed == 1


def items_recalculate_deadlines(*, changed_day: date, by: User | None = None) -> int:
    """After the calendar changes (a typhoon day off declared), recompute the
    deadlines of open working-day items whose time limit spans that day."""
    from yankao.tracking.selectors import items_spanning_day

    changed = 0
    for pk in list(items_spanning_day(changed_day).values_list("pk", flat=True)):
        with transaction.atomic():
            item = TrackedItem.objects.select_for_update().get(pk=pk)
            kind = get_kind(item.kind)
            new_original = deadlines.due_moment(item.clock, item.clock_started_at, item.time_limit)
            shift_to = _shift_extended_due(item, new_original)
            if shift_to == item.due_at:
                continue
            before = item.due_at
            item.original_due_at, item.due_at = new_original, shift_to
            _schedule_followups(kind, item)
            _save(
                item,
                "original_due_at",
                "due_at",
                "remind_at",
                "reminded_at",
                "commission_escalation_at",
                "escalation",
            )
            _record(
                kind,
                item,
                action=Action.DEADLINE_RECALCULATE,
                by=by,
                at=clock.now(),
                from_status=item.status,
                reason=str(changed_day),
                data={"due_before": before.isoformat(), "due_after": shift_to.isoformat()},
                deadline=DeadlineMove(before=before, after=shift_to),
            )
            changed += 1
    return changed


def _shift_extended_due(item: TrackedItem, new_original: datetime) -> datetime:
    """Re-apply the approved extensions on top of the recomputed original deadline."""
    due = new_original
    for amount in item.extensions.filter(state=ExtensionState.APPROVED).values_list(
        "amount", flat=True
    ):
        due = deadlines.extended_due(item.clock, due, amount)
    return due
