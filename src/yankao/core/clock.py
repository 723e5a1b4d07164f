"""The platform's idea of "now". Services read it here so that the demo seeder
(and tests) can replay a year of work at the moments it happened."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("yankao_frozen_now", default=None)


def now() -> datetime:
    moment = _frozen.get()
    return moment if moment is not None else timezone.now()


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("The frozen moment must be timezone-aware.")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
