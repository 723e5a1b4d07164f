"""The petition reference data (the active sub-categories, the districts, the
routing rules, the names pages show) as one snapshot in memory per process
(core.snapshots): read in a few queries every half minute instead of on every
request. The API intake checks against it (ADR 0012); pages read from it only
names and choice lists, which a stale half minute cannot harm. The registration
itself reads the database."""

from __future__ import annotations

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
    district_choices: tuple[tuple[int, str], ...]  # (id, name) in the districts' order
    district_names: dict[int, str]
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
    categories = {
        category.code: category
        for category in Category.objects.filter(is_active=True, parent__isnull=False)
    }
    rules: dict[tuple[int, int | None], Agency] = {}
    for rule in RoutingRule.objects.select_related("agency").order_by("pk"):
        rules.setdefault((rule.category_id, rule.district_id), rule.agency)
    all_districts = list(District.objects.all())
    families: dict[int, list[int]] = {}
    mains: list[tuple[int, str]] = []
    names: dict[int, str] = {}
    every = list(Category.objects.order_by("code").only("code", "name", "parent_id"))
    for category in every:
        names[category.pk] = category.name
        families.setdefault(category.parent_id or category.pk, []).append(category.pk)
        if category.parent_id is None:
            mains.append((category.pk, str(category)))
    labels = {
        category.pk: f"{names[category.parent_id]} / {category.name}"
        if category.parent_id
        else category.name
        for category in every
    }
    return Reference(
        categories=categories,
        districts={district.key: district for district in all_districts},
        rules=rules,
        families={main: tuple(ids) for main, ids in families.items()},
        main_categories=tuple(mains),
        category_labels=labels,
        district_choices=tuple((district.pk, str(district)) for district in all_districts),
        district_names={district.pk: district.name for district in all_districts},
        agencies={agency.pk: agency for agency in Agency.objects.all()},
    )


_snapshot = Snapshot("petition-reference", _take, models=(Category, RoutingRule, District, Agency))


def reference() -> Reference:
    return _snapshot.get()


def clear() -> None:
    _snapshot.clear()


def connect_signals() -> None:
    _snapshot.connect()
