"""The channel registry: which sender delivers which `OutboxMessage.channel`.

Adding a channel means writing a module with a `send(message)` function, adding
its value to `Channel` and registering it here. Tests swap senders with
`monkeypatch.setitem(registry, ...)`.
"""

from yankao.messaging.channels import email, sms, webhook
from yankao.messaging.channels.base import ChannelError, Sender

registry: dict[str, Sender] = {
    "email": email.send,
    "sms": sms.send,
    "webhook": webhook.send,
}


def get_sender(channel: str) -> Sender:
    try:
        return registry[channel]
    except KeyError:
        raise ChannelError(f"No sender is registered for the channel {channel!r}.") from None


__all__ = ["ChannelError", "Sender", "get_sender", "registry"]
