"""The tracking engine (列管): one table of tracked items for every business.

A petition, a dispatch ticket, an inspection defect, a council resolution and a
milestone are each a `TrackedItem` owned by an agency, with a deadline, a status,
a history, extensions and a verdict. A business app keeps its own facts in its
own model with a one-to-one link to the item and registers an `ItemKind`
(see kinds.py); the engine never needs to know the business.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yankao.core import clock


class Status(models.TextChoices):
    ASSIGNED = "assigned", _("Awaiting acceptance")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_APPROVAL = "awaiting_approval", _("Reply awaiting approval")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.AWAITING_APPROVAL)
ENDED_STATUSES = (Status.CLOSED, Status.WITHDRAWN)


class Clock(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days")
    HOURS = "hours", _("Clock hours")


class Outcome(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Escalation(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    SUPERVISOR = 1, _("Escalated to the supervisor")
    COMMISSION = 2, _("Escalated to the commission")


def overdue_terms(at: datetime | None = None, prefix: str = "") -> list[Q]:
    """Open at `at` and past its deadline then, as terms each answered by one index:
    still open (the partial index of open items by deadline) and, for a moment given,
    ended since (the closing index). Without a moment it is now, and only the first
    term can hold: the one term lets a list walk the open items in deadline order.
    A model that reaches the item through `prefix` (e.g. "item__") filters by the
    same terms."""
    moment = clock.now() if at is None else at
    still_open = Q(**{f"{prefix}closed_at__isnull": True, f"{prefix}due_at__lt": moment})
    if at is None:
        return [still_open]
    ended_since = Q(**{f"{prefix}closed_at__gte": at, f"{prefix}due_at__lt": at})
    return [still_open, ended_since]


def overdue_q(at: datetime | None = None, prefix: str = "") -> Q:
    """Items open at `at` (now by default) whose deadline had passed by then: the one
    definition of overdue. An item is open exactly while it has no closing moment
    (closed or withdrawn), whatever its deadline was extended to since."""
    if at is None:
        return overdue_terms(None, prefix)[0]
    # The same rows as the terms, with the deadline tested first: a figure counted
    # over many rows rejects most of them on it alone.
    still_open = Q(**{f"{prefix}closed_at__isnull": True}) | Q(**{f"{prefix}closed_at__gte": at})
    return Q(**{f"{prefix}due_at__lt": at}) & still_open


class TrackedItemQuerySet(models.QuerySet["TrackedItem"]):
    def overdue(self, at: datetime | None = None) -> TrackedItemQuerySet:
        """The items open and past their deadline at `at` (now by default)."""
        return self.filter(overdue_q(at))


class TrackedItem(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    number = models.CharField(_("number"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    owner_agency = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="tracked_items",
    )
    owner_unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracked_items",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_items",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ASSIGNED
    )
    received_at = models.DateTimeField(_("received at"))
    clock_started_at = models.DateTimeField(
        _("clock started at"),
        help_text=_("When the current agency's time limit began (receipt or last transfer)."),
    )
    clock = models.CharField(_("time limit unit"), max_length=12, choices=Clock.choices)
    time_limit = models.PositiveIntegerField(_("time limit"))
    due_at = models.DateTimeField(_("due at"))
    original_due_at = models.DateTimeField(_("originally due at"))
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    commission_escalation_at = models.DateTimeField(
        _("commission alerted after"), null=True, blank=True
    )
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(
        _("verdict"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    working_days_taken = models.DecimalField(
        _("working days taken"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    transfer_count = models.PositiveSmallIntegerField(_("transfers"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrackedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("tracked item")
        verbose_name_plural = _("tracked items")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="item_number_unique_per_kind"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="item_status_valid"),
            models.CheckConstraint(condition=Q(time_limit__gt=0), name="item_time_limit_positive"),
            models.CheckConstraint(
                condition=Q(due_at__gt=F("received_at")), name="item_due_after_receipt"
            ),
            # An ended item has its closing moment; an open one has none and no verdict.
            models.CheckConstraint(
                condition=(
                    Q(status__in=[s.value for s in ENDED_STATUSES], closed_at__isnull=False)
                    | (~Q(status__in=[s.value for s in ENDED_STATUSES]) & Q(closed_at__isnull=True))
                ),
                name="item_closed_iff_ended",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED) | Q(outcome=""),
                name="item_verdict_only_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | ~Q(outcome=""),
                name="item_closed_has_verdict",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_agency", "status", "due_at"], name="item_worklist"),
            models.Index(fields=["status", "due_at"], name="item_status_due"),
            models.Index(fields=["received_at"], name="item_received"),
            # Closed items by closing time (reports). Partial, like the next one, so
            # that "closed_at is null" is never read from it: SQLite's statistics would
            # take the nulls for one row each.
            models.Index(
                fields=["closed_at"], name="item_closed", condition=Q(closed_at__isnull=False)
            ),
            # Open items (closed_at is null) by deadline: worklists walk it in order and
            # stop after a page, whatever the size of the table; being partial, it
            # holds open items only, and the planner's statistics see how many.
            models.Index(
                fields=["due_at"], name="item_open_due", condition=Q(closed_at__isnull=True)
            ),
            models.Index(
                fields=["remind_at"], name="item_remind", condition=Q(reminded_at__isnull=True)
            ),
            # An agency's open items of one kind: a list's capped count (and a narrow
            # list) is read from this index alone, stopping after 1,001 entries,
            # however many open items the agency has. Status and id ride along so the
            # count never visits the table.
            models.Index(
                fields=["owner_agency", "kind", "due_at", "status", "id"],
                name="item_open_agency",
                condition=Q(closed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Action(models.TextChoices):
    CREATE = "create", _("Registered")
    ACCEPT = "accept", _("Accepted")
    ASSIGN = "assign", _("Assigned to a handler")
    TRANSFER = "transfer", _("Transferred to another agency")
    COHANDLER_ADD = "cohandler_add", _("Co-handling agency added")
    COHANDLER_REPLY = "cohandler_reply", _("Co-handling agency replied")
    REPLY_SUBMIT = "reply_submit", _("Reply submitted for approval")
    REPLY_RETURN = "reply_return", _("Reply returned for revision")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")
    WITHDRAW = "withdraw", _("Withdrawn")
    EXTENSION_REQUEST = "extension_request", _("Extension requested")
    EXTENSION_APPROVE = "extension_approve", _("Extension approved")
    EXTENSION_REJECT = "extension_reject", _("Extension rejected")
    REMIND = "remind", _("Reminder sent")
    ESCALATE = "escalate", _("Escalated")
    DEADLINE_RECALCULATE = "deadline_recalculate", _("Deadline recalculated")
    NOTE = "note", _("Note")


class ItemEvent(models.Model):
    """One entry of an item's history: who did what, when, and why."""

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    from_agency = models.ForeignKey(
        "organisation.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "organisation.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    # The deadline's moves as plain columns, so an auditor can follow every deadline
    # from the history alone: what an approved extension added (in the item's unit),
    # and the deadline before and after each move (extension, transfer, typhoon-day
    # recalculation). A close carries the deadline its verdict was given against, in
    # both.
    time_added = models.PositiveIntegerField(
        _("time added"),
        null=True,
        blank=True,
        help_text=_("In the item's unit: working days or hours."),
    )
    due_before = models.DateTimeField(_("deadline before"), null=True, blank=True)
    due_after = models.DateTimeField(_("deadline after"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["item", "at"], name="event_item_at")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class CoHandlerState(models.TextChoices):
    PENDING = "pending", _("Awaiting contribution")
    REPLIED = "replied", _("Contributed")


class CoHandler(models.Model):
    """An agency asked to contribute (協辦) to an item another agency leads."""

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="cohandlers")
    agency = models.ForeignKey(
        "organisation.Agency", on_delete=models.PROTECT, related_name="cohandled_items"
    )
    state = models.CharField(
        max_length=10, choices=CoHandlerState.choices, default=CoHandlerState.PENDING
    )
    requested_at = models.DateTimeField()
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("co-handling agency")
        verbose_name_plural = _("co-handling agencies")
        constraints = [
            models.UniqueConstraint(fields=["item", "agency"], name="cohandler_once_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.agency_id}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Extension(models.Model):
    """A request to move an item's deadline (展延), and the supervisor's decision."""

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    reason = models.TextField(_("reason"))
    amount = models.PositiveIntegerField(
        _("additional time"), help_text=_("In the item's unit: working days or hours.")
    )
    state = models.CharField(
        max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    due_before = models.DateTimeField()
    due_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(state="pending"),
                name="extension_one_pending_per_item",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="extension_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} +{self.amount}"
