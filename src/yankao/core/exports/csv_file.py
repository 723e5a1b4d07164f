"""CSV in UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""

from __future__ import annotations

import csv
import io

from yankao.core.reporting.table import Cell, Table


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def write(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([table.title, table.period])
    writer.writerow(table.headings)
    for row in table.rows:
        writer.writerow([_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")
