"""Who may do what in programme control, on top of the scoping rule (selectors):
the pages and the API ask here before calling a service.

- The responsible agency's staff who work its items (handlers, supervisors, the
  agency's system account; accounts.roles: ITEM_WORK) register its programmes,
  set their budgets, curves and milestones, complete milestones and report
  progress, within their agency scope (a handler their agency, a supervisor their
  agency's tree).
- The commission (ITEM_OVERSEE: the controllers) registers and maintains any
  agency's programmes and locks or unlocks the months' reports; it reports on
  no programme itself, the agency does.
- Whoever sees reports (REPORTS_VIEW) sees the dashboard of the programmes in
  their scope; the mayor's office reads everything and changes nothing.
"""

from __future__ import annotations

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.control.models import Milestone, Programme
from yankao.organisation.models import Agency
from yankao.organisation.scoping import agency_in_scope
from yankao.tracking.models import Status

C = Capability


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _works_for(user: User, agency: Agency) -> bool:
    return user.has_capability(C.ITEM_WORK) and agency_in_scope(user, agency.pk, agency.path)


def may_view_programmes(user: User) -> bool:
    return _active(user)


def may_view_dashboard(user: User) -> bool:
    return _active(user) and user.has_capability(C.REPORTS_VIEW)


def may_register(user: User) -> bool:
    """Whether the user may register a programme for some agency."""
    return _active(user) and (
        user.has_capability(C.ITEM_OVERSEE)
        or (user.has_capability(C.ITEM_WORK) and user.agency is not None)
    )


def may_register_for(user: User, agency: Agency) -> bool:
    return _active(user) and (user.has_capability(C.ITEM_OVERSEE) or _works_for(user, agency))


def may_maintain(user: User, programme: Programme) -> bool:
    """Set the budget, the planned curve, add milestones."""
    return may_register_for(user, programme.owner_agency)


def may_report(user: User, programme: Programme) -> bool:
    """Report or revise the monthly progress: the responsible agency only."""
    return _active(user) and _works_for(user, programme.owner_agency)


def may_complete(user: User, milestone: Milestone) -> bool:
    return (
        _active(user)
        and milestone.item.status in (Status.ASSIGNED, Status.IN_PROGRESS)
        and _works_for(user, milestone.programme.owner_agency)
    )


def may_lock_months(user: User) -> bool:
    return _active(user) and user.has_capability(C.ITEM_OVERSEE)
