"""Who may do what with the call log.

- Agents take calls (the console) and may see any caller's number unmasked, logged:
  they call people back.
- Those who see reports (supervisors, the commission, the mayor's office) see the
  call list and the statistics of the agents in their scope, numbers masked; the
  commission's controllers, who run the centre, may unmask, logged.
"""

from __future__ import annotations

from yankao.accounts.models import User
from yankao.accounts.roles import Capability, Role
from yankao.hotline.models import Call
from yankao.organisation.scoping import agency_in_scope


def may_take_calls(user: User) -> bool:
    return user.is_active and user.role == Role.AGENT and user.has_capability(Capability.CALL_TAKE)


def may_see_calls(user: User) -> bool:
    return user.is_active and (user.has_capability(Capability.REPORTS_VIEW) or may_take_calls(user))


def may_see_caller_number(user: User, call: Call) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.AGENT:
        return True
    agency = call.agent.agency
    return (
        user.role == Role.CONTROLLER
        and agency is not None
        and agency_in_scope(user, agency.pk, agency.path)
    )
