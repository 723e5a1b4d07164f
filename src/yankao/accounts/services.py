"""Writes to staff accounts and API tokens."""

import functools
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

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


@dataclass(frozen=True)
class _TokenQuery:
    """The sign-in query of `token_authenticate` for one database: its SQL, and the
    converters Django's compiler would apply to the user's columns (SQLite returns
    moments as text, for instance)."""

    sql: str
    names: tuple[str, ...]  # the user's attributes, in the order of the columns
    converters: tuple[tuple[int, Any, tuple[Callable[..., Any], ...]], ...]


@functools.cache
def _token_query(vendor: str) -> _TokenQuery:
    quote = connection.ops.quote_name
    fields = User._meta.concrete_fields
    user, token = quote(User._meta.db_table), quote(ApiToken._meta.db_table)
    columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(User._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, column, tuple(found)))
    # The tables' and columns' names come from the models; every value is a parameter.
    sql = (
        f"SELECT {columns}, t.id, "  # noqa: S608
        "(t.last_used_at IS NULL OR t.last_used_at < %s) "
        f"FROM {user} u JOIN {token} t ON t.user_id = u.id "
        "WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
    )
    names = tuple(field.attname for field in fields)
    return _TokenQuery(sql=sql, names=names, converters=tuple(converters))


def token_authenticate(raw: str) -> User | None:
    """The active user behind a raw bearer token (not revoked), or None.

    Asked on every API call, so it is one plain query on the unique digest, written
    out and read into the model the way the ORM reads a row: building the query with
    the ORM, or even a raw queryset, cost more than running it. The user's agency is
    read when it is first needed (scoping); creating needs only the role."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = clock.now()
    since = connection.ops.adapt_datetimefield_value(now - USE_RECORDED_EVERY)
    query = _token_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [since, token_digest(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, token_id, unrecorded = row
    for index, column, converters in query.converters:
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    user = User.from_db(connection.alias, query.names, values)
    # Record use at most once a minute, so busy clients do not write on every call.
    if unrecorded:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user
