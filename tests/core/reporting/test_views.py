"""The report page's steps, shared by the four reports: permission, period form,
figures computed once, then the page or the file."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from yankao.core.reporting.forms import MonthForm
from yankao.core.reporting.table import Table
from yankao.core.reporting.views import ReportPage, report_response

pytestmark = pytest.mark.django_db

TABLE = Table(title="測試報表", period="115年10月", headings=["組", "件數"], rows=[["合計", 7]])


def _page(calls: list, *, allowed: bool = True) -> ReportPage:
    def figures(user, form):
        calls.append(form.period())
        return {"table": TABLE}

    return ReportPage(
        template="legal/counts.html",
        may_view=lambda user: allowed,
        form=lambda data, *, user, today: MonthForm(data, today=today),
        figures=figures,
    )


def _get(user, query):
    request = RequestFactory().get("/report/", query)
    request.user = user
    return request


def test_without_the_permission_nothing_is_computed(staff):
    calls = []
    with pytest.raises(PermissionDenied):
        report_response(_get(staff.hank, {"format": "csv"}), _page(calls, allowed=False))
    assert calls == []


def test_an_invalid_period_is_a_400_and_nothing_is_computed(staff):
    calls = []
    response = report_response(_get(staff.connie, {"month": "1999-01"}), _page(calls))
    assert response.status_code == 400
    assert calls == []


def test_the_page_offers_each_file_with_the_same_query(staff):
    calls = []
    response = report_response(_get(staff.connie, {"month": "2026-10"}), _page(calls))
    html = response.content.decode()
    assert response.status_code == 200 and len(calls) == 1
    for name in ("csv", "xlsx", "ods", "pdf"):
        assert f'href="?month=2026-10&amp;format={name}"' in html
    assert "測試報表 115年10月" in html


def test_a_format_in_the_query_writes_the_file_from_the_same_figures(staff):
    calls = []
    response = report_response(
        _get(staff.connie, {"month": "2026-10", "format": "csv"}), _page(calls)
    )
    assert response.status_code == 200 and len(calls) == 1
    assert response["Content-Type"].startswith("text/csv")
    assert "7" in response.content.decode("utf-8-sig").splitlines()[-1]


def test_an_unknown_format_is_refused(staff):
    response = report_response(_get(staff.connie, {"format": "docx"}), _page([]))
    assert response.status_code == 400
