"""The report page and its files: permission, the figures on screen, and each file
parsed back to the same numbers."""

import csv
import io
from datetime import date
from decimal import Decimal
from urllib.parse import unquote

import pytest
from odf.opendocument import load as load_ods
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from openpyxl import load_workbook

from tests.factories import taipei
from tests.petitions.factories import petition
from tests.petitions.reports.history import close
from yankao.core import clock
from yankao.core.exports import fonts
from yankao.petitions.reports.selectors import petition_report
from yankao.petitions.reports.tables import report_table

pytestmark = pytest.mark.django_db

URL = "/petitions/reports/monthly/"
FEBRUARY = {"month": "2025-02", "group_by": "agency"}


@pytest.fixture
def history(staff):
    for day, code, closed in [(3, "0103", 5), (4, "0201", 20), (5, "0103", None), (6, "0301", 7)]:
        registered = petition(code=code, received_at=taipei(2025, 2, day, 10))
        if closed:
            close(registered.petition.item, taipei(2025, 2, closed, 11), staff.hank)


@pytest.fixture
def now():
    with clock.frozen(taipei(2025, 3, 10)):
        yield


def _expected(user):
    report = petition_report(
        user=user, start=date(2025, 2, 1), end=date(2025, 2, 28), now=taipei(2025, 3, 10)
    )
    return report_table(report)


def _number(value):
    if value in (None, ""):
        return None
    return Decimal(str(value)).normalize()


def _numbers(rows):
    return [[row[0], *(_number(v) for v in row[1:])] for row in rows]


def test_a_handler_may_not_see_the_report(client, staff):
    client.force_login(staff.hank)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_the_page_shows_the_figures_a_table_and_a_chart(client, staff, history, now):
    client.force_login(staff.mia)
    response = client.get(URL, FEBRUARY)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.rows == _expected(staff.mia).rows
    html = response.content.decode()
    assert '<th scope="col"' in html and "<caption>" in html
    assert 'role="img"' in html and '<title id="chart-title">' in html and "<desc" in html
    assert "114年2月" in html  # the period in ROC


def test_a_supervisor_sees_only_their_tree(client, staff, history, now):
    client.force_login(staff.sue)
    table = client.get(URL, FEBRUARY).context["table"]
    labels = {row[0] for row in table.rows[:-1]}
    assert labels == {"高雄市政府工務局養護工程處"}


def test_a_range_of_days_in_roc_is_accepted(client, staff, history, now):
    client.force_login(staff.connie)
    response = client.get(URL, {"start": "114/02/01", "end": "114/02/28", "group_by": "channel"})
    assert response.status_code == 200
    assert response.context["report"].total.received == 4


def test_a_backwards_range_is_refused_with_a_message(client, staff, now):
    client.force_login(staff.connie)
    response = client.get(URL, {"start": "114/02/28", "end": "114/02/01"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


def _download(client, user, kind):
    client.force_login(user)
    response = client.get(URL, {**FEBRUARY, "format": kind})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert unquote(disposition.split("''", 1)[1]).endswith(f"-114年2月.{kind}")
    return response.content


def test_the_csv_has_a_bom_and_the_screens_numbers(client, staff, history, now):
    content = _download(client, staff.mia, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    expected = _expected(staff.mia)
    assert rows[0][1] == "114年2月" and rows[1] == expected.headings
    assert _numbers(rows[2:]) == _numbers(expected.rows)


def test_the_xlsx_has_the_screens_numbers(client, staff, history, now):
    sheet = load_workbook(io.BytesIO(_download(client, staff.mia, "xlsx"))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    expected = _expected(staff.mia)
    assert rows[1] == expected.headings
    assert _numbers(rows[2:]) == _numbers(expected.rows)


def _ods_rows(content):
    document = load_ods(io.BytesIO(content))
    sheet = document.spreadsheet.getElementsByType(OdsTable)[0]
    rows = []
    for row in sheet.getElementsByType(TableRow):
        values = []
        for cell in row.getElementsByType(TableCell):
            if cell.getAttribute("valuetype") == "float":
                values.append(cell.getAttribute("value"))
            else:
                values.append(str(cell) or None)
        rows.append(values)
    return rows


def test_the_ods_has_the_screens_numbers(client, staff, history, now):
    rows = _ods_rows(_download(client, staff.mia, "ods"))
    expected = _expected(staff.mia)
    assert rows[1] == expected.headings
    assert _numbers(rows[2:]) == _numbers(expected.rows)


def test_the_pdf_embeds_a_cjk_font_and_shows_the_screens_numbers(client, staff, history, now):
    from pypdf import PdfReader

    content = _download(client, staff.mia, "pdf")
    assert content.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(content)).pages[0]
    font = next(iter(page["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert "NotoSansCJKTC" in font["/BaseFont"]
    assert any(key in descriptor for key in ("/FontFile2", "/FontFile3"))
    text = "".join(page.extract_text().replace("\x00", "").split())
    expected = _expected(staff.mia)
    assert "114年2月" in text
    for row in expected.rows:
        assert row[0] in text
        assert "".join("" if v is None else str(v) for v in row) in text


def test_the_packaged_font_is_the_traditional_chinese_face():
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(fonts.cjk_font()), lazy=True)
    face = collection.fonts[fonts.TRADITIONAL_CHINESE_FACE]
    assert face["name"].getDebugName(1) == "Noto Sans CJK TC"


def test_without_a_cjk_font_the_pdf_is_refused_with_a_message(
    client, staff, history, now, monkeypatch
):
    monkeypatch.setattr(fonts, "_packaged", lambda: None)
    monkeypatch.setattr(fonts, "SYSTEM_FONT", fonts.Path("/nonexistent/font.ttc"))
    client.force_login(staff.mia)
    response = client.get(URL, {**FEBRUARY, "format": "pdf"})
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode()
