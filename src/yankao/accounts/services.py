"""Writes to staff accounts and API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from yankao.accounts.models import ApiToken, User
from yankao.core import clock

TOKEN_PREFIX = "yk_"  # noqa: S105 - a public prefix, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once; only its digest is kept


@transaction.atomic
def token_create(*, user: User, name: str) -> IssuedToken:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=token_digest(raw))
    return IssuedToken(token=token, raw=raw)


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


USE_RECORDED_EVERY = timedelta(minutes=1)


def _token_user_sql() -> str:
    quote = connection.ops.quote_name
    user, token = quote(User._meta.db_table), quote(ApiToken._meta.db_table)
    # The tables' names come from the models; every value is a parameter.
    tables = f"FROM {user} u JOIN {token} t ON t.user_id = u.id"
    return (
        "SELECT u.*, t.id AS token_id, "
        "(t.last_used_at IS NULL OR t.last_used_at < %s) AS token_use_unrecorded "
        f"{tables} WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
    )


def token_authenticate(raw: str) -> User | None:
    """The active user behind a raw bearer token (not revoked), or None.

    Asked on every API call, so it is one plain query on the unique digest, written
    out: building the same query with the ORM cost more than running it. The user's
    agency is read when it is first needed (scoping); creating needs only the role."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = clock.now()
    since = connection.ops.adapt_datetimefield_value(now - USE_RECORDED_EVERY)
    found = list(User.objects.raw(_token_user_sql(), [since, token_digest(raw)]))
    if not found:
        return None
    user = found[0]
    # Record use at most once a minute, so busy clients do not write on every call.
    if user.token_use_unrecorded:  # type: ignore[attr-defined]
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)  # type: ignore[attr-defined]
    return user
