"""The webhook channel against a real HTTP server on 127.0.0.1."""

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pytest_django import Settings

from tests.messaging.factories import make_message
from yankao.messaging.channels import ChannelError, webhook
from yankao.messaging.models import Status
from yankao.messaging.services import outbox_deliver

pytestmark = pytest.mark.django_db


@dataclass
class Receiver:
    url: str
    answer: int = 204
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
            )
            self.send_response(state.answer)
            if 300 <= state.answer < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/yankao"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_webhook_posts_the_message_as_json_with_an_idempotency_key(
    receiver: Receiver,
) -> None:
    message = make_message(
        channel="webhook",
        to=[receiver.url],
        subject="案件已結案",
        ref_type="tracking.item",
        ref_id="9",
    )

    webhook.send(message)

    [request] = receiver.requests
    assert request["path"] == "/hooks/yankao"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["headers"]["Idempotency-Key"] == message.message_id
    assert json.loads(request["body"]) == {
        "id": message.message_id,
        "subject": "案件已結案",
        "body": "Please reply by Friday.",
        "ref_type": "tracking.item",
        "ref_id": "9",
        "created_at": message.created_at.isoformat(),
    }


def test_a_2xx_answer_marks_the_webhook_message_sent(receiver: Receiver) -> None:
    receiver.answer = 200
    message = make_message(channel="webhook", to=[receiver.url])

    assert outbox_deliver(message.pk) == Status.SENT


def test_a_500_answer_fails_the_delivery_for_a_retry(receiver: Receiver) -> None:
    receiver.answer = 500
    message = make_message(channel="webhook", to=[receiver.url])

    assert outbox_deliver(message.pk) == Status.FAILED

    message.refresh_from_db()
    assert message.last_error == f"ChannelError: {receiver.url} answered HTTP 500."
    assert len(receiver.requests) == 1


def test_a_redirect_is_a_failure_and_is_not_followed(receiver: Receiver) -> None:
    receiver.answer = 302
    message = make_message(channel="webhook", to=[receiver.url])

    with pytest.raises(ChannelError, match="HTTP 302"):
        webhook.send(message)
    assert len(receiver.requests) == 1


def test_an_unreachable_receiver_is_a_failure() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    message = make_message(channel="webhook", to=[f"http://127.0.0.1:{port}/"])

    with pytest.raises(ChannelError, match="could not be reached"):
        webhook.send(message)


def test_a_receiver_slower_than_the_timeout_is_a_failure(settings: Settings) -> None:
    settings.YANKAO_WEBHOOK_TIMEOUT = 0.2
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()  # accepts the connection but never answers
        message = make_message(channel="webhook", to=[f"http://127.0.0.1:{sock.getsockname()[1]}/"])

        with pytest.raises(ChannelError, match=r"did not answer within 0\.2 s"):
            webhook.send(message)


def test_only_http_and_https_urls_are_called() -> None:
    message = make_message(channel="webhook", to=["file:///etc/passwd"])

    with pytest.raises(ChannelError, match="must be http or https"):
        webhook.send(message)
