"""The city's organisation (agencies and districts) kept in memory per process
(core.snapshots, ADR 0014): nearly every page names agencies and districts, and a
case page offers the active agencies in two or three selects, which read the same
rows on every request otherwise. Names and choices only: a choice is still checked
against the database by the form's queryset, and scoping reads the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from yankao.core.snapshots import Snapshot
from yankao.organisation.models import Agency, District


@dataclass(frozen=True)
class Organisation:
    agencies: dict[int, Agency]  # every agency by id, active or not
    active_agency_choices: tuple[tuple[int, str], ...]  # (id, name) in the organisation's order
    districts: dict[str, District]  # by key
    district_by_id: dict[int, District]
    district_choices: tuple[tuple[int, str], ...]  # (id, name) in the districts' order


def _read() -> Organisation:
    agencies = list(Agency.objects.all())
    districts = list(District.objects.all())
    return Organisation(
        agencies={agency.pk: agency for agency in agencies},
        active_agency_choices=tuple((a.pk, str(a)) for a in agencies if a.is_active),
        districts={district.key: district for district in districts},
        district_by_id={district.pk: district for district in districts},
        district_choices=tuple((district.pk, str(district)) for district in districts),
    )


_snapshot = Snapshot("organisation", _read, models=(Agency, District))


def organisation() -> Organisation:
    return _snapshot.get()


def organisation_holding(
    *, agencies: Iterable[int] = (), districts: Iterable[int | None] = ()
) -> Organisation:
    """The snapshot, read again if it lacks one of these ids (a row added in another
    process since it was taken)."""
    return _snapshot.holding(
        lambda kept: (
            all(pk in kept.agencies for pk in agencies)
            and all(pk is None or pk in kept.district_by_id for pk in districts)
        )
    )


def active_agency_choices() -> tuple[tuple[int, str], ...]:
    """(id, name) of every active agency, in the organisation's order."""
    return organisation().active_agency_choices


def connect_signals() -> None:
    _snapshot.connect()
