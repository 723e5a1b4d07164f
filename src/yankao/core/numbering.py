"""Readable, unique numbers for records, safe under concurrent intake.

Every reference number the city gives out is of one declared `NumberKind`: a
lead (a letter or character naming the business, or none), the ROC year or ROC
date of receipt, a dash, and a sequence that runs through the ROC year, always
padded to `WIDTH` digits so that numbers of a year sort as they were given:

    petition case      1151126-000123   (ROC date)
    dispatch ticket    派115-000123      (ROC year)
    legal booking      L1151126-000042  (ROC date)
    mayor's directive  指115-000001      (ROC year)
    tracked programme  計115-000001      (ROC year)

Underneath are named counters (`next_value`, `insert_numbered`), one per kind
and ROC year (`petition-115`), that never give one value twice, however many
requests number at once, and give a value back when its transaction rolls back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone

from yankao.core.era import roc_year
from yankao.core.models import Sequence

WIDTH = 6  # the sequence's digits, for every kind


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


def numbered(prefix: str, value: int, digits: int) -> str:
    """`prefix` and the value, zero-padded to at least `digits` digits."""
    return f"{prefix}{value:0{digits}d}"


def insert_numbered(
    instance: models.Model, *, field: str, key: str, prefix: str, digits: int = 6
) -> None:
    """Save a new `instance` whose `field` is `prefix` and the next value of the
    counter `key` (see `numbered`), without gaps from races.

    On PostgreSQL this is one statement: a data-modifying CTE moves the counter on
    (creating it at 1) and the row is inserted with the number it returns. A
    request in autocommit mode then needs no BEGIN and COMMIT round trips, and the
    counter's row stays locked until the statement's transaction ends, as with
    `next_value`. Elsewhere, `next_value` and an insert in one transaction."""
    if connection.vendor != "postgresql":
        with transaction.atomic(savepoint=False):
            setattr(instance, field, numbered(prefix, next_value(key), digits))
            instance.save(force_insert=True)
        return
    meta = instance._meta
    target = next(one for one in meta.concrete_fields if one.name == field)
    columns = [
        one
        for one in meta.concrete_fields
        if one is not target and not (one.primary_key and isinstance(one, models.AutoField))
    ]
    key_column = next(one.column for one in meta.concrete_fields if one.primary_key)
    quote = connection.ops.quote_name
    counters = quote(Sequence._meta.db_table)
    name, value = quote("key"), quote("value")  # Sequence's columns
    values = [one.get_db_prep_save(one.pre_save(instance, True), connection) for one in columns]
    names = ", ".join(quote(one.column) for one in [target, *columns])
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (
        f"WITH counter AS (INSERT INTO {counters} ({name}, {value}) VALUES (%s, 1) "  # noqa: S608
        f"ON CONFLICT ({name}) DO UPDATE SET {value} = {counters}.{value} + 1 "
        f"RETURNING {value}) "
        f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ("
        f"(SELECT %s::text || lpad({value}::text, greatest(%s, length({value}::text)), '0') "
        f"FROM counter), {placeholders}) RETURNING {quote(key_column)}, {quote(target.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, prefix, digits, *values])
        pk, number = cursor.fetchone()
    instance.pk = pk
    setattr(instance, field, number)
    instance._state.adding = False
    instance._state.db = connection.alias


@dataclass(frozen=True)
class NumberKind:
    """One kind of reference number (see the module docstring). `counter` names
    the per-year counters (`petition` → `petition-115`); `dated` puts the whole
    ROC date in the prefix (1151126) instead of the ROC year alone (115)."""

    counter: str
    lead: str = ""
    dated: bool = False

    def parts(self, moment: datetime) -> tuple[str, str]:
        """The counter and the prefix of a number given at `moment`."""
        day = timezone.localtime(moment).date()
        return self.key(day), self.prefix(day)

    def key(self, day: date) -> str:
        """The counter of the ROC year of `day`."""
        return f"{self.counter}-{roc_year(day)}"

    def prefix(self, day: date) -> str:
        year = roc_year(day)
        stamp = f"{year:03d}{day.month:02d}{day.day:02d}" if self.dated else f"{year:03d}"
        return f"{self.lead}{stamp}-"

    def format(self, day: date, value: int) -> str:
        """The number with sequence `value` given on `day` (for bulk loads that
        move the counter on themselves)."""
        return numbered(self.prefix(day), value, WIDTH)

    def next(self, moment: datetime) -> str:
        """The next number for a record received at `moment`. Call inside the
        transaction that stores it (see next_value)."""
        key, prefix = self.parts(moment)
        return numbered(prefix, next_value(key), WIDTH)

    def insert(self, instance: models.Model, *, field: str, moment: datetime) -> None:
        """Save a new `instance` with the next number in `field` (see insert_numbered)."""
        key, prefix = self.parts(moment)
        insert_numbered(instance, field=field, key=key, prefix=prefix, digits=WIDTH)

    def normalise(self, entered: str) -> str:
        """A number as a person typed it, as stored: spaces and case dropped,
        full-width characters made plain, and a sequence written shorter than
        `WIDTH` (as numbers were before all kinds had six digits, or with its
        zeros left off) padded. Anything else comes back cleaned but unchanged,
        to find nothing."""
        text = unicodedata.normalize("NFKC", entered).strip().upper().replace(" ", "")
        stamp = r"\d{7}" if self.dated else r"\d{3}"
        found = re.fullmatch(rf"({re.escape(self.lead)}{stamp}-)(\d{{1,{WIDTH}}})", text)
        return found.group(1) + found.group(2).zfill(WIDTH) if found else text


PETITION_NUMBERS = NumberKind(counter="petition", dated=True)
TICKET_NUMBERS = NumberKind(counter="ticket", lead="派")
BOOKING_NUMBERS = NumberKind(counter="legal", lead="L", dated=True)
DIRECTIVE_NUMBERS = NumberKind(counter="directive", lead="指")
PROGRAMME_NUMBERS = NumberKind(counter="programme", lead="計")
