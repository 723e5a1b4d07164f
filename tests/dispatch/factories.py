"""Tickets for the dispatch tests, made through the real service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.factories import taipei
from yankao.accounts.models import User
from yankao.core import clock
from yankao.dispatch.models import Channel, Ticket, TicketClass
from yankao.dispatch.services import ticket_create
from yankao.organisation.models import District


def ticket_class(code: str = "101") -> TicketClass:
    """101 路面坑洞 (4 h, Maintenance Office) unless another code is named."""
    return TicketClass.objects.get(code=code)


def ticket(
    *,
    code: str = "101",
    received_at: datetime | None = None,
    by: User | None = None,
    district: str | None = "fengshan",
    **fields: Any,
) -> Ticket:
    received = received_at or taipei(2026, 11, 2, 9)
    values: dict[str, Any] = {
        "description": "機車道上有大坑洞，約一公尺寬",
        "address": "光復路二段 120 號前",
        "latitude": "22.626500",
        "longitude": "120.357800",
        "reporter_name": "王小明",
        "reporter_phone": "0912345678",
        "channel": Channel.PHONE,
    }
    values.update(fields)
    with clock.frozen(received):
        return ticket_create(
            by=by,
            ticket_class=ticket_class(code),
            district=District.objects.get(key=district) if district else None,
            received_at=received,
            **values,
        )
