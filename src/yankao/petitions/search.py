"""Petitions in the full-text search: the source, the index writes, and similar
past cases.

A petition's subject (with its case number) and content are indexed, owned by its
responsible agency. The writes are explicit: `petition_create` indexes the new
petition in its own transaction and the kind's event hook moves the entry after a
transfer; bulk-written petitions are covered by `yankao search reindex --source
petition`.

Similar past cases: the index narrows by owning agency (and the petitions the
user's agencies co-handle); every hit is then checked against the petitions' own
visibility rule, so the index can never show more than the petition pages would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from yankao.accounts.models import User
from yankao.accounts.roles import Scope
from yankao.organisation.scoping import agency_scope_q
from yankao.petitions.models import Petition
from yankao.petitions.selectors import petitions_visible_to
from yankao.search import services
from yankao.search.selectors import search, visibility_for
from yankao.search.sources import Batch, Document, Source
from yankao.tracking.models import CoHandler, TrackedItem

KEY = "petition"

_FIELDS = (
    "pk",
    "subject",
    "content",
    "item__number",
    "item__owner_agency_id",
    "item__owner_agency__path",
    "item__received_at",
)


def _document(row: dict[str, Any]) -> Document:
    return Document(
        object_id=row["pk"],
        title=row["subject"],
        body=row["content"],
        keywords=row["item__number"],
        agency_id=row["item__owner_agency_id"],
        agency_path=row["item__owner_agency__path"],
        day=timezone.localtime(row["item__received_at"]).date(),
    )


def batch(after: int, limit: int) -> Batch:
    rows = list(Petition.objects.filter(pk__gt=after).order_by("pk").values(*_FIELDS)[:limit])
    ids = [row["pk"] for row in rows]
    return Batch([_document(row) for row in rows], ids[-1] if ids else None, ids)


def document(petition: Petition) -> Document:
    item = petition.item
    return _document(
        {
            "pk": petition.pk,
            "subject": petition.subject,
            "content": petition.content,
            "item__number": item.number,
            "item__owner_agency_id": item.owner_agency_id,
            "item__owner_agency__path": item.owner_agency.path,
            "item__received_at": item.received_at,
        }
    )


def petition_indexed(petition: Petition) -> None:
    """Index a newly registered petition (in the registering transaction). Its text
    never changes afterwards; `petition_moved` follows its transfers."""
    services.document_index(source=KEY, document=document(petition), new=True)


def petition_moved(item: TrackedItem) -> None:
    """After a transfer: the index scopes by owning agency, so the entry moves with
    the item (a petition's id is its item's)."""
    services.document_move(
        source=KEY,
        object_id=item.pk,
        agency_id=item.owner_agency_id,
        agency_path=item.owner_agency.path,
    )


PETITIONS = Source(key=KEY, model=Petition, batch=batch, document=document)


@dataclass(frozen=True)
class CaseHit:
    petition: Petition
    snippet: str
    score: float
    day: date | None


def _cohandled_ids(user: User) -> list[int]:
    if user.scope is Scope.CITY or user.agency is None:
        return []
    # Item ids of every kind: a petition's id is its item's, so ids of other kinds
    # never match a petition, and leaving out the join keeps this one index read.
    return list(
        CoHandler.objects.filter(agency_scope_q(user, "agency"))
        .values_list("item_id", flat=True)
        .order_by("-item_id")[:1000]
    )


def similar_cases(
    query: str, *, user: User, limit: int = 20, offset: int = 0, exclude: int | None = None
) -> list[CaseHit]:
    """Petitions matching the query, best first, that the user may see. Three
    queries however many hits."""
    visibility = visibility_for(user, object_ids=_cohandled_ids(user))
    hits = search(
        query,
        sources=[KEY],
        visibility=visibility,
        include_expired=True,
        limit=limit + (1 if exclude else 0),
        offset=offset,
    )
    ids = [hit.object_id for hit in hits if hit.object_id != exclude][:limit]
    petitions = (
        petitions_visible_to(user)
        .filter(pk__in=ids)
        .select_related("item__owner_agency", "category__parent", "district")
    )
    by_id = {petition.pk: petition for petition in petitions}
    return [
        CaseHit(by_id[hit.object_id], hit.snippet, hit.score, hit.day)
        for hit in hits
        if hit.object_id in by_id
    ]
