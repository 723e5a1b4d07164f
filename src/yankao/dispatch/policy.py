"""Who may do what to a dispatch ticket, on top of the engine's rules (scope ×
capability × state): the pages and the API ask here before calling a service."""

from __future__ import annotations

from yankao.accounts.models import User
from yankao.accounts.roles import Capability, Role
from yankao.dispatch.models import Ticket
from yankao.organisation.scoping import agency_in_scope
from yankao.tracking.models import Action, Status
from yankao.tracking.policy import can

_OWNER_ROLES = frozenset({Role.HANDLER, Role.SUPERVISOR})


def _owner_in_scope(user: User, ticket: Ticket) -> bool:
    agency = ticket.item.owner_agency
    return agency_in_scope(user, agency.pk, agency.path)


def may_create(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_capability(Capability.ITEM_CREATE)


def may_acknowledge(user: User, ticket: Ticket) -> bool:
    return can(user, Action.ACCEPT, ticket.item)


def may_report_back(user: User, ticket: Ticket) -> bool:
    """Handlers and supervisors of the responsible agency (within their scope), while
    the ticket is open; reporting on an unacknowledged ticket acknowledges it."""
    return (
        ticket.item.status in (Status.ASSIGNED, Status.IN_PROGRESS)
        and user.has_capability(Capability.ITEM_WORK)
        and _owner_in_scope(user, ticket)
    )


def may_see_reporter(user: User, ticket: Ticket) -> bool:
    """1999 agents (who call reporters back) and the responsible agency's handlers
    and supervisors; everyone else sees masks only, however far their role sees."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.AGENT:
        return True
    return user.role in _OWNER_ROLES and _owner_in_scope(user, ticket)


def may_view_statistics(user: User) -> bool:
    return user.is_authenticated and user.has_capability(Capability.REPORTS_VIEW)
