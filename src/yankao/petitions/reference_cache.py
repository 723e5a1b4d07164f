"""The petition reference data the API's intake checks every request against (the
active sub-categories, the districts, the routing rules) as one snapshot in memory
per process: read in three queries every REFRESH_SECONDS instead of three queries a
request. An edit saved in this process clears it at once; other processes see it
within REFRESH_SECONDS (ADR 0012). The API intake checks against it; pages read
from it only lists that a stale half minute cannot harm (the worklist's filter
choices, the category family a duplicate is looked for in). The registration
itself reads the database."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save

from yankao.organisation.models import Agency, District
from yankao.petitions.models import Category, RoutingRule

REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class Snapshot:
    categories: dict[str, Category]  # active sub-categories by code
    districts: dict[str, District]  # by key
    rules: dict[tuple[int, int | None], Agency]  # (category, district or None) → agency
    families: dict[int, tuple[int, ...]]  # a main category's id → it and its sub-items'
    main_categories: tuple[tuple[int, str], ...]  # (id, "code name") by code
    category_labels: dict[int, str]  # every category's id → "main / sub" (or its name)
    district_choices: tuple[tuple[int, str], ...]  # (id, name) in the districts' order
    district_names: dict[int, str]
    agencies: dict[int, Agency]  # every agency by id
    taken: float

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


_snapshot: Snapshot | None = None


def _take() -> Snapshot:
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
    return Snapshot(
        categories=categories,
        districts={district.key: district for district in all_districts},
        rules=rules,
        families={main: tuple(ids) for main, ids in families.items()},
        main_categories=tuple(mains),
        category_labels=labels,
        district_choices=tuple((district.pk, str(district)) for district in all_districts),
        district_names={district.pk: district.name for district in all_districts},
        agencies={agency.pk: agency for agency in Agency.objects.all()},
        taken=time.monotonic(),
    )


def reference() -> Snapshot:
    global _snapshot
    snapshot = _snapshot
    if snapshot is None or time.monotonic() - snapshot.taken > REFRESH_SECONDS:
        snapshot = _snapshot = _take()
    return snapshot


def clear(*args: Any, **kwargs: Any) -> None:
    global _snapshot
    _snapshot = None


def connect_signals() -> None:
    for model in (Category, RoutingRule, District, Agency):
        for signal in (post_save, post_delete):
            signal.connect(clear, sender=model, dispatch_uid=f"petition-reference-{model.__name__}")
