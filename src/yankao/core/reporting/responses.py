"""One response for a report's file, whatever the format and the report."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from yankao.core.exports import FORMATS
from yankao.core.exports.fonts import FontMissing
from yankao.core.reporting.table import Table


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def export_response(table: Table, format_name: str, *, file_stem: str = "") -> HttpResponse:
    """The table as a CSV, XLSX, ODS or PDF download, named after the table (or
    `file_stem`) in UTF-8 (RFC 6266 filename*), never cached: it holds the figures of
    what this user may see. An unknown format is a 400, a PDF without a CJK font a 503,
    each with a sentence saying what to do."""
    chosen = FORMATS.get(format_name)
    if chosen is None:
        return _text(_("Unknown file format. Choose CSV, XLSX, ODS or PDF."), 400)
    try:
        content = chosen.write(table)
    except FontMissing:
        message = _(
            "The PDF cannot be made: no Chinese font is installed on the server. "
            "Download the report as a spreadsheet, or ask the administrator to install "
            "the Noto Sans CJK font."
        )
        return _text(message, 503)
    response = HttpResponse(content, content_type=chosen.content_type)
    name = f"{file_stem}.{chosen.extension}" if file_stem else table.file_name(chosen.extension)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = "no-store"
    return response
