"""A secret in an outbound message: a citizen's private code, or a confirmation link.

The stored body never holds it. Where the secret stands, the body shows a mask; the
secret is sealed (core.sealing) beside it with the places it fills, opened only by
the channel that sends the message, and erased when the message is sent or dead
(messaging.services). An administrator reading the outbox, a search of it, or a
copy of the database sees the mask. See docs/adr/0021.
"""

from __future__ import annotations

import json

from yankao.core.sealing import seal, unseal
from yankao.messaging.models import OutboxMessage

MASK = "••••••••"


class SecretErased(Exception):
    """The message's secret was erased (it was sent, or it died): it cannot be sent."""


def conceal(body: str, secret: str) -> tuple[str, str]:
    """The body with each occurrence of the secret masked, and the sealed secret
    with the places of its masks."""
    if not secret or secret not in body:
        raise ValueError("A message's secret must appear in its body.")
    first, *rest = body.split(secret)
    masked, places = first, []
    for part in rest:
        places.append(len(masked))
        masked += MASK + part
    return masked, seal(json.dumps({"secret": secret, "at": places}))


def reveal(masked: str, sealed: str) -> str:
    """The body as it was given to `conceal`."""
    kept = json.loads(unseal(sealed))
    secret, pieces, start = kept["secret"], [], 0
    for place in kept["at"]:
        pieces += [masked[start:place], secret]
        start = place + len(MASK)
    pieces.append(masked[start:])
    return "".join(pieces)


def message_body(message: OutboxMessage) -> str:
    """The body to send: with its secret, when it has one."""
    if message.secret_sealed:
        return reveal(message.body, message.secret_sealed)
    if message.secret_erased_at is not None:
        raise SecretErased(f"The secret of outbox message {message.pk} was erased.")
    return message.body
