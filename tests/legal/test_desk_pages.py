"""The consultation desk: day sheets with masked personal data (unmasking logged),
outcomes, booking for a caller, the rota page; who may do what."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import taipei
from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import Booking, BookingStatus, PersonalDataAccess, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(centre, lawyers):
    return factories.session(centre, lawyer=lawyers[0])


@pytest.fixture
def booked(session):
    return factories.booking(session, phone="0912-345-678", email="mei.lin@example.org")


def _sheet(client, user, session):
    client.force_login(user)
    return client.get(reverse("legal:sheet", args=[session.pk]))


def test_the_day_sheet_masks_names_and_phones(client, staff, session, booked):
    page = _sheet(client, staff.amy, session).content.decode()
    assert booked.booking.number in page
    assert "林○玲" in page and "09xx-xxx-678" in page
    assert "林美玲" not in page and "0912-345-678" not in page and "mei.lin@" not in page


def test_unmasking_needs_a_reason_and_is_logged(client, staff, session, booked):
    client.force_login(staff.amy)
    url = reverse("legal:personal-data", args=[session.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "請說明調閱個人資料的原因。" in refused.content.decode()
    assert not PersonalDataAccess.objects.exists()
    shown = client.post(url, {"reason": "打電話通知律師改時間"})
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    page = shown.content.decode()
    assert "林美玲" in page and "0912-345-678" in page and "mei.lin@example.org" in page
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.session, access.where) == (staff.amy, session, "day-sheet")
    assert access.reason == "打電話通知律師改時間" and access.bookings_shown == 1


def test_a_handler_of_another_agency_has_no_desk(client, staff, session, booked):
    assert _sheet(client, staff.hank, session).status_code == 403
    client.force_login(staff.hank)
    url = reverse("legal:personal-data", args=[session.pk])
    assert client.post(url, {"reason": "好奇"}).status_code == 403
    assert client.get(reverse("legal:desk")).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_mayors_office_sees_the_counts_but_not_the_sheet(client, staff, session):
    client.force_login(staff.mia)
    assert client.get(reverse("legal:sheet", args=[session.pk])).status_code == 403
    assert client.get(reverse("legal:counts")).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, session):
    response = client.get(reverse("legal:sheet", args=[session.pk]))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_desk_records_attendance_and_the_kind_of_advice(client, staff, session, booked):
    client.force_login(staff.amy)
    url = reverse("legal:booking-outcome", args=[session.pk, booked.booking.pk])
    with clock.frozen(taipei(2026, 11, 10, 14, 35)):
        response = client.post(url, {"status": "attended", "advice": "mediation"})
    assert response.status_code == 302
    booking = factories.refresh(booked.booking)
    assert (booking.status, booking.advice, booking.outcome_by) == (
        "attended",
        "mediation",
        staff.amy,
    )


def test_an_outcome_before_the_slot_is_refused_with_a_message(client, staff, session, booked):
    client.force_login(staff.amy)
    url = reverse("legal:booking-outcome", args=[session.pk, booked.booking.pk])
    with clock.frozen(factories.NOW):
        response = client.post(url, {"status": "no_show"}, follow=True)
    assert "諮詢尚未開始。" in response.content.decode()
    assert factories.refresh(booked.booking).status == BookingStatus.BOOKED


def test_the_desk_books_for_a_caller_through_the_same_rules(client, staff, session, booked):
    client.force_login(staff.amy)
    url = reverse("legal:desk-book", args=[session.pk])
    data = {
        "channel": "phone",
        "slot": "0",  # held by the web booking
        "name": "陳大文",
        "phone": "07-336-8333",
        "topic": "land",
        "question": "共有土地分割",
        "consent": "on",
    }
    with clock.frozen(factories.NOW):
        taken = client.post(url, data)
        made = client.post(url, {**data, "slot": "2"})
    assert taken.status_code == 400
    assert made.status_code == 201
    booking = Booking.objects.get(slot=2)
    assert (booking.channel, booking.booked_by) == ("phone", staff.amy)
    assert booking.number in made.content.decode()


def test_cancelling_a_session_from_the_sheet(client, staff, session, booked):
    client.force_login(staff.amy)
    url = reverse("legal:session-cancel", args=[session.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    with clock.frozen(factories.NOW):
        response = client.post(url, {"reason": "颱風停止上班"}, follow=True)
    assert "場次已取消；1 筆預約一併取消" in response.content.decode()
    assert factories.refresh(booked.booking).status == BookingStatus.CANCELLED


def test_the_rota_page_generates_sessions_and_lists_the_days_off(client, staff, centre, lawyers):
    client.force_login(staff.connie)
    data = {
        "venue": centre.pk,
        "first": "114/01/20",
        "last": "114/02/09",
        "weekdays": ["0", "1", "2", "3", "4"],
        "starts_at": "14:00",
        "ends_at": "17:00",
        "desks": "1",
        "lawyers": [str(lawyers[0].pk), str(lawyers[1].pk)],
        "on_makeup_days": "on",
    }
    response = client.post(reverse("legal:rota"), data)
    assert response.status_code == 201
    page = response.content.decode()
    assert "已產生 11 個場次。" in page
    assert "114/01/27" in page  # 調整放假, skipped
    assert Session.objects.filter(date=date(2025, 2, 8)).exists()


def test_the_rota_page_explains_a_bad_range(client, staff, centre):
    client.force_login(staff.connie)
    data = {"venue": centre.pk, "first": "115/12/10", "last": "115/12/01", "weekdays": ["0"]}
    data |= {"starts_at": "14:00", "ends_at": "13:00", "desks": "1"}
    response = client.post(reverse("legal:rota"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "迄日早於起日。" in page
    assert "場次的結束時間必須晚於開始時間。" in page
    assert not Session.objects.exists()


def test_the_desk_lists_the_coming_sessions(client, staff, session, booked):
    client.force_login(staff.amy)
    with clock.frozen(factories.NOW):
        page = client.get(reverse("legal:desk")).content.decode()
    assert reverse("legal:sheet", args=[session.pk]) in page
    assert "1 / 4" in page


def test_the_desk_adds_a_lawyer_and_a_duplicate_licence_is_explained(client, staff):
    client.force_login(staff.amy)
    url = reverse("legal:lawyers")
    data = {
        "name": "吳律師",
        "bar_association": "高雄律師公會",
        "licence_number": "(108)台檢證字第1234號",
        "phone": "07-211-0000",
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400
    assert "已有相同律師證書字號的律師。" in again.content.decode()
    page = client.get(url).content.decode()
    assert "吳律師" in page and "07-211-0000" in page


def test_lawyers_contact_details_are_not_for_other_staff(client, staff):
    client.force_login(staff.hank)
    assert client.get(reverse("legal:lawyers")).status_code == 403


def test_the_desk_shows_two_weeks_from_a_chosen_day_and_explains_a_bad_date(
    client, staff, centre, venues
):
    later = factories.session(centre, day=date(2026, 12, 1))
    fengshan = factories.session(venues["fengshan"], day=date(2026, 12, 1))
    client.force_login(staff.amy)
    url = reverse("legal:desk")
    with clock.frozen(factories.NOW):
        default = client.get(url).content.decode()
        chosen = client.get(url, {"start": "115/11/30", "venue": centre.pk}).content.decode()
        bad = client.get(url, {"start": "115/13/40"})
    assert reverse("legal:sheet", args=[later.pk]) not in default
    assert reverse("legal:sheet", args=[later.pk]) in chosen
    assert reverse("legal:sheet", args=[fengshan.pk]) not in chosen
    assert bad.status_code == 400
    assert "請輸入正確的日期，例如 115/11/26（民國年）或 2026-11-26。" in bad.content.decode()
