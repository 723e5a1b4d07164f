"""Published articles as a search source. Only the published version is indexed
(agents must never quote a draft); the knowledge services index and remove
entries themselves, and `yankao search reindex --source article` rebuilds them."""

from __future__ import annotations

from typing import Any

from yankao.knowledge.models import Article, ArticleStatus
from yankao.search.sources import Batch, Document, Source

KEY = "article"

_FIELDS = (
    "pk",
    "status",
    "question",
    "answer",
    "keywords",
    "owner_id",
    "owner__path",
    "updated_at",
    "valid_until",
)


def _document(row: dict[str, Any]) -> Document | None:
    if row["status"] != ArticleStatus.PUBLISHED:
        return None
    return Document(
        object_id=row["pk"],
        title=row["question"],
        body=row["answer"],
        keywords=row["keywords"],
        agency_id=row["owner_id"],
        agency_path=row["owner__path"],
        day=row["updated_at"].date() if row["updated_at"] else None,
        valid_until=row["valid_until"],
    )


def batch(after: int, limit: int) -> Batch:
    rows = list(Article.objects.filter(pk__gt=after).order_by("pk").values(*_FIELDS)[:limit])
    ids = [row["pk"] for row in rows]
    documents = [doc for doc in map(_document, rows) if doc is not None]
    return Batch(documents, ids[-1] if ids else None, ids)


def document(article: Article) -> Document | None:
    return _document(
        {
            "pk": article.pk,
            "status": article.status,
            "question": article.question,
            "answer": article.answer,
            "keywords": article.keywords,
            "owner_id": article.owner_id,
            "owner__path": article.owner.path,
            "updated_at": article.updated_at,
            "valid_until": article.valid_until,
        }
    )


ARTICLES = Source(key=KEY, model=Article, batch=batch, document=document)
