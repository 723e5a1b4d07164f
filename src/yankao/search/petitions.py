"""Petitions as a search source: subject (with the case number) and content,
owned by the petition's responsible agency. Indexed when saved, inside the
writer's transaction; bulk-written petitions are covered by `yankao search
reindex --source petition`."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from yankao.petitions.models import Petition
from yankao.search import services
from yankao.search.sources import Batch, Document, Source
from yankao.tracking.models import TrackedItem

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


def _on_petition_saved(sender: Any, instance: Petition, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # fixtures load rows as they are; reindex covers them
        return
    services.document_index(
        source=KEY, document=document(instance), new=bool(kwargs.get("created"))
    )


def _on_petition_deleted(sender: Any, instance: Petition, **kwargs: Any) -> None:
    services.document_remove(source=KEY, object_id=instance.pk)


def _on_item_saved(
    sender: Any,
    instance: TrackedItem,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    # A transfer changes the owning agency: the index must scope by the new one.
    # Saves that name their fields and leave the agency alone cost nothing here.
    if raw or instance.kind != KEY or kwargs.get("created"):
        return  # a new item has no petition, so no index entry, yet
    if update_fields is not None and "owner_agency" not in update_fields:
        return
    services.document_move(
        source=KEY,
        object_id=instance.pk,
        agency_id=instance.owner_agency_id,
        agency_path=instance.owner_agency.path,
    )


def connect(source: Source) -> None:
    post_save.connect(_on_petition_saved, sender=Petition, dispatch_uid="search-petition-saved")
    post_delete.connect(
        _on_petition_deleted, sender=Petition, dispatch_uid="search-petition-deleted"
    )
    post_save.connect(_on_item_saved, sender=TrackedItem, dispatch_uid="search-petition-item")


PETITIONS = Source(key=KEY, model=Petition, batch=batch, document=document, connect=connect)
