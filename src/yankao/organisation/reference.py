"""The city's active agencies as a choice list, kept in memory per process
(core.snapshots): a case page offers them in two or three selects, which read the
same 84 rows on every page otherwise. Choosing one is still checked against the
database by the form's queryset."""

from __future__ import annotations

from yankao.core.snapshots import Snapshot
from yankao.organisation.models import Agency


def _read() -> tuple[tuple[int, str], ...]:
    return tuple((agency.pk, str(agency)) for agency in Agency.objects.filter(is_active=True))


_active = Snapshot("active-agencies", _read, models=(Agency,))


def active_agency_choices() -> tuple[tuple[int, str], ...]:
    """(id, name) of every active agency, in the organisation's order."""
    return _active.get()


def connect_signals() -> None:
    _active.connect()
