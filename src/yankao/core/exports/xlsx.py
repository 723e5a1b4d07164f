"""XLSX with openpyxl: numbers stay numbers, so the sheet can be summed and charted."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from yankao.core.reporting.table import Cell, Table


def _value(value: Cell) -> str | int | float | None:
    # One-decimal figures are exact as binary floats when read back and rounded to 0.1.
    return float(value) if isinstance(value, Decimal) else value


def write(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.period[:31]
    sheet.append([table.title, table.period])
    sheet.append(table.headings)
    for row in table.rows:
        sheet.append([_value(value) for value in row])
    bold = Font(bold=True)
    for cell in (*sheet[1], *sheet[2], *sheet[sheet.max_row]):
        cell.font = bold
    sheet.column_dimensions["A"].width = 28
    sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
