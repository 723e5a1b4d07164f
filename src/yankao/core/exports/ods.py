"""ODS (OpenDocument spreadsheet) with odfpy, the format government offices must accept.
Text is a string cell, never a formula (yankao.core.exports.cells)."""

from __future__ import annotations

import io
from decimal import Decimal

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from odf.text import P

from yankao.core.exports.cells import plain
from yankao.core.reporting.table import Cell, Table


def _cell(value: Cell) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, int | Decimal):
        cell = TableCell(valuetype="float", value=str(value))
        cell.addElement(P(text=str(value)))
    else:
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=plain(value)))
    return cell


def _row(values: list[Cell]) -> TableRow:
    row = TableRow()
    for value in values:
        row.addElement(_cell(value))
    return row


def write(table: Table) -> bytes:
    document = OpenDocumentSpreadsheet()
    sheet = OdsTable(name=table.period)
    for values in table.sheet_rows():
        sheet.addElement(_row(values))
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
