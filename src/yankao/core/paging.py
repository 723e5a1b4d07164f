"""Pages of long lists whose cost does not grow with the table.

A worklist at city scale can match tens of thousands of rows; counting them all on
every page view would cost more than showing the page, and sorting them with all
their joined facts costs more than sorting their keys. `CappedPaginator` counts at
most `cap` + 1 rows (a LIMITed subquery), so the page says "1,000+" beyond the cap
and offers the first cap / per_page pages; narrowing the filters finds the rest.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

WORKLIST_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, cap: int = WORKLIST_COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

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
        keys = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=keys)}
        return Page([found[key] for key in keys if key in found], number, self)

    @property
    def capped(self) -> bool:
        """Whether more rows match than were counted."""
        return self._counted > self.cap
