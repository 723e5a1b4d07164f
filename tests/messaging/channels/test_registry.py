import pytest

from tests.messaging.factories import make_message
from yankao.messaging.channels import ChannelError, get_sender, registry
from yankao.messaging.models import Channel, Status
from yankao.messaging.services import outbox_deliver


def test_every_channel_a_message_can_have_has_a_sender() -> None:
    assert set(registry) == set(Channel.values)


def test_asking_for_an_unknown_channel_is_an_error() -> None:
    with pytest.raises(ChannelError, match="pigeon"):
        get_sender("pigeon")


@pytest.mark.django_db
def test_a_message_whose_channel_lost_its_sender_fails_instead_of_vanishing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(registry, "webhook")
    message = make_message(channel="webhook", to=["https://example.org/hook"])

    assert outbox_deliver(message.pk) == Status.FAILED
    message.refresh_from_db()
    assert "No sender is registered for the channel 'webhook'" in message.last_error
