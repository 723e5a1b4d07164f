"""Idempotency keys for the JSON API's writes (the IETF draft "The Idempotency-Key
HTTP Header Field").

A client that may have to resend a POST (a timeout, a lost answer) sends an
`Idempotency-Key` of its choosing. The first request with a key claims it by
inserting an `IdempotencyKey` row in the same transaction as the work, and stores
the response there before committing. A later request with the same key and the
same method, path and body gets the stored response again, marked with
`Idempotent-Replayed: true`; with a different request it is refused (422).

Two identical requests at the same moment meet at the (user, key) unique
constraint: the second insert waits for the first transaction and then fails, so
the work is done once and the second request replays its result. A request that
fails rolls its claim back with everything else, so it may be retried with the
same key. Keys are remembered for a day; `idempotency_keys_purge` forgets older ones.

A response may carry a secret the client must get again on a replay (a new case's
verification code, a booking's private code): the operation names those fields in
`Outcome.sealed`, and the record keeps them sealed (`core.sealing`), never in clear.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja.responses import Status

from yankao.core import clock
from yankao.core.api import ApiProblem
from yankao.core.models import IdempotencyKey
from yankao.core.sealing import Unsealable, seal, unseal

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_LIFETIME = timedelta(hours=24)
# Visible ASCII only: the key is stored and compared as given.
_KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")

BAD_KEY = _("The Idempotency-Key header must be 1 to 255 visible ASCII characters.")
KEY_REUSED = _(
    "This Idempotency-Key was already used for a different request; "
    "use a new key for a new request."
)
KEY_IN_USE = _("A request with this Idempotency-Key is still being processed; try again.")
KEY_UNREADABLE = _(
    "The answer to the first request with this Idempotency-Key can no longer be "
    "read back; look the record up instead of sending the request again."
)


@dataclass(frozen=True)
class Outcome:
    """A response to keep: its status code and its body, already JSON-ready (so a
    replay is byte for byte what the first request got). `sealed` names the body's
    top-level fields that hold a secret: they are stored sealed."""

    status: int
    body: Any
    replayed: bool = False
    sealed: tuple[str, ...] = ()


def _sealed_body(outcome: Outcome) -> Any:
    if not outcome.sealed:
        return outcome.body
    return {
        name: seal(str(value)) if name in outcome.sealed else value
        for name, value in outcome.body.items()
    }


def _opened_body(body: Any, sealed: list[str]) -> Any:
    if not sealed:
        return body
    try:
        return {name: unseal(value) if name in sealed else value for name, value in body.items()}
    except Unsealable as error:  # SECRET_KEY replaced without keeping the old in fallbacks
        raise ApiProblem(409, str(KEY_UNREADABLE)) from error


def request_fingerprint(request: HttpRequest) -> str:
    """SHA-256 over the method, the path and the raw body."""
    digest = hashlib.sha256()
    for part in (str(request.method).encode(), request.path.encode(), request.body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def idempotency_key(request: HttpRequest) -> str | None:
    """The request's key, None without one; a malformed key is a 400."""
    key = request.headers.get(KEY_HEADER)
    if key is None:
        return None
    if not _KEY_PATTERN.fullmatch(key):
        raise ApiProblem(400, str(BAD_KEY))
    return key


def _stored(user: AbstractBaseUser, key: str, fingerprint: str) -> Outcome:
    record = IdempotencyKey.objects.get(user_id=user.pk, key=key)
    if record.fingerprint != fingerprint:
        raise ApiProblem(422, str(KEY_REUSED))
    if record.status_code is None:  # pragma: no cover - rows are only seen committed
        raise ApiProblem(409, str(KEY_IN_USE))
    sealed = list(record.sealed_fields or [])
    return Outcome(
        status=record.status_code,
        body=_opened_body(record.response_body, sealed),
        replayed=True,
        sealed=tuple(sealed),
    )


@transaction.atomic
def run_once(
    *, user: AbstractBaseUser, key: str, fingerprint: str, operation: Callable[[], Outcome]
) -> Outcome:
    """Run `operation` once per (user, key), in this transaction, or replay the
    outcome stored by the request that ran it."""
    now = clock.now()
    IdempotencyKey.objects.filter(
        user_id=user.pk, key=key, created_at__lt=now - KEY_LIFETIME
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user_id=user.pk, key=key, fingerprint=fingerprint, created_at=now
            )
    except IntegrityError:
        return _stored(user, key, fingerprint)
    outcome = operation()
    record.status_code = outcome.status
    record.response_body = _sealed_body(outcome)
    record.sealed_fields = list(outcome.sealed)
    record.save(update_fields=["status_code", "response_body", "sealed_fields"])
    return outcome


def respond_once(
    request: HttpRequest,
    response: HttpResponse,
    *,
    user: AbstractBaseUser,
    operation: Callable[[], Outcome],
) -> Status[Any]:
    """For a django-ninja endpoint (`response` is its temporal response): run the
    operation, once per key if the request has one, and answer its outcome."""
    key = idempotency_key(request)
    if key is None:
        outcome = operation()
    else:
        outcome = run_once(
            user=user, key=key, fingerprint=request_fingerprint(request), operation=operation
        )
    if outcome.replayed:
        response[REPLAYED_HEADER] = "true"
    return Status(outcome.status, outcome.body)


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Forget keys older than a day; their requests would now run again."""
    limit = (now or clock.now()) - KEY_LIFETIME
    deleted, _counts = IdempotencyKey.objects.filter(created_at__lt=limit).delete()
    return deleted
