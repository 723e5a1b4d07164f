"""A report as a table of plain values: the one source of a page's table, its chart
and every exported file, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Table:
    title: str
    period: str
    headings: list[str]
    rows: list[list[Cell]]  # the group rows, then the total row, if any

    def sheet_rows(self) -> list[list[Cell]]:
        """What a spreadsheet holds: the title and period, the headings, the rows."""
        return [[self.title, self.period], list(self.headings), *self.rows]

    def file_name(self, extension: str) -> str:
        """陳情績效報告-115年10月.xlsx: what the report is, and when."""
        return f"{self.title}-{self.period}.{extension}"
