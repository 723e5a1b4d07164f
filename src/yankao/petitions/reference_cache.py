"""The petition reference data (the active sub-categories, the routing rules, the
category names pages show) as one snapshot in memory per process (core.snapshots):
read in a few queries every half minute instead of on every request. Agencies and
districts are the organisation's snapshot (organisation.reference). The API intake
checks against both (ADR 0012); pages read from them only names and choice lists,
which a stale half minute cannot harm. The registration itself reads the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from yankao.core.snapshots import Snapshot
from yankao.organisation.models import Agency, District
from yankao.organisation.reference import organisation_holding
from yankao.petitions.models import Category, RoutingRule


@dataclass(frozen=True)
class Reference:
    categories: dict[str, Category]  # active sub-categories by code
    rules: dict[tuple[int, int | None], int]  # (category, district or None) → agency id
    families: dict[int, tuple[int, ...]]  # a main category's id → it and its sub-items'
    main_categories: tuple[tuple[int, str], ...]  # (id, "code name") by code
    category_labels: dict[int, str]  # every category's id → "main / sub" (or its name)
    category_by_id: dict[int, Category]  # every category, its main category attached

    def route(self, category: Category, district: District | None) -> Agency | None:
        """The same precedence as `selectors.petition_route`: the category in the
        district, then anywhere, then its main category likewise."""
        for category_id in (category.pk, category.parent_id):
            if category_id is None:
                continue
            for district_id in ((district.pk,) if district else ()) + (None,):
                agency = self.rules.get((category_id, district_id))
                if agency is not None:
                    return organisation_holding(agencies=[agency]).agencies[agency]
        return None


def _take() -> Reference:
    every = list(Category.objects.select_related("parent").order_by("code"))
    rules: dict[tuple[int, int | None], int] = {}
    for category_id, district_id, agency_id in RoutingRule.objects.order_by("pk").values_list(
        "category_id", "district_id", "agency_id"
    ):
        rules.setdefault((category_id, district_id), agency_id)
    families: dict[int, list[int]] = {}
    for category in every:
        families.setdefault(category.parent_id or category.pk, []).append(category.pk)
    return Reference(
        categories={c.code: c for c in every if c.is_active and c.parent_id is not None},
        rules=rules,
        families={main: tuple(ids) for main, ids in families.items()},
        main_categories=tuple((c.pk, str(c)) for c in every if c.parent_id is None),
        category_labels={
            c.pk: f"{c.parent.name} / {c.name}" if c.parent else c.name for c in every
        },
        category_by_id={category.pk: category for category in every},
    )


_snapshot = Snapshot("petition-reference", _take, models=(Category, RoutingRule))


def reference() -> Reference:
    return _snapshot.get()


def reference_holding(*, categories: Iterable[int] = ()) -> Reference:
    """The snapshot, read again if it lacks one of these categories (added in
    another process since it was taken)."""
    return _snapshot.holding(lambda kept: all(pk in kept.category_by_id for pk in categories))


def connect_signals() -> None:
    _snapshot.connect()
