"""Petitions for tests, registered through the real service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.factories import taipei
from yankao.accounts.models import User
from yankao.core import clock
from yankao.organisation.models import District
from yankao.petitions.models import Category, Channel
from yankao.petitions.services import Registered, petition_create

THURSDAY = taipei(2026, 11, 26, 10)


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def district(key: str) -> District:
    return District.objects.get(key=key)


def petition(
    *,
    code: str = "0103",
    district_key: str | None = None,
    received_at: datetime = THURSDAY,
    by: User | None = None,
    **fields: Any,
) -> Registered:
    values: dict[str, Any] = {
        "channel": Channel.PHONE,
        "subject": "路燈不亮",
        "content": "鳳山區光復路二段 120 號前路燈已經三天不亮。",
        "petitioner_name": "李小明",
        "petitioner_email": "ming@example.com",
        "petitioner_phone": "0912-345-123",
    }
    values.update(fields)
    with clock.frozen(received_at):
        return petition_create(
            category=category(code),
            district=district(district_key) if district_key else None,
            by=by,
            received_at=received_at,
            **values,
        )
