"""Writes to the search index. The full-text index follows these rows inside the
database (triggers on SQLite, a generated column on PostgreSQL), so every write
here, in bulk or one by one, is searchable when its transaction commits."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from yankao.search import sources
from yankao.search.models import SearchDocument
from yankao.search.scope import fts_key, scope_tokens
from yankao.search.sources import Document
from yankao.search.text import token_text

TITLE_MAX = 300
DEFAULT_BATCH = 2000


def _row(source: str, document: Document) -> SearchDocument:
    title = document.title[:TITLE_MAX]
    return SearchDocument(
        source=source,
        object_id=document.object_id,
        agency_id=document.agency_id,
        agency_path=document.agency_path,
        title=title,
        body=document.body,
        day=document.day,
        valid_until=document.valid_until,
        title_tokens=token_text(f"{title} {document.keywords}"),
        body_tokens=token_text(document.body),
        scope_tokens=scope_tokens(document.agency_path),
        fts_key=fts_key(source, document.object_id),
    )


@transaction.atomic
def document_index(*, source: str, document: Document) -> SearchDocument:
    """Add or replace the index entry of one thing."""
    row = _row(source, document)
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
    (the rows up to it are left as they are, and nothing is removed)."""
    spec = sources.get(source)
    started = time.perf_counter()
    resumed, indexed = after > 0, 0
    while True:
        batch = spec.batch(after, batch_size)
        if batch.last_id is None:
            break
        indexed += _replace_batch(source, batch)
        after = batch.last_id
        if progress is not None:
            progress(len(batch.ids))
    removed = 0 if resumed else _remove_orphans(source, spec)
    return ReindexResult(source, indexed, removed, time.perf_counter() - started)


@transaction.atomic
def _replace_batch(source: str, batch: sources.Batch) -> int:
    SearchDocument.objects.filter(source=source, object_id__in=batch.ids).delete()
    rows = [_row(source, document) for document in batch.documents]
    SearchDocument.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@transaction.atomic
def _remove_orphans(source: str, spec: sources.Source) -> int:
    live = spec.model._default_manager.values("pk")
    removed, _ = SearchDocument.objects.filter(source=source).exclude(object_id__in=live).delete()
    return removed
