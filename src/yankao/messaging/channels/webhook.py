"""Webhooks: POST the message as JSON to each URL in `to`.

Any answer outside 2xx is a failure, redirects included (a POST must not be
turned into a GET somewhere else). Every request carries the stable message id
in `Idempotency-Key`, so a receiver can drop the rare duplicate.
"""

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from yankao.messaging.channels.base import ChannelError
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body

DEFAULT_TIMEOUT_SECONDS = 10


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def payload(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "subject": message.subject,
        "body": message_body(message),
        "ref_type": message.ref_type,
        "ref_id": message.ref_id,
        "created_at": message.created_at.isoformat(),
    }


def _request(url: str, data: bytes, message: OutboxMessage) -> urllib.request.Request:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ChannelError(f"A webhook URL must be http or https, got {url!r}.")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": message.message_id,
        "User-Agent": "yankao-outbox",
    }
    return urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310


def post(url: str, data: bytes, message: OutboxMessage) -> None:
    timeout = getattr(settings, "YANKAO_WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
    try:
        with _opener.open(_request(url, data, message), timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"{url} answered HTTP {exc.code}.") from exc
    except TimeoutError as exc:
        raise ChannelError(f"{url} did not answer within {timeout} s.") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(f"{url} could not be reached: {exc}") from exc
    if not 200 <= status < 300:
        raise ChannelError(f"{url} answered HTTP {status}.")


def send(message: OutboxMessage) -> None:
    if not message.recipients:
        raise ChannelError("A webhook message needs a URL.")
    data = json.dumps(payload(message), ensure_ascii=False).encode()
    for url in message.recipients:
        post(url, data, message)
