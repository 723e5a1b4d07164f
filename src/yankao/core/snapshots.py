"""Reference data kept in memory per process (ADR 0014).

The city's agencies, districts and categories change a few times a year and are
read on nearly every page. A `Snapshot` reads such a value once and keeps it for
`seconds`; a save or delete of one of its `models` in this process drops it at
once, and other processes see the change within `seconds`. Only what a stale half
minute cannot harm belongs here: names and choice lists, never a permission.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
DEFAULT_SECONDS = 30.0

_all: list[Snapshot[Any]] = []


class Snapshot(Generic[T]):
    def __init__(
        self,
        name: str,
        read: Callable[[], T],
        *,
        models: Iterable[type[models.Model]],
        seconds: float = DEFAULT_SECONDS,
    ) -> None:
        self.name = name
        self.read = read
        self.models = tuple(models)
        self.seconds = seconds
        self._value: T | None = None
        self._taken = 0.0
        _all.append(self)

    def get(self) -> T:
        value = self._value
        if value is None or time.monotonic() - self._taken > self.seconds:
            value = self._value = self.read()
            self._taken = time.monotonic()
        return value

    def holding(self, has: Callable[[T], bool]) -> T:
        """The value, read again first if it lacks what `has` looks for (a row added
        by another process since it was taken, which sent this one no signal)."""
        value = self.get()
        if has(value):
            return value
        self.clear()
        return self.get()

    def clear(self, *args: Any, **kwargs: Any) -> None:
        self._value = None

    def connect(self) -> None:
        """Drop the value when one of its models is saved or deleted (from AppConfig.ready)."""
        for model in self.models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self.clear, sender=model, dispatch_uid=f"snapshot-{self.name}-{model.__name__}"
                )


def clear_all() -> None:
    """Every snapshot dropped: for tests, whose rollbacks send no signals."""
    for snapshot in _all:
        snapshot.clear()
