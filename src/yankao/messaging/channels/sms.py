"""SMS through a gateway configured by the deployment.

`YANKAO_SMS_GATEWAY` is the dotted path of a callable
`send_sms(*, to: list[str], body: str, message_id: str) -> None` that raises on
failure. Without one, SMS messages fail loudly and end up dead in the outbox,
where an administrator sees them; they are never dropped silently.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from yankao.messaging.channels.base import ChannelError
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body


def gateway() -> Callable[..., Any]:
    path = getattr(settings, "YANKAO_SMS_GATEWAY", None)
    if not path:
        raise ChannelError("No SMS gateway is configured (set YANKAO_SMS_GATEWAY).")
    if callable(path):
        return path
    try:
        return import_string(path)
    except ImportError as exc:
        raise ChannelError(f"The SMS gateway {path!r} cannot be imported: {exc}") from exc


def send(message: OutboxMessage) -> None:
    gateway()(to=message.recipients, body=message_body(message), message_id=message.message_id)
