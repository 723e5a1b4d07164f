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
    # The agencies of the tree as ids (an IN over a small subquery), so the database
    # reads indexes on the agency column instead of joining agencies row by row.
    tree = Agency.objects.filter(path__startswith=user.agency.path).values_list("pk", flat=True)
    return Q(**{f"{field}__in": list(tree)})


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
