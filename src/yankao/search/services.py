"""Writes to the search index. The full-text index follows these rows inside the
database (triggers on SQLite, a trigger-kept tsvector column on PostgreSQL), so
every write here, in bulk or one by one, is searchable when its transaction
commits."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from yankao.search import fulltext, sources
from yankao.search.fulltext import vector_literal
from yankao.search.models import SearchDocument
from yankao.search.scope import fts_key, scope_tokens
from yankao.search.sources import Document
from yankao.search.text import token_text

TITLE_MAX = 300
DEFAULT_BATCH = 2000
# A PostgreSQL reindex of at least this many rows builds the GIN index after the load.
BULK_ROWS = 50_000
BULK_INDEX_MEMORY = "256MB"


# The columns the bulk reindex writes, in the order `_values` gives them.
_COLUMNS = (
    "source",
    "object_id",
    "agency_id",
    "agency_path",
    "title",
    "body",
    "day",
    "valid_until",
    "title_tokens",
    "body_tokens",
    "scope_tokens",
    "fts_key",
)
_SOURCE, _DAY, _UNTIL, _FTS_KEY = (
    _COLUMNS.index(name) for name in ("source", "day", "valid_until", "fts_key")
)
# The title's, the text's and the scope's tokens, in vector_literal's order.
_TOKENS = slice(_COLUMNS.index("title_tokens"), _COLUMNS.index("scope_tokens") + 1)


def _values(source: str, document: Document) -> tuple[Any, ...]:
    title = document.title[:TITLE_MAX]
    return (
        source,
        document.object_id,
        document.agency_id,
        document.agency_path,
        title,
        document.body,
        document.day,
        document.valid_until,
        token_text(f"{title} {document.keywords}"),
        token_text(document.body),
        scope_tokens(document.agency_path),
        fts_key(source, document.object_id),
    )


def _row(source: str, document: Document) -> SearchDocument:
    return SearchDocument(**dict(zip(_COLUMNS, _values(source, document), strict=True)))


@transaction.atomic(savepoint=False)
def document_index(*, source: str, document: Document, new: bool = False) -> SearchDocument:
    """Add or replace the index entry of one thing (`new`: one just created, which
    has none yet). In the caller's transaction: an entry that cannot be written
    fails the change it indexes."""
    row = _row(source, document)
    if new:
        row.save(force_insert=True)
        return row
    existing = (
        SearchDocument.objects.select_for_update()
        .filter(source=source, object_id=document.object_id)
        .first()
    )
    if existing is not None:
        row.pk = existing.pk
    row.save()
    return row


@transaction.atomic
def document_remove(*, source: str, object_id: int) -> None:
    SearchDocument.objects.filter(source=source, object_id=object_id).delete()


def document_move(*, source: str, object_id: int, agency_id: int, agency_path: str) -> int:
    """Follow a change of owning agency (a transfer) without re-tokenising."""
    return (
        SearchDocument.objects.filter(source=source, object_id=object_id)
        .exclude(agency_id=agency_id, agency_path=agency_path)
        .update(
            agency_id=agency_id,
            agency_path=agency_path,
            scope_tokens=scope_tokens(agency_path),
        )
    )


@dataclass(frozen=True)
class ReindexResult:
    source: str
    indexed: int
    removed: int
    seconds: float


def reindex(
    *,
    source: str,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], object] | None = None,
    after: int = 0,
) -> ReindexResult:
    """Rebuild one source's entries from its rows, a batch per transaction, reading
    by primary key so memory stays bounded however many rows there are. Entries
    whose row is gone are removed at the end. `after` resumes past a primary key
    (the rows up to it are left as they are, and nothing is removed).

    Rows are written in raw batches (see `_write`) rather than through the ORM:
    at a million rows the per-row costs decide whether this takes minutes or hours."""
    spec = sources.get(source)
    started = time.perf_counter()
    resumed, indexed = after > 0, 0
    with _bulk_load(spec, after):
        while True:
            batch = spec.batch(after, batch_size)
            if batch.last_id is None:
                break
            indexed += _replace_batch(source, batch, after)
            after = batch.last_id
            if progress is not None:
                progress(len(batch.ids))
        removed = 0 if resumed else _remove_orphans(source, spec)
    _analyze()
    return ReindexResult(source, indexed, removed, time.perf_counter() - started)


@transaction.atomic
def _replace_batch(source: str, batch: sources.Batch, after: int) -> int:
    # The batch replaces whatever the index holds for its range of keys: one range
    # read of the (source, object_id) index, which the planner cannot get wrong.
    # (A list of ids let PostgreSQL read every entry of the source for each batch.)
    SearchDocument.objects.filter(
        source=source, object_id__gt=after, object_id__lte=batch.last_id
    ).delete()
    # FTS5 keeps adding to its in-memory segment only while rowids ascend, and
    # flushes a new segment to disk whenever one goes down. `fts_key` falls as the
    # object id rises, so rows written in key order cost a segment (and its later
    # merges) each: written in `fts_key` order, a batch is one or two segments.
    # That alone took SQLite from hundreds to thousands of rows a second.
    rows = sorted((_values(source, document) for document in batch.documents), key=_by_fts_key)
    _write(rows)
    return len(rows)


def _by_fts_key(row: tuple[Any, ...]) -> int:
    return int(row[_FTS_KEY])


def _write(rows: list[tuple[Any, ...]]) -> None:
    if connection.vendor == "postgresql":
        _copy(rows)
    else:
        _insert(rows)


def _copy(rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY, with the tsvector built here (the trigger then leaves it)."""
    names = ", ".join((*_COLUMNS, "vector"))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY search_document ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            title, body, scope = row[_TOKENS]
            copy.write_row((*row, vector_literal(title, body, scope, row[_SOURCE])))


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """SQLite: executemany, then the batch's rows join the index in one statement.

    Fed row by row through the insert trigger, FTS5 took about 20 ms a row once the
    index held a million documents and a hundred thousand articles (measured in the
    bench: 66 rows/s); one INSERT … SELECT in key order takes the same batch at
    thousands a second. The trigger is dropped and created again inside the batch's
    transaction, so no other writer ever sees the table without it, and a failure
    rolls both back. The batch replaced its whole range of keys, so that range holds
    exactly its rows."""
    adapt = connection.ops.adapt_datefield_value
    rows = [(*row[:_DAY], adapt(row[_DAY]), adapt(row[_UNTIL]), *row[_UNTIL + 1 :]) for row in rows]
    if not rows:
        return
    keys = [int(row[_FTS_KEY]) for row in rows]
    marks = ", ".join(["%s"] * len(_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(fulltext.SQLITE_DROP_INSERT_TRIGGER)
        cursor.executemany(
            f"INSERT INTO search_document ({', '.join(_COLUMNS)}) VALUES ({marks})",  # noqa: S608
            rows,
        )
        cursor.execute(fulltext.SQLITE_INDEX_KEY_RANGE, [min(keys), max(keys)])
        cursor.execute(fulltext.SQLITE_INSERT_TRIGGER)


@contextmanager
def _bulk_load(spec: sources.Source, after: int) -> Iterator[None]:
    """On PostgreSQL, a reindex of at least BULK_ROWS rows loads without the GIN
    index and builds it again at the end (with more sort memory, for this session
    only): keeping the index up to date row by row slowed the load from six
    thousand to two thousand rows a second past half a million rows, as the index
    outgrew the cache. Searches meanwhile still answer, without the index, slowly.
    A load that dies half-way leaves the index missing; the next reindex (or the
    `finally` here, for an exception) builds it."""
    if connection.vendor != "postgresql" or not _is_bulk(spec, after):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(fulltext.POSTGRESQL_DROP_VECTOR_INDEX)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET maintenance_work_mem = '{BULK_INDEX_MEMORY}'")
            cursor.execute(fulltext.POSTGRESQL_VECTOR_INDEX)
            cursor.execute("RESET maintenance_work_mem")


def _analyze() -> None:
    """PostgreSQL plans searches from the table's statistics; after a reindex they
    describe a table that no longer exists (the seed's ANALYZE ran before the
    petitions were indexed), and autovacuum may come minutes later."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document")


def _is_bulk(spec: sources.Source, after: int) -> bool:
    return spec.model._default_manager.filter(pk__gt=after)[:BULK_ROWS].count() >= BULK_ROWS


@transaction.atomic
def _remove_orphans(source: str, spec: sources.Source) -> int:
    # NOT EXISTS, not NOT IN: PostgreSQL cannot hash a million keys in its default
    # work_mem and would then scan the whole subquery once per index entry.
    live = spec.model._default_manager.filter(pk=OuterRef("object_id"))
    removed, _ = SearchDocument.objects.filter(source=source).exclude(Exists(live)).delete()
    return removed
