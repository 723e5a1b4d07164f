"""Data scoping: the one place that decides which agencies' records a user sees.

Every module filters its querysets through `agency_scope_q`, so a handler sees
their own agency, a supervisor their agency and its sub-agencies, and the
commission's controllers the whole city, the same way on pages and on the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from yankao.accounts.roles import Scope
from yankao.organisation.models import Agency

if TYPE_CHECKING:
    from yankao.accounts.models import User

NOTHING = Q(pk__in=[])


def agency_scope_q(user: User, field: str) -> Q:
    """A filter that keeps the rows whose agency at `field` (a foreign key to
    Agency, possibly through relations) is within the user's scope."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    scope = user.scope
    if scope is Scope.CITY:
        return Q()
    if user.agency is None:
        return NOTHING
    if scope is Scope.OWN_AGENCY:
        return Q(**{f"{field}_id": user.agency.pk})
    return Q(**{f"{field}__in": _tree_ids(user, user.agency.path)})


def _tree_ids(user: User, path: str) -> list[int]:
    """The ids of the agencies in the tree at `path`, so the database reads indexes
    on the agency column instead of joining agencies row by row. Kept on the user
    object, which lives for one request: a page filters several querysets by scope."""
    kept = user.__dict__.get("_scope_tree")
    if kept is None or kept[0] != path:
        ids = list(Agency.objects.filter(path__startswith=path).values_list("pk", flat=True))
        kept = user.__dict__["_scope_tree"] = (path, ids)
    return list(kept[1])


def agency_ids_in_scope(user: User) -> list[int] | None:
    """The ids of the agencies whose records the user sees; None for the whole city."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.scope is Scope.CITY:
        return None
    if user.agency is None:
        return []
    if user.scope is Scope.OWN_AGENCY:
        return [user.agency.pk]
    return _tree_ids(user, user.agency.path)


def agency_in_scope(user: User, agency_id: int, agency_path: str) -> bool:
    """The same rule as `agency_scope_q`, for one agency already in memory."""
    if not user.is_authenticated or not user.is_active:
        return False
    scope = user.scope
    if scope is Scope.CITY:
        return True
    if user.agency is None:
        return False
    if scope is Scope.OWN_AGENCY:
        return agency_id == user.agency.pk
    return agency_path.startswith(user.agency.path)


def agencies_in_scope(user: User) -> QuerySet[Agency]:
    """The agencies whose records the user sees (for filter choices)."""
    agencies = Agency.objects.filter(is_active=True)
    if not user.is_authenticated or not user.is_active:
        return agencies.none()
    if user.scope is Scope.CITY:
        return agencies
    if user.agency is None:
        return agencies.none()
    if user.scope is Scope.OWN_AGENCY:
        return agencies.filter(pk=user.agency.pk)
    return agencies.filter(path__startswith=user.agency.path)
