"""Readable, unique numbers for records, safe under concurrent intake."""

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from yankao.core.models import Sequence


def _increment(key: str) -> int | None:
    """Add one to the counter and read it back; None when it does not exist yet.
    One statement (UPDATE … RETURNING) where the database has it: the row stays
    locked by this transaction until it ends, as with the two-statement form."""
    if connection.features.can_return_columns_from_insert:  # RETURNING: PostgreSQL, SQLite 3.35+
        table = connection.ops.quote_name(Sequence._meta.db_table)  # the model's, not input
        sql = f"UPDATE {table} SET value = value + 1 WHERE key = %s RETURNING value"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        return int(row[0]) if row else None
    if Sequence.objects.filter(key=key).update(value=F("value") + 1) == 0:
        return None
    return Sequence.objects.values_list("value", flat=True).get(key=key)


def next_value(key: str) -> int:
    """The next value of the named counter (1, 2, 3 …), without gaps from races.
    Call it inside the transaction that stores the number, so a rollback
    returns the value."""
    value = _increment(key)
    if value is not None:
        return value
    try:
        with transaction.atomic():
            Sequence.objects.create(key=key, value=1)
            return 1
    except IntegrityError:  # another transaction created it first
        value = _increment(key)
        assert value is not None
        return value
