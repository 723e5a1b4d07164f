"""CSV in UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly.
Text that a spreadsheet could take for a formula is written after an apostrophe
(yankao.core.exports.cells)."""

from __future__ import annotations

import csv
import io

from yankao.core.exports.cells import csv_text
from yankao.core.reporting.table import Cell, Table


def _text(value: Cell) -> str:
    if value is None:
        return ""
    return csv_text(value) if isinstance(value, str) else str(value)


def write(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table.sheet_rows():
        writer.writerow([_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")
