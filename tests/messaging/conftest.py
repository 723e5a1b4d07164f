import pytest

from yankao.messaging.channels import ChannelError, registry
from yankao.messaging.models import OutboxMessage


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace the e-mail channel by a fake that records which messages it sent."""
    calls: list[int] = []

    def record(message: OutboxMessage) -> None:
        calls.append(message.pk)

    monkeypatch.setitem(registry, "email", record)
    return calls


@pytest.fixture
def failing_channel(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace the e-mail channel by one whose mail server always refuses."""
    calls: list[int] = []

    def refuse(message: OutboxMessage) -> None:
        calls.append(message.pk)
        raise ChannelError("mail server said no")

    monkeypatch.setitem(registry, "email", refuse)
    return calls
