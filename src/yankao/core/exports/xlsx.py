"""XLSX with openpyxl: numbers stay numbers, so the sheet can be summed and charted;
text stays text, never a formula (yankao.core.exports.cells)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from yankao.core.exports.cells import formula_like, plain
from yankao.core.reporting.table import Cell, Table


def _value(value: Cell) -> str | int | float | None:
    if isinstance(value, str):
        return plain(value)
    # One-decimal figures are exact as binary floats when read back and rounded to 0.1.
    return float(value) if isinstance(value, Decimal) else value


def _append(sheet: Worksheet, values: Sequence[Cell]) -> None:
    """One row. openpyxl makes a string starting with "=" a formula and "#N/A" an
    error; a text cell is set back to a string, and a formula-like one gets Excel's
    quote prefix, as if typed after an apostrophe."""
    written = [_value(value) for value in values]
    sheet.append(written)
    row = sheet.max_row
    for column, value in enumerate(written, start=1):
        if isinstance(value, str):
            cell = sheet.cell(row=row, column=column)
            cell.data_type = "s"
            if formula_like(value):
                cell.quotePrefix = True


def write(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.period[:31]
    for row in table.sheet_rows():
        _append(sheet, row)
    bold = Font(bold=True)
    for cell in (*sheet[1], *sheet[2], *sheet[sheet.max_row]):
        cell.font = bold
    sheet.column_dimensions["A"].width = 28
    sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
