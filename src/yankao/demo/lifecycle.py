"""Replaying an item's working life for demo data, at the moments it happened."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.organisation.models import Agency
from yankao.tracking import services
from yankao.tracking.models import Status, TrackedItem


def staff_of(agency: Agency, role: str) -> User | None:
    return User.objects.filter(agency=agency, role=role).order_by("pk").first()


def replay_work(rng: random.Random, item: TrackedItem, today: datetime, *, reply: str) -> None:
    """Play an item's life forward from its receipt, stopping at `today`."""
    handler = staff_of(item.owner_agency, Role.HANDLER) or staff_of(
        item.owner_agency, Role.SUPERVISOR
    )
    at = item.clock_started_at + timedelta(hours=rng.uniform(2, 30))
    if handler is None or at >= today:
        return
    with clock.frozen(at):
        item = services.item_accept(item=item, by=handler)
    if rng.random() < 0.03:
        return  # some work stalls after acceptance: the demo needs overdue items too
    if rng.random() < 0.12:
        at += timedelta(days=rng.uniform(3, 8))
        if at >= today:
            return
        supervisor = staff_of(item.owner_agency, Role.SUPERVISOR) or handler
        with clock.frozen(at):
            extension = services.extension_request(
                item=item, by=handler, reason="需會同相關單位現場會勘，申請展延。", amount=5
            )
            services.extension_decide(extension=extension, by=supervisor, approve=True)
    late = rng.random() < 0.1
    span = (item.due_at - item.clock_started_at) * (
        rng.uniform(1.05, 1.6) if late else rng.uniform(0.3, 0.95)
    )
    done = item.clock_started_at + span
    if done >= today:
        return
    supervisor = staff_of(item.owner_agency, Role.SUPERVISOR) or handler
    with clock.frozen(done - timedelta(hours=3)):
        item = services.item_submit_reply(item=item, by=handler, reply=reply)
    if item.status == Status.AWAITING_APPROVAL:
        with clock.frozen(done):
            services.item_close(item=item, by=supervisor)


def replay_transfer(
    rng: random.Random, item: TrackedItem, today: datetime, target: Agency
) -> TrackedItem | None:
    """The first agency finds the matter is not theirs and transfers it (移文)."""
    at = item.received_at + timedelta(hours=rng.uniform(2, 20))
    handler = staff_of(item.owner_agency, Role.HANDLER)
    if handler is None or at >= today:
        return None
    with clock.frozen(at):
        return services.item_transfer(
            item=item,
            to_agency=target,
            by=handler,
            reason=f"本案權責屬{target.short_name}，依規定移文。",
        )
