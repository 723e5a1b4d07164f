"""Similar past cases: petitions matching a text, among those the user may see.

The index narrows by owning agency (and the petitions the user's agencies
co-handle); every hit is then checked against the petitions' own visibility rule,
so the index can never show more than the petition pages would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yankao.accounts.models import User
from yankao.accounts.roles import Scope
from yankao.organisation.scoping import agency_scope_q
from yankao.petitions.models import Petition
from yankao.petitions.selectors import petitions_visible_to
from yankao.search import petitions as petition_source
from yankao.search.selectors import search, visibility_for
from yankao.tracking.models import CoHandler


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
        sources=[petition_source.KEY],
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
