"""One export response for every report: named in UTF-8, typed, never cached."""

import csv
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.utils import translation

from yankao.core.exports import FORMATS, fonts
from yankao.core.reporting.responses import export_response
from yankao.core.reporting.table import Table

TABLE = Table(
    title="陳情績效報告",
    period="115年10月",
    headings=["機關", "收件", "準時率（%）"],
    rows=[["工務局", 3, Decimal("66.7")], ["合計", 3, None]],
)


def _file_name(response):
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    return unquote(disposition.split("''", 1)[1])


@pytest.mark.parametrize("name", ["csv", "xlsx", "ods"])
def test_each_format_is_typed_named_after_the_table_and_not_cached(name):
    response = export_response(TABLE, name)
    assert response.status_code == 200
    assert response["Content-Type"] == FORMATS[name].content_type
    assert _file_name(response) == f"陳情績效報告-115年10月.{name}"
    assert response["Cache-Control"] == "no-store"


def test_the_csv_holds_the_tables_rows():
    content = export_response(TABLE, "csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows == [
        ["陳情績效報告", "115年10月"],
        TABLE.headings,
        ["工務局", "3", "66.7"],
        ["合計", "3", ""],
    ]


def test_a_file_stem_names_the_file_instead():
    response = export_response(TABLE, "csv", file_stem="dispatch-statistics")
    assert response["Content-Disposition"] == 'attachment; filename="dispatch-statistics.csv"'


def test_an_unknown_format_is_a_400_in_chinese():
    response = export_response(TABLE, "docx")
    assert response.status_code == 400
    assert "CSV、XLSX、ODS 或 PDF" in response.content.decode()


def test_without_a_cjk_font_the_pdf_is_a_503_that_says_what_to_do(monkeypatch):
    monkeypatch.setattr(fonts, "_packaged", lambda: None)
    monkeypatch.setattr(fonts, "SYSTEM_FONT", fonts.Path("/nonexistent/font.ttc"))
    with translation.override("en"):
        response = export_response(TABLE, "pdf")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert "spreadsheet" in response.content.decode()
