"""Calls for tests, recorded through the real service."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.factories import taipei
from yankao.accounts.models import User
from yankao.core import clock
from yankao.hotline.models import Call, Language, Outcome
from yankao.hotline.services import call_record

MORNING = taipei(2026, 11, 26, 10)


def call(
    agent: User,
    *,
    started_at: datetime = MORNING,
    duration_seconds: int = 90,
    outcome: str = Outcome.OTHER,
    language: str = Language.MANDARIN,
    caller_number: str = "0912-345-123",
    **fields: Any,
) -> Call:
    with clock.frozen(started_at + timedelta(seconds=duration_seconds)):
        return call_record(
            by=agent,
            agent=agent,
            started_at=started_at,
            duration_seconds=duration_seconds,
            outcome=outcome,
            language=language,
            caller_number=caller_number,
            **fields,
        )
