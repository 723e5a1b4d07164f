"""The programme-control pages: the commission's dashboard, the registry scoped to
the user's agency, the programme page with its S-curve served from our own static
files, the forms (register, curve, budget, milestone, monthly report) with their
messages in Chinese, and the commission's month locks. Another agency's programme
is not found."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.control import factories
from tests.factories import taipei
from yankao.control.models import Milestone, MonthLock, Programme, ProgressReport
from yankao.core import clock

pytestmark = pytest.mark.django_db
NOW = taipei(2026, 11, 20)
OCTOBER = date(2026, 10, 1)


@pytest.fixture
def works(staff):
    """Public Works' programme, reported up to September; Fengshan's, unreported."""
    found = factories.programme(by=staff.hank)
    for month, actual in ((1, 5), (2, 10), (3, 20)):
        factories.report(found, by=staff.hank, month=date(2026, month, 1), actual=actual)
    return found


@pytest.fixture
def fengshan(staff):
    return factories.programme(by=staff.dora, owner="district-fengshan", title="鳳山區公所計畫")


def get(client, user, name, *args, **query):
    client.force_login(user)
    with clock.frozen(NOW):
        return client.get(reverse(name, args=args), query, HTTP_ACCEPT_LANGUAGE="zh-hant")


def post(client, user, name, data, *args):
    client.force_login(user)
    with clock.frozen(NOW):
        return client.post(reverse(name, args=args), data, HTTP_ACCEPT_LANGUAGE="zh-hant")


# --- scoping ---------------------------------------------------------------------------------


def test_an_agency_sees_its_own_programmes_only(client, staff, works, fengshan):
    hank = get(client, staff.hank, "control:programmes")
    assert [p.pk for p in hank.context["programmes"]] == [works.pk]
    dora = get(client, staff.dora, "control:programmes")
    assert [p.pk for p in dora.context["programmes"]] == [fengshan.pk]


def test_another_agencys_programme_is_not_found(client, staff, works):
    assert get(client, staff.dora, "control:programme", works.pk).status_code == 404
    assert get(client, staff.dora, "control:progress", works.pk).status_code == 404
    assert get(client, staff.dora, "control:curve", works.pk).status_code == 404


def test_a_supervisor_sees_the_programmes_of_the_agencies_below(client, staff):
    below = factories.programme(by=staff.holly, owner="pw-maintenance")
    shown = get(client, staff.sue, "control:programmes").context["programmes"]
    assert [p.pk for p in shown] == [below.pk]
    assert get(client, staff.holly, "control:programme", below.pk).status_code == 200


def test_the_commission_sees_every_programme_and_the_dashboard(client, staff, works, fengshan):
    shown = get(client, staff.connie, "control:programmes").context["programmes"]
    assert {p.pk for p in shown} == {works.pk, fengshan.pk}
    assert get(client, staff.connie, "control:dashboard").status_code == 200


def test_a_handler_has_no_dashboard_and_the_mayors_office_reports_nothing(client, staff, works):
    assert get(client, staff.hank, "control:dashboard").status_code == 403
    assert get(client, staff.mia, "control:dashboard").status_code == 200
    assert get(client, staff.mia, "control:progress", works.pk).status_code == 403


def test_the_commission_maintains_but_does_not_report(client, staff, works):
    assert get(client, staff.connie, "control:curve", works.pk).status_code == 200
    assert get(client, staff.connie, "control:progress", works.pk).status_code == 403


# --- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_counts_lights_lists_laggards_and_missing_reports(
    client, staff, works, fengshan
):
    lagging = factories.programme(by=staff.hank, title="落後的計畫")
    factories.report(
        lagging, by=staff.hank, month=date(2026, 3, 1), actual=8, lag_reason="a", remedy="b"
    )
    board = get(client, staff.connie, "control:dashboard").context["board"]
    assert board.month == OCTOBER
    assert board.totals == {"green": 1, "yellow": 0, "red": 1, "none": 1}
    assert [p.pk for p in board.lagging] == [lagging.pk]
    # Nobody has reported October; due 10 November (a Tuesday), so late by the 20th.
    assert {m.programme.pk for m in board.missing} == {works.pk, fengshan.pk, lagging.pk}
    assert all(m.overdue for m in board.missing)
    by_agency = {row.label: row.counts for row in board.by_agency}
    assert by_agency["工務局"]["red"] == 1 and by_agency["鳳山區公所"]["none"] == 1


def test_the_dashboard_costs_the_same_queries_for_more_programmes(
    client, staff, django_assert_max_num_queries
):
    factories.programme(by=staff.hank)
    with django_assert_max_num_queries(40) as few:
        get(client, staff.connie, "control:dashboard")
    for n in range(6):
        factories.programme(by=staff.hank, title=f"計畫{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        get(client, staff.connie, "control:dashboard")


def test_the_registry_costs_the_same_queries_for_more_programmes(
    client, staff, django_assert_max_num_queries
):
    factories.programme(by=staff.hank)
    with django_assert_max_num_queries(30) as few:
        get(client, staff.hank, "control:programmes")
    for n in range(6):
        factories.programme(by=staff.hank, title=f"計畫{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        get(client, staff.hank, "control:programmes")


def test_the_registry_filters_by_light_kind_and_pillar(client, staff, works, fengshan):
    red = get(client, staff.connie, "control:programmes", light="green").context["programmes"]
    assert [p.pk for p in red] == [works.pk]
    none = get(client, staff.connie, "control:programmes", pillar="none").context["programmes"]
    assert {p.pk for p in none} == {works.pk, fengshan.pk}
    works_kind = get(client, staff.connie, "control:programmes", kind="works").context
    assert list(works_kind["programmes"]) == []


# --- the programme page ------------------------------------------------------------------------


def test_the_programme_page_draws_the_curve_with_plotly_from_our_own_static_files(
    client, staff, works
):
    response = get(client, staff.hank, "control:programme", works.pk)
    body = response.content.decode()
    assert '<script src="/static/plotly/plotly.min.js" defer></script>' in body
    assert "cdn" not in body.lower()
    assert "<script>" not in body  # the figure travels as a JSON data block
    figure = response.context["figure"]
    assert figure["data"][0]["x"][:3] == ["115/01", "115/02", "115/03"]
    assert figure["data"][0]["y"][:3] == [5.0, 10.0, 20.0]
    assert figure["data"][1]["y"][:4] == [5.0, 10.0, 20.0, None]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # The table carries the same figures for those who cannot see the chart.
    assert "115/03" in body and "20.00" in body


def test_the_chart_is_a_figure_plotly_accepts():
    plotly = pytest.importorskip("plotly.graph_objects")
    from yankao.control.chart import s_curve_figure
    from yankao.control.selectors import CurveMonth

    months = [CurveMonth(date(2026, m, 1), Decimal(m * 8), None, None) for m in range(1, 13)]
    figure = plotly.Figure(s_curve_figure(months, title="S"))
    assert [trace.name for trace in figure.data] == ["預定", "實際"]


# --- the forms ---------------------------------------------------------------------------------


def registration(**changes):
    data = {
        "title": "愛河水岸步道改善",
        "kind": "works",
        "control_level": "self",
        "owner_agency": "",
        "start_date": "115/01/05",
        "end_date": "115/12/31",
        "external_code": "",
        "summary": "",
        "pledge": "",
        "pillar": "",
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "40",
        "budget-0-year": "115",
        "budget-0-source": "city",
        "budget-0-amount": "5000000",
        "budget-1-year": "",
        "budget-1-source": "city",
        "budget-1-amount": "",
    }
    data.update(changes)
    return data


def test_an_agency_registers_a_programme_with_roc_dates_and_years(client, staff):
    agency_pk = staff.hank.agency_id
    response = post(
        client, staff.hank, "control:programme-new", registration(owner_agency=agency_pk)
    )
    found = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "control:curve", args=[found.pk]
    )
    assert found.start_date == date(2026, 1, 5)
    assert list(found.budget.values_list("year", "amount")) == [(2026, 5_000_000)]


def test_a_handler_cannot_register_for_another_agency(client, staff):
    other = Programme._meta.get_field("owner_agency").related_model.objects.get(key="education")
    response = post(
        client, staff.hank, "control:programme-new", registration(owner_agency=other.pk)
    )
    assert response.status_code == 400  # not among the choices
    assert not Programme.objects.exists()


def test_dates_out_of_order_are_refused_in_chinese_and_nothing_is_saved(client, staff):
    data = registration(owner_agency=staff.hank.agency_id, end_date="114/12/31")
    response = post(client, staff.hank, "control:programme-new", data)
    assert response.status_code == 400
    assert "結束日期須在開始日期當日或之後。" in response.content.decode()
    assert not Programme.objects.exists()


def test_the_curve_form_shows_one_input_a_month_and_saves(client, staff, works):
    page = get(client, staff.hank, "control:curve", works.pk)
    assert page.content.decode().count('name="m2026') == 12
    values = {f"m2026{m:02d}": v for m, v in zip(range(1, 13), factories.PLAN_2026, strict=True)}
    values["m202612"] = "101"
    refused = post(client, staff.hank, "control:curve", values, works.pk)
    assert refused.status_code == 400
    assert "預定進度不能超過 100%。" in refused.content.decode()
    values["m202612"] = "100"
    assert post(client, staff.hank, "control:curve", values, works.pk).status_code == 302


def test_progress_over_100_is_refused_on_the_page_in_chinese(client, staff, works):
    data = {
        "month": "2026-04",
        "actual_percent": "120",
        "budget_allocated": "1000000",
        "budget_executed": "900000",
        "work_done": "施工",
    }
    response = post(client, staff.hank, "control:progress", data, works.pk)
    assert response.status_code == 400
    assert "進度不能超過 100%。" in response.content.decode()
    assert not ProgressReport.objects.filter(month=date(2026, 4, 1)).exists()


def test_a_lagging_month_asks_for_the_reason_and_remedy_on_the_page(client, staff, works):
    data = {
        "month": "2026-04",
        "actual_percent": "22",
        "budget_allocated": "1000000",
        "budget_executed": "900000",
        "work_done": "施工",
    }
    response = post(client, staff.hank, "control:progress", data, works.pk)
    assert response.status_code == 400
    body = response.content.decode()
    assert "本月落後（進度落後），請填寫落後原因。" in body
    assert "本月落後（進度落後），請填寫改善措施。" in body
    data.update(lag_reason="颱風停工", remedy="假日趕工")
    assert post(client, staff.hank, "control:progress", data, works.pk).status_code == 302
    assert ProgressReport.objects.get(month=date(2026, 4, 1)).light == "yellow"


def test_the_report_form_revises_a_month_already_reported(client, staff, works):
    page = get(client, staff.hank, "control:progress", works.pk, month="2026-03")
    assert page.context["form"].initial["actual_percent"] == Decimal("20.00")
    data = {
        "month": "2026-03",
        "actual_percent": "21",
        "budget_allocated": "1000000",
        "budget_executed": "900000",
        "work_done": "更正數據",
        "revision": "1",
    }
    assert post(client, staff.hank, "control:progress", data, works.pk).status_code == 302
    assert ProgressReport.objects.get(month=date(2026, 3, 1)).revision == 2


def test_a_milestone_is_added_and_met_through_the_pages(client, staff, works):
    data = {"title": "完成發包", "planned_date": "115/02/13", "criteria": "決標公告"}
    assert post(client, staff.hank, "control:milestone-new", data, works.pk).status_code == 302
    made = Milestone.objects.get()
    page = get(client, staff.hank, "control:milestone", made.pk)
    assert page.status_code == 200 and page.context["complete_form"] is not None
    done = post(
        client, staff.hank, "control:milestone-complete",
        {"completed_on": "115/02/24", "evidence": "決標公告 1150224"}, made.pk,
    )  # fmt: skip
    assert done.status_code == 302
    made.refresh_from_db()
    assert made.completed_on == date(2026, 2, 24) and made.item.outcome == "late"
    page = get(client, staff.hank, "control:milestone", made.pk).content.decode()
    assert "逾期 2 個工作日" in page


def test_another_agency_cannot_meet_a_milestone(client, staff, works):
    made = factories.milestone(works, by=staff.hank, planned=date(2026, 2, 13))
    response = post(
        client, staff.dora, "control:milestone-complete",
        {"completed_on": "115/02/13", "evidence": "x"}, made.pk,
    )  # fmt: skip
    assert response.status_code == 404


# --- month locks --------------------------------------------------------------------------------


def test_the_commission_locks_and_unlocks_a_month(client, staff, works):
    assert post(client, staff.connie, "control:month-lock", {"month": "2026-03"}).status_code == 302
    assert MonthLock.objects.get().month == date(2026, 3, 1)
    months = get(client, staff.hank, "control:progress", works.pk).context["months"]
    assert date(2026, 3, 1) not in months
    post(client, staff.connie, "control:month-unlock", {"month": "2026-03", "reason": "更正"})
    assert MonthLock.objects.get().unlocked_at is not None


def test_an_agency_cannot_lock_a_month(client, staff):
    response = post(client, staff.sue, "control:month-lock", {"month": "2026-03"})
    assert response.status_code == 403
    assert not MonthLock.objects.exists()


def test_the_programme_page_offers_to_revise_only_the_months_still_open(client, staff, works):
    with clock.frozen(NOW):
        from yankao.control.services import progress_month_lock

        progress_month_lock(month=date(2026, 1, 1), by=staff.connie)
    body = get(client, staff.hank, "control:programme", works.pk).content.decode()
    assert "?month=2026-02" in body and "?month=2026-01" not in body
    assert "12,000,000" in body  # the budget, grouped by thousands
