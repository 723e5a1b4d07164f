"""What every channel is: a callable that delivers one outbox message or raises."""

from typing import Protocol

from yankao.messaging.models import OutboxMessage


class ChannelError(Exception):
    """Delivery failed in a way the outbox should record and retry."""


class Sender(Protocol):
    def __call__(self, message: OutboxMessage) -> None: ...
