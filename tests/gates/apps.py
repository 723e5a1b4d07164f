"""The application as a WSGI callable for the API gates, run in the test's own
database transaction.

Django's WSGI handler closes the database connection at the end of every request
(`close_old_connections`), which would end the test's transaction; Django's test
client disconnects that for its requests, and so does this wrapper. The body is
read inside, so the response's closing (which sends `request_finished`) happens
while the handler is still disconnected.

A WSGI server always names the peer (gunicorn on its socket too, and the trusted
proxy's address is then replaced from its header); the schemathesis transport
does not, so the wrapper gives the test client's address, as Django's test client
does."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


class InTransactionApp:
    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            answer = self.handler(environ, start_response)
            try:
                body = b"".join(answer)
            finally:
                answer.close()  # type: ignore[attr-defined]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]
