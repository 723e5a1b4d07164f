"""Who may do what with legal consultations. The desk (the service centre's staff
and the commission's controllers) sees the sessions of the venues in its scope and
may show the citizens' personal data unmasked, with a reason, logged; those who
may view reports see the monthly counts, which hold no personal data."""

from __future__ import annotations

from typing import Any

from yankao.accounts.roles import Capability
from yankao.legal.models import Session
from yankao.organisation.scoping import agency_in_scope


def may_book(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_capability(
        Capability.LEGAL_BOOK
    )


def may_run_desk(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_capability(
        Capability.LEGAL_DESK
    )


def may_see_counts(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.has_capability(Capability.LEGAL_DESK) or user.has_capability(
        Capability.REPORTS_VIEW
    )


def may_see_personal_data(user: Any, session: Session) -> bool:
    agency = session.venue.agency
    return may_run_desk(user) and agency_in_scope(user, agency.pk, agency.path)
