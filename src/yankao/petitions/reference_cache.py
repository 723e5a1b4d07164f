"""The petition reference data (the active sub-categories, the districts, the
routing rules, the names pages show) as one snapshot in memory per process
(core.snapshots): read in a few queries every half minute instead of on every
request. The API intake checks against it (ADR 0012); pages read from it only
names and choice lists, which a stale half minute cannot harm. The registration
itself reads the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from yankao.core.snapshots import Snapshot
from yankao.organisation.models import Agency, District
from yankao.petitions.models import Category, RoutingRule


@dataclass(frozen=True)
class Reference:
    categories: dict[str, Category]  # active sub-categories by code
    districts: dict[str, District]  # by key
    rules: dict[tuple[int, int | None], Agency]  # (category, district or None) → agency
    families: dict[int, tuple[int, ...]]  # a main category's id → it and its sub-items'
    main_categories: tuple[tuple[int, str], ...]  # (id, "code name") by code
    category_labels: dict[int, str]  # every category's id → "main / sub" (or its name)
    category_by_id: dict[int, Category]  # every category, its main category attached
    district_choices: tuple[tuple[int, str], ...]  # (id, name) in the districts' order
    district_by_id: dict[int, District]
    agencies: dict[int, Agency]  # every agency by id

    def route(self, category: Category, district: District | None) -> Agency | None:
        """The same precedence as `selectors.petition_route`: the category in the
        district, then anywhere, then its main category likewise."""
        for category_id in (category.pk, category.parent_id):
            if category_id is None:
                continue
            for district_id in ((district.pk,) if district else ()) + (None,):
                agency = self.rules.get((category_id, district_id))
                if agency is not None:
                    return agency
        return None


def _take() -> Reference:
    every = list(Category.objects.select_related("parent").order_by("code"))
    rules: dict[tuple[int, int | None], Agency] = {}
    for rule in RoutingRule.objects.select_related("agency").order_by("pk"):
        rules.setdefault((rule.category_id, rule.district_id), rule.agency)
    all_districts = list(District.objects.all())
    families: dict[int, list[int]] = {}
    for category in every:
        families.setdefault(category.parent_id or category.pk, []).append(category.pk)
    return Reference(
        categories={c.code: c for c in every if c.is_active and c.parent_id is not None},
        districts={district.key: district for district in all_districts},
        rules=rules,
        families={main: tuple(ids) for main, ids in families.items()},
        main_categories=tuple((c.pk, str(c)) for c in every if c.parent_id is None),
        category_labels={
            c.pk: f"{c.parent.name} / {c.name}" if c.parent else c.name for c in every
        },
        category_by_id={category.pk: category for category in every},
        district_choices=tuple((district.pk, str(district)) for district in all_districts),
        district_by_id={district.pk: district for district in all_districts},
        agencies={agency.pk: agency for agency in Agency.objects.all()},
    )


_snapshot = Snapshot("petition-reference", _take, models=(Category, RoutingRule, District, Agency))


def reference() -> Reference:
    return _snapshot.get()


def reference_holding(
    *,
    agencies: Iterable[int] = (),
    categories: Iterable[int] = (),
    districts: Iterable[int | None] = (),
) -> Reference:
    """The snapshot, read again if it lacks one of these ids (a row added in another
    process since it was taken)."""
    kept = _snapshot.get()
    if (
        all(pk in kept.agencies for pk in agencies)
        and all(pk in kept.category_by_id for pk in categories)
        and all(pk is None or pk in kept.district_by_id for pk in districts)
    ):
        return kept
    _snapshot.clear()
    return _snapshot.get()


def connect_signals() -> None:
    _snapshot.connect()
