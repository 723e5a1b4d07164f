"""The dispatch pages: list, intake, ticket page, map and statistics."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.dispatch import factories, files
from tests.factories import taipei
from yankao.core import clock
from yankao.dispatch.models import ReportBack, Ticket, TicketPersonalDataAccess
from yankao.tracking.models import Status

RECEIVED = taipei(2026, 11, 2, 9)


@pytest.fixture
def tickets(staff):
    return [
        factories.ticket(code="101", received_at=RECEIVED),
        factories.ticket(code="106", received_at=RECEIVED + timedelta(hours=1)),
        factories.ticket(code="701", received_at=RECEIVED, district="lingya"),
    ]


@pytest.mark.django_db
def test_dispatcher_list_is_sorted_by_deadline(client, staff, tickets):
    client.force_login(staff.amy)
    response = client.get(reverse("dispatch:list"))
    assert response.status_code == 200
    shown = [t.pk for t in response.context["tickets"]]
    assert shown == [tickets[0].pk, tickets[2].pk, tickets[1].pk]  # 13:00, 13:00, next day


@pytest.mark.django_db
def test_dispatcher_list_filters_by_class_district_and_overdue(client, staff, tickets):
    client.force_login(staff.amy)
    by_class = client.get(reverse("dispatch:list"), {"ticket_class": tickets[1].ticket_class_id})
    assert [t.pk for t in by_class.context["tickets"]] == [tickets[1].pk]
    lingya = tickets[2].district_id
    by_district = client.get(reverse("dispatch:list"), {"district": lingya})
    assert [t.pk for t in by_district.context["tickets"]] == [tickets[2].pk]
    with clock.frozen(RECEIVED + timedelta(hours=5)):
        overdue = client.get(reverse("dispatch:list"), {"overdue": "on"})
    assert {t.pk for t in overdue.context["tickets"]} == {tickets[0].pk, tickets[2].pk}


@pytest.mark.django_db
def test_dispatcher_list_costs_the_same_queries_for_more_tickets(
    client, staff, django_assert_max_num_queries
):
    client.force_login(staff.amy)
    factories.ticket(received_at=RECEIVED)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("dispatch:list"))
    for _ in range(8):
        factories.ticket(received_at=RECEIVED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("dispatch:list"))


@pytest.mark.django_db
def test_a_reported_ticket_leaves_the_open_list_and_comes_back_when_reopened(
    client, staff, tickets
):
    from yankao.dispatch.services import ticket_report_back
    from yankao.tracking.services import item_reopen

    with clock.frozen(RECEIVED + timedelta(hours=1)):
        ticket_report_back(ticket=tickets[0], by=staff.holly, status_text="已修補", done=True)
    client.force_login(staff.amy)
    shown = client.get(reverse("dispatch:list")).context["tickets"]
    assert tickets[0].pk not in {t.pk for t in shown}
    closed = client.get(reverse("dispatch:list"), {"status": "closed"}).context["tickets"]
    assert [t.pk for t in closed] == [tickets[0].pk]
    item = Ticket.objects.get(pk=tickets[0].pk).item
    with clock.frozen(RECEIVED + timedelta(hours=2)):
        item_reopen(item=item, by=staff.holly, reason="坑洞又出現")
    shown = client.get(reverse("dispatch:list")).context["tickets"]
    assert tickets[0].pk in {t.pk for t in shown}


@pytest.mark.django_db
def test_all_tickets_are_listed_newest_first_and_the_page_says_so(client, staff, tickets):
    client.force_login(staff.amy)
    response = client.get(reverse("dispatch:list"), {"status": "all"})
    assert [t.pk for t in response.context["tickets"]] == [t.pk for t in reversed(tickets)]
    assert "共 3 件，最新登錄的在前。" in response.content.decode()
    response = client.get(reverse("dispatch:list"))
    assert "共 3 件，依回報期限由近到遠排列。" in response.content.decode()


@pytest.mark.django_db
def test_a_list_longer_than_the_cap_says_more_than_the_cap(client, staff, tickets, monkeypatch):
    from functools import partial

    from yankao.core.paging import CappedPaginator
    from yankao.dispatch import views

    monkeypatch.setattr(views, "CappedPaginator", partial(CappedPaginator, cap=2))
    client.force_login(staff.amy)
    response = client.get(reverse("dispatch:list"))
    assert response.context["page"].paginator.capped
    assert len(response.context["tickets"]) == 2
    assert "派工單超過 2 件" in response.content.decode()


@pytest.mark.django_db
def test_a_handler_sees_only_their_agencys_tickets(client, staff, tickets):
    client.force_login(staff.holly)
    response = client.get(reverse("dispatch:list"))
    assert {t.pk for t in response.context["tickets"]} == {tickets[0].pk, tickets[1].pk}


@pytest.mark.django_db
def test_intake_form_is_prefilled_from_the_1999_console(client, staff):
    client.force_login(staff.amy)
    response = client.get(
        reverse("dispatch:new"),
        {
            "description": "路樹倒塌擋住車道",
            "address": "中山一路 10 號",
            "district": "苓雅區",
            "phone": "0912-345-678",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["description"] == "路樹倒塌擋住車道"
    assert form.initial["reporter_phone"] == "0912-345-678"
    assert form.initial["district"] == factories.District.objects.get(key="lingya").pk
    assert "中山一路 10 號" in response.content.decode()


def _post(**overrides):
    data = {
        "ticket_class": factories.ticket_class("105").pk,
        "description": "路樹傾倒，壓到機車",
        "district": factories.District.objects.get(key="sanmin").pk,
        "address": "建工路 415 號",
        "latitude": "22.651200",
        "longitude": "120.328900",
        "channel": "phone",
        "reporter_name": "陳大文",
        "reporter_phone": "0987654321",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_staff_register_a_ticket_without_javascript(client, staff, media):
    client.force_login(staff.amy)
    data = _post(photos=[files.upload("tree.jpg", files.jpeg())])
    response = client.post(reverse("dispatch:new"), data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:ticket", args=[ticket.pk])
    assert ticket.item.owner_agency.key == "pw-maintenance"
    assert ticket.photos.count() == 1


@pytest.mark.django_db
def test_coordinates_outside_the_city_are_refused_next_to_the_field(client, staff):
    client.force_login(staff.amy)
    response = client.post(reverse("dispatch:new"), _post(latitude="25.03", longitude="121.56"))
    assert response.status_code == 400
    assert "latitude" in response.context["form"].errors
    assert "id_latitude_error" in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_pdf_is_refused_as_a_photo_on_the_form(client, staff):
    client.force_login(staff.amy)
    response = client.post(
        reverse("dispatch:new"), _post(photos=[files.upload("a.pdf", files.pdf())])
    )
    assert response.status_code == 400
    assert "photos" in response.context["form"].errors
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_viewer_may_not_register_tickets(client, staff):
    client.force_login(staff.mia)
    assert client.get(reverse("dispatch:new")).status_code == 403


@pytest.mark.django_db
def test_ticket_page_shows_the_reporter_masked(client, staff, tickets):
    client.force_login(staff.holly)
    response = client.get(reverse("dispatch:ticket", args=[tickets[0].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "王○明" in body
    assert "王小明" not in body
    assert "0912345678" not in body


@pytest.mark.django_db
def test_showing_the_reporter_is_logged_with_the_reason(client, staff, tickets):
    client.force_login(staff.holly)
    reason = "回電確認倒樹位置"
    url = reverse("dispatch:reporter", args=[tickets[0].pk])
    response = client.post(url, {"reason": f"  {reason} "})
    assert "王小明" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    [look] = TicketPersonalDataAccess.objects.filter(user=staff.holly)
    assert (look.ticket_id, look.reason, look.where) == (tickets[0].pk, reason, "ticket-page")


@pytest.mark.django_db
def test_the_reporter_stays_masked_without_a_reason(client, staff, tickets):
    client.force_login(staff.holly)
    response = client.post(reverse("dispatch:reporter", args=[tickets[0].pk]), {"reason": " "})
    body = response.content.decode()
    assert response.status_code == 400
    assert "王小明" not in body and "王○明" in body
    assert "請說明調閱個人資料的原因。" in body
    assert not TicketPersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_another_agency_gets_404_for_the_ticket_and_its_actions(client, staff, tickets):
    client.force_login(staff.dora)
    pk = tickets[0].pk
    assert client.get(reverse("dispatch:ticket", args=[pk])).status_code == 404
    assert (
        client.post(reverse("dispatch:acknowledge", args=[pk]), {"version": 1}).status_code == 404
    )
    report = {"status_text": "完成", "done": "1"}
    assert client.post(reverse("dispatch:report", args=[pk]), report).status_code == 404


@pytest.mark.django_db
def test_the_commission_sees_the_ticket_but_may_not_report_back(client, staff, tickets):
    client.force_login(staff.connie)
    pk = tickets[0].pk
    assert client.get(reverse("dispatch:ticket", args=[pk])).status_code == 200
    report = {"status_text": "完成", "done": "1"}
    assert client.post(reverse("dispatch:report", args=[pk]), report).status_code == 403
    assert (
        client.post(reverse("dispatch:acknowledge", args=[pk]), {"version": 1}).status_code == 403
    )
    assert not ReportBack.objects.exists()


@pytest.mark.django_db
def test_the_agency_acknowledges_and_reports_back_with_photos(client, staff, tickets, media):
    client.force_login(staff.holly)
    ticket = tickets[0]
    page = client.get(reverse("dispatch:ticket", args=[ticket.pk]))
    assert "acknowledge_form" in page.context and page.context["acknowledge_form"] is not None
    client.post(reverse("dispatch:acknowledge", args=[ticket.pk]), {"version": ticket.item.version})
    ticket.refresh_from_db()
    assert ticket.acknowledged_by == staff.holly
    response = client.post(
        reverse("dispatch:report", args=[ticket.pk]),
        {"status_text": "已修補", "done": "1", "photos": [files.upload("done.jpg", files.jpeg())]},
    )
    assert response.status_code == 302
    ticket.item.refresh_from_db()
    assert ticket.item.status == Status.CLOSED
    report = ReportBack.objects.get()
    photo = report.photos.get()
    shown = client.get(reverse("dispatch:photo", args=[ticket.pk, photo.pk]))
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
def test_a_report_without_text_is_shown_again_with_the_error(client, staff, tickets):
    client.force_login(staff.holly)
    response = client.post(
        reverse("dispatch:report", args=[tickets[0].pk]), {"status_text": "", "done": "1"}
    )
    assert response.status_code == 400
    assert "id_status_text_error" in response.content.decode()


@pytest.mark.django_db
def test_map_lists_tickets_in_a_table_and_as_geojson(client, staff, tickets):
    client.force_login(staff.amy)
    with clock.frozen(RECEIVED + timedelta(hours=2)):
        page = client.get(reverse("dispatch:map"))
        data = client.get(reverse("dispatch:map-geojson")).json()
    assert page.status_code == 200
    assert "leaflet/leaflet.js" in page.content.decode()
    assert len(page.context["tickets"]) == 3
    assert data["type"] == "FeatureCollection"
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert (lat, lon) == (22.6265, 120.3578)


@pytest.mark.django_db
def test_map_leaves_out_old_closed_tickets(client, staff, tickets):
    from yankao.dispatch.services import ticket_report_back

    with clock.frozen(RECEIVED + timedelta(hours=1)):
        ticket_report_back(ticket=tickets[0], by=staff.holly, status_text="完成", done=True)
    client.force_login(staff.amy)
    with clock.frozen(RECEIVED + timedelta(days=10)):
        data = client.get(reverse("dispatch:map-geojson")).json()
    numbers = {f["properties"]["number"] for f in data["features"]}
    assert tickets[0].item.number not in numbers
    assert tickets[1].item.number in numbers


@pytest.mark.django_db
def test_statistics_page_and_csv_export(client, staff, tickets):
    client.force_login(staff.connie)
    query = {"start": "115/11/01", "end": "115/11/30"}
    page = client.get(reverse("dispatch:statistics"), query)
    assert page.status_code == 200
    assert page.context["result"].total.count == 3
    export = client.get(reverse("dispatch:statistics"), {**query, "format": "csv"})
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    assert "路面坑洞" in text


@pytest.mark.django_db
def test_statistics_with_a_bad_date_say_so(client, staff):
    client.force_login(staff.connie)
    response = client.get(reverse("dispatch:statistics"), {"start": "yesterday"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_statistics_need_the_reports_capability(client, staff):
    client.force_login(staff.holly)
    assert client.get(reverse("dispatch:statistics")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_statistics_export_as_spreadsheets(client, staff, tickets, fmt, content_type):
    client.force_login(staff.connie)
    query = {"start": "2026-11-01", "end": "2026-11-30", "format": fmt}
    response = client.get(reverse("dispatch:statistics"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content[:2] == b"PK"  # both are zip containers
    assert f"dispatch-statistics.{fmt}" in response["Content-Disposition"]


@pytest.mark.django_db
def test_statistics_as_pdf_or_a_clear_refusal_without_a_chinese_font(client, staff, tickets):
    client.force_login(staff.connie)
    response = client.get(reverse("dispatch:statistics"), {"format": "pdf"})
    assert response.status_code in (200, 503)
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF")
    else:
        assert "PDF" in response.content.decode()
