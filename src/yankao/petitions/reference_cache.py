"""The petition reference data the API's intake checks every request against (the
active sub-categories, the districts, the routing rules) as one snapshot in memory
per process: read in three queries every REFRESH_SECONDS instead of three queries a
request. An edit saved in this process clears it at once; other processes see it
within REFRESH_SECONDS (ADR 0012). Only the API intake reads it: pages and the
registration itself read the database."""

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
    districts = {district.key: district for district in District.objects.all()}
    return Snapshot(categories, districts, rules, time.monotonic())


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
