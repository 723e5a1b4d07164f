"""Report files: CSV, XLSX, ODS and PDF, each written from the same `Table`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from yankao.core.exports import csv_file, ods, pdf, xlsx
from yankao.core.reporting.table import Table


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    write: Callable[[Table], bytes]


FORMATS: dict[str, Format] = {
    "csv": Format("csv", "text/csv; charset=utf-8", csv_file.write),
    "xlsx": Format(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        xlsx.write,
    ),
    "ods": Format("ods", "application/vnd.oasis.opendocument.spreadsheet", ods.write),
    "pdf": Format("pdf", "application/pdf", pdf.write),
}
