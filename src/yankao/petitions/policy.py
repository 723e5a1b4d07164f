"""Who may see a petitioner's personal data unmasked: the handlers and supervisors
of the responsible agency (within their scope) and the 1999 agents, who talk to
petitioners. Everyone else sees masks only, however far their role sees."""

from __future__ import annotations

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.organisation.scoping import agency_in_scope
from yankao.petitions.models import Petition

_OWNER_ROLES = frozenset({Role.HANDLER, Role.SUPERVISOR})


def may_see_personal_data(user: User, petition: Petition) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.AGENT:
        return True
    agency = petition.item.owner_agency
    return user.role in _OWNER_ROLES and agency_in_scope(user, agency.pk, agency.path)
