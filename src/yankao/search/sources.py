"""The registry of searchable sources. Each business registers its own source in
its AppConfig.ready() and says how to turn its rows into index documents, one at
a time and in batches (for `yankao search reindex`, which also covers rows written
in bulk). The index is written by explicit calls from the business services that
change the text (`search.services.document_index` and friends), never by signals:
a reader of a service sees every write it makes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Document:
    """What the index keeps of one searchable thing. `keywords` are searched with
    the title's weight but not shown."""

    object_id: int
    title: str
    body: str = ""
    keywords: str = ""
    agency_id: int | None = None
    agency_path: str = ""
    day: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class Source:
    key: str
    model: type[models.Model]
    # The documents of the rows with a primary key above `after`, in key order, at
    # most `limit` of them. A row that should not be found yields no document, so
    # batches may be short; `last_id` tells where the batch ended. A document's
    # `object_id` is its row's primary key: the reindex replaces the index entries
    # of the batch's whole key range.
    batch: Callable[[int, int], Batch]
    # The document for one row, or None to keep it out of the index.
    document: Callable[[Any], Document | None]


@dataclass(frozen=True)
class Batch:
    documents: list[Document]
    last_id: int | None  # the highest primary key read; None when nothing was left
    ids: list[int] = field(default_factory=list)  # every primary key read


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.key] = source


def get(key: str) -> Source:
    return _SOURCES[key]


def keys() -> list[str]:
    return sorted(_SOURCES)
