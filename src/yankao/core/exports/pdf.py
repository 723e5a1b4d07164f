"""PDF with fpdf2: an A4 landscape table, Chinese set in an embedded subset of Noto
Sans CJK TC."""

from __future__ import annotations

import logging

from fpdf import FPDF
from fpdf.fonts import FontFace

from yankao.core.exports.fonts import TRADITIONAL_CHINESE_FACE, cjk_font
from yankao.core.reporting.table import Cell, Table

FAMILY = "NotoSansCJKTC"
# fontTools reports every subsetting step at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def _document(table: Table) -> FPDF:
    document = FPDF(orientation="landscape", format="A4")
    document.set_title(f"{table.title} {table.period}")
    document.add_font(FAMILY, "", str(cjk_font()), collection_font_number=TRADITIONAL_CHINESE_FACE)
    document.set_font(FAMILY, size=9)
    document.set_auto_page_break(auto=True, margin=12)
    document.add_page()
    return document


def write(table: Table) -> bytes:
    """Raises fonts.FontMissing when no CJK font is installed."""
    document = _document(table)
    document.set_font_size(15)
    document.cell(text=f"{table.title}  {table.period}", new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    document.set_font_size(8)
    count = len(table.headings)
    widths = (40, *([(document.epw - 40) / (count - 1)] * (count - 1)))
    heading_style = FontFace(fill_color=(230, 230, 230))
    with document.table(
        col_widths=widths,
        text_align=("LEFT", *(["RIGHT"] * (count - 1))),
        headings_style=heading_style,
        line_height=5,
    ) as grid:
        grid.row(table.headings)
        for values in table.rows:
            grid.row([_text(value) for value in values])
    return bytes(document.output())
