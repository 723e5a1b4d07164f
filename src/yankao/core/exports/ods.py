"""ODS (OpenDocument spreadsheet) with odfpy, the format government offices must accept."""

from __future__ import annotations

import io
from decimal import Decimal

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from odf.text import P

from yankao.core.reporting.table import Cell, Table


def _cell(value: Cell) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, int | Decimal):
        cell = TableCell(valuetype="float", value=str(value))
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def _row(values: list[Cell]) -> TableRow:
    row = TableRow()
    for value in values:
        row.addElement(_cell(value))
    return row


def write(table: Table) -> bytes:
    document = OpenDocumentSpreadsheet()
    sheet = OdsTable(name=table.period)
    sheet.addElement(_row([table.title, table.period]))
    sheet.addElement(_row(list(table.headings)))
    for values in table.rows:
        sheet.addElement(_row(values))
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
