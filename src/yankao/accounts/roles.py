"""Staff roles, what each may do, and how far each one sees.

This module is the one place where roles are defined; views, the API and the
tracking engine ask it rather than testing role names themselves.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("1999 call agent")
    HANDLER = "handler", _("Case handler")
    SUPERVISOR = "supervisor", _("Agency supervisor")
    CONTROLLER = "controller", _("Commission controller")
    INSPECTOR = "inspector", _("Works inspector")
    MAYOR_VIEWER = "mayor_viewer", _("Mayor's office viewer")
    ADMIN = "admin", _("System administrator")
    SYSTEM = "system", _("System account")


class Scope(StrEnum):
    """How much of the city's tracked work a role sees."""

    OWN_AGENCY = "own_agency"
    AGENCY_TREE = "agency_tree"
    CITY = "city"


class Capability(StrEnum):
    ITEM_CREATE = "item.create"
    ITEM_WORK = "item.work"  # accept, reply, add co-handlers, request extensions
    ITEM_TRANSFER = "item.transfer"
    ITEM_APPROVE = "item.approve"  # approve replies and extensions, reassign, reopen
    ITEM_OVERSEE = "item.oversee"  # the commission: reopen or withdraw any agency's item
    ITEM_ESCALATION = "item.escalation"  # receive commission-level escalations
    REPORTS_VIEW = "reports.view"
    ADMINISTER = "administer"
    LEGAL_BOOK = "legal.book"  # book free legal consultations for citizens
    LEGAL_DESK = "legal.desk"  # run the consultation desk: rota, day sheets, outcomes
    CALL_TAKE = "call.take"  # record 1999 calls (agents; telephony systems)


ROLE_SCOPE: dict[str, Scope] = {
    Role.AGENT: Scope.CITY,
    Role.HANDLER: Scope.OWN_AGENCY,
    Role.SUPERVISOR: Scope.AGENCY_TREE,
    Role.CONTROLLER: Scope.CITY,
    Role.INSPECTOR: Scope.CITY,
    Role.MAYOR_VIEWER: Scope.CITY,
    Role.ADMIN: Scope.CITY,
    Role.SYSTEM: Scope.OWN_AGENCY,
}

_C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.AGENT: frozenset({_C.ITEM_CREATE, _C.CALL_TAKE, _C.LEGAL_BOOK, _C.LEGAL_DESK}),
    Role.HANDLER: frozenset({_C.ITEM_CREATE, _C.ITEM_WORK, _C.ITEM_TRANSFER}),
    Role.SUPERVISOR: frozenset(
        {_C.ITEM_CREATE, _C.ITEM_WORK, _C.ITEM_TRANSFER, _C.ITEM_APPROVE, _C.REPORTS_VIEW}
    ),
    Role.CONTROLLER: frozenset(
        {
            _C.ITEM_CREATE,
            _C.ITEM_TRANSFER,
            _C.ITEM_OVERSEE,
            _C.ITEM_ESCALATION,
            _C.REPORTS_VIEW,
            _C.LEGAL_BOOK,
            _C.LEGAL_DESK,
        }
    ),
    Role.INSPECTOR: frozenset({_C.ITEM_CREATE, _C.REPORTS_VIEW}),
    Role.MAYOR_VIEWER: frozenset({_C.REPORTS_VIEW}),
    Role.ADMIN: frozenset({_C.REPORTS_VIEW, _C.ADMINISTER}),
    Role.SYSTEM: frozenset({_C.ITEM_CREATE, _C.ITEM_WORK, _C.CALL_TAKE, _C.LEGAL_BOOK}),
}
