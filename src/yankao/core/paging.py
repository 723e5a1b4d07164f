"""Pages of long lists whose cost does not grow with the table.

A worklist at city scale can match tens of thousands of rows; counting them all on
every page view would cost more than showing the page, and sorting them with all
their joined facts costs more than sorting their keys. `CappedPaginator` counts at
most `cap` + 1 rows (a LIMITed subquery), so the page says "1,000+" beyond the cap
and offers the first cap / per_page pages; narrowing the filters finds the rest.

A list filtered by an IN over a few values (a supervisor's agencies) can also be
read in `partitions`: the page's keys are then read from each partition in order
(its own index range, no sort) and merged here. SQLite reads an IN list's index
ranges one after another and then sorts all they hold (tens of thousands of open
petitions for a bureau at city scale) to find the first fifty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

WORKLIST_COUNT_CAP = 1000
# Beyond this many partitions, one query with the database's sort costs less.
MAX_PARTITIONS = 16


class CappedPaginator(Paginator):
    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int = WORKLIST_COUNT_CAP,
        partitions: Sequence[Q] = (),
        rows: Callable[[list[Any]], Sequence[Any]] | None = None,
    ) -> None:
        """`partitions`: filters whose rows together are all of `object_list`'s
        (they may overlap), each narrow enough for an index to give its rows in
        the list's order. `rows`: reads the page's rows for its keys, in their
        order, where the list's own query would join more than the page shows."""
        super().__init__(object_list, per_page)
        self.cap = cap
        self.partitions = list(partitions) if 1 < len(partitions) <= MAX_PARTITIONS else []
        self.rows = rows

    @cached_property
    def _counted(self) -> int:
        # Without the ordering, the database may count from whichever index is best.
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        return rows.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    def page(self, number: Any) -> Page:
        """The page's rows in two steps: their keys in order from a narrow query (the
        database sorts keys, not joined rows), then the rows themselves by key."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        ordering = list(rows.query.order_by or rows.model._meta.ordering or ["pk"])
        if self.partitions and all(isinstance(name, str) for name in ordering):
            keys = self._merged_keys(rows, ordering, top)[bottom:top]
        else:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
        if self.rows is not None:
            return Page(self.rows(keys), number, self)
        found = {row.pk: row for row in rows.filter(pk__in=keys)}
        return Page([found[key] for key in keys if key in found], number, self)

    def _merged_keys(self, rows: QuerySet[Any], ordering: list[str], top: int) -> list[Any]:
        """The first `top` keys in the list's order: the first `top` of each
        partition, merged by the ordering's values, each key once."""
        names = [name.lstrip("-") for name in ordering]
        nulls_last = connections[rows.db].vendor == "postgresql"  # as the database sorts
        found: dict[Any, tuple[Any, ...]] = {}
        parts = [rows.filter(part).values_list("pk", *names)[:top] for part in self.partitions]
        if connections[rows.db].features.supports_slicing_ordering_in_compound:
            # One round trip: (… LIMIT top) UNION ALL (… LIMIT top) …
            parts = [parts[0].union(*parts[1:], all=True)]
        for part in parts:
            for pk, *values in part:
                found[pk] = tuple(values)
        merged = list(found)

        def by(index: int) -> Callable[[Any], tuple[bool, Any]]:
            return lambda pk: ((found[pk][index] is None) == nulls_last, found[pk][index])

        # Stable sorts from the last ordering field to the first, each its own way.
        for index in reversed(range(len(names))):
            merged.sort(key=by(index), reverse=ordering[index].startswith("-"))
        return merged[:top]

    @property
    def capped(self) -> bool:
        """Whether more rows match than were counted."""
        return self._counted > self.cap
