"""The citizen's pages: choose a venue, a day, a free slot; see and cancel the booking.
Bad input gets a clear message in zh-Hant, never a 500."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import taipei
from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import Booking, BookingStatus, Session
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(monday_morning):
    return factories.NOW


@pytest.fixture
def session(centre):
    return factories.session(centre)


def _form(**changes):
    data = {
        "slot": "1",
        "name": "林美玲",
        "phone": "0912-345-678",
        "email": "mei@example.org",
        "topic": "labour",
        "question": "公司積欠薪資，該怎麼辦？",
        "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_venues_page_lists_the_four_venues_with_their_next_free_day(client, venues, session):
    page = client.get(reverse("legal:venues")).content.decode()
    for name in ("研考會聯合服務中心", "鳳山區公所", "岡山區公所", "旗山區公所"):
        assert name in page
    assert "最近可預約日：民國 115 年 11 月 10 日" in page


def test_a_venue_lists_its_days_with_free_slots(client, centre, session):
    page = client.get(reverse("legal:venue", args=[centre.key])).content.decode()
    assert reverse("legal:book", args=[session.pk]) in page
    assert "民國 115 年 11 月 10 日" in page


def test_a_citizen_books_a_slot_and_sees_the_number_and_code_once(client, session):
    response = client.post(reverse("legal:book", args=[session.pk]), _form())
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    booking = Booking.objects.get()
    page = response.content.decode()
    assert booking.number in page
    assert re.search(r'class="number">[A-Z2-9]{8}<', page)
    assert booking.slot == 1 and booking.channel == "web" and booking.booked_by is None
    # It waits for the code sent to the e-mail address, which the page names masked.
    assert booking.status == BookingStatus.PENDING
    assert "請確認您的預約" in page and "m○○○@example.org" in page
    assert "09:20" in page


def _sent_code(booking: Booking) -> str:
    """The confirmation code as the citizen reads it in the e-mail."""
    message = OutboxMessage.objects.get(dedupe_key=f"legal-booking-{booking.pk}-confirm-code")
    found = re.search(r"確認碼：(\d{6})", message_body(message))
    assert found, message.body
    return found[1]


def _private_code(page: str) -> str:
    return re.findall(r'class="number">([A-Z2-9]{8})<', page)[0]


def test_the_page_never_shows_the_confirmation_code(client, session):
    page = client.post(reverse("legal:book", args=[session.pk]), _form()).content.decode()
    assert _sent_code(Booking.objects.get()) not in page


def test_the_citizen_confirms_with_the_code_sent_by_e_mail(client, session):
    page = client.post(reverse("legal:book", args=[session.pk]), _form()).content.decode()
    booking = Booking.objects.get()
    data = {"number": booking.number, "code": _private_code(page)}
    response = client.post(reverse("legal:confirm"), {**data, "confirmation": _sent_code(booking)})
    assert response.status_code == 200
    assert "您的諮詢已預約成功" in response.content.decode()
    assert factories.refresh(booking).status == BookingStatus.BOOKED


def test_a_wrong_confirmation_code_is_explained_and_counted(client, session):
    page = client.post(reverse("legal:book", args=[session.pk]), _form()).content.decode()
    booking = Booking.objects.get()
    wrong = "000000" if _sent_code(booking) != "000000" else "111111"
    data = {"number": booking.number, "code": _private_code(page), "confirmation": wrong}
    response = client.post(reverse("legal:confirm"), data)
    assert response.status_code == 400
    assert "這不是我們寄出的確認碼" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    booking = factories.refresh(booking)
    assert (booking.status, booking.confirm_attempts) == (BookingStatus.PENDING, 1)


def test_without_the_private_code_no_confirmation_code_can_be_tried(client, session):
    client.post(reverse("legal:book", args=[session.pk]), _form())
    booking = Booking.objects.get()
    data = {"number": booking.number, "code": "AAAAAAAA", "confirmation": _sent_code(booking)}
    response = client.post(reverse("legal:confirm"), data)
    assert response.status_code == 400
    booking = factories.refresh(booking)
    assert (booking.status, booking.confirm_attempts) == (BookingStatus.PENDING, 0)


@pytest.mark.parametrize("confirmation", ["", "\x00", "9" * 30])
def test_a_bad_confirmation_field_is_answered_never_a_500(client, session, confirmation):
    page = client.post(reverse("legal:book", args=[session.pk]), _form()).content.decode()
    booking = Booking.objects.get()
    data = {"number": booking.number, "code": _private_code(page), "confirmation": confirmation}
    response = client.post(reverse("legal:confirm"), data)
    assert response.status_code == 400
    assert factories.refresh(booking).confirm_attempts == 0


def test_the_look_up_page_offers_to_confirm_a_waiting_booking(client, session):
    booked = factories.booking(session, confirm=False)
    page = client.post(
        reverse("legal:look-up"), {"number": booked.booking.number, "code": booked.code}
    ).content.decode()
    assert reverse("legal:confirm") in page and "確認碼" in page
    with clock.frozen(factories.NOW + timedelta(minutes=21)):
        late = client.post(
            reverse("legal:look-up"), {"number": booked.booking.number, "code": booked.code}
        ).content.decode()
    assert "未在時限內確認" in late and reverse("legal:confirm") not in late


def test_a_code_typed_too_late_is_refused_with_a_message(client, session):
    booked = factories.booking(session, confirm=False)
    data = {"number": booked.booking.number, "code": booked.code}
    with clock.frozen(factories.NOW + timedelta(minutes=21)):
        response = client.post(
            reverse("legal:confirm"), {**data, "confirmation": booked.confirmation}
        )
    assert response.status_code == 409
    assert "未在時限內確認" in response.content.decode()
    assert factories.refresh(booked.booking).status == BookingStatus.CANCELLED


def test_without_an_sms_gateway_the_page_asks_for_the_e_mail_address(client, session):
    page = client.get(reverse("legal:book", args=[session.pk])).content.decode()
    assert "預約確認碼會寄到這裡" in page
    response = client.post(reverse("legal:book", args=[session.pk]), _form(email=""))
    assert response.status_code == 400
    assert "請填寫您的電子郵件地址" in response.content.decode()
    assert not Booking.objects.exists()


def test_with_an_sms_gateway_the_e_mail_address_stays_optional(client, session, settings):
    settings.YANKAO_SMS_GATEWAY = "tests.legal.test_reminders.fake_gateway"
    response = client.post(reverse("legal:book", args=[session.pk]), _form(email=""))
    assert response.status_code == 201
    assert "09xx-xxx-678" in response.content.decode()  # where the code went, masked
    assert Booking.objects.get().confirm_via == "sms"


def test_one_address_booking_slot_after_slot_is_stopped_at_the_limit(client, centre, settings):
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    days = [factories.TUESDAY + timedelta(days=n) for n in range(4)]
    sessions = [factories.session(centre, day=day) for day in days]
    answers = []
    for n, target in enumerate(sessions):
        phone, email = f"0912-{n:03d}-{n * 37 % 1000:03d}", f"someone{n}@example.net"
        form = _form(slot="0", phone=phone, email=email)
        answers.append(client.post(reverse("legal:book", args=[target.pk]), form))
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert "網路連線" in answers[3].content.decode()
    assert Booking.objects.count() == 3
    other = client.post(
        reverse("legal:book", args=[sessions[3].pk]),
        _form(slot="0", phone="0955-000-111", email="x@example.net"),
        REMOTE_ADDR="198.51.100.20",
    )
    assert other.status_code == 201


def test_beyond_the_hours_codes_to_an_address_the_page_books_nothing(client, session, settings):
    settings.CONFIRMATIONS_PER_HOUR = 1
    factories.booking(session, 0, email="mei@example.org", confirm=False)
    response = client.post(reverse("legal:book", args=[session.pk]), _form())
    assert response.status_code == 429
    assert "一小時內收到的確認碼已達上限" in response.content.decode()
    assert Booking.objects.count() == 1  # a booking whose code cannot go could not be confirmed


def test_a_slot_taken_meanwhile_gets_a_clear_message(client, session):
    factories.booking(session, 1)
    response = client.post(reverse("legal:book", args=[session.pk]), _form())
    assert response.status_code == 400
    assert "這個時段已經沒有空位，請改選其他時段。" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "abc"}, "請以數字填寫電話號碼，例如 0912-345-678 或 07-336-8333。"),
        ({"name": ""}, "請填寫您的姓名。"),
        ({"consent": None}, "請同意為預約目的使用您的個人資料。"),
        ({"topic": "tax"}, "請從列出的類別中選擇一項。"),
        ({"slot": "99"}, "這個時段已經沒有空位，請改選其他時段。"),
        ({"email": "not-an-address"}, "請輸入有效的電子郵件地址"),
        ({"email": ""}, "請填寫您的電子郵件地址：預約確認碼會寄到這裡。"),
    ],
)
def test_bad_input_is_answered_in_zh_hant_and_books_nothing(client, session, changes, message):
    response = client.post(reverse("legal:book", args=[session.pk]), _form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Booking.objects.exists()


def test_the_monthly_limit_is_explained_on_the_page(client, session, centre):
    factories.booking(
        factories.session(centre, day=factories.TUESDAY.replace(day=12)), phone="0912345678"
    )
    response = client.post(reverse("legal:book", args=[session.pk]), _form())
    assert response.status_code == 409
    assert "這支電話本月已有 1 筆預約，已達上限" in response.content.decode()


def test_an_unknown_session_is_a_404_page(client, venues):
    assert client.get(reverse("legal:book", args=[999999])).status_code == 404
    assert client.post(reverse("legal:book", args=[999999]), _form()).status_code == 404


def test_a_past_session_is_not_open(client, centre):
    past = factories.session(centre, day=factories.NOW.date().replace(day=1))
    assert client.get(reverse("legal:book", args=[past.pk])).status_code == 404


def test_an_unknown_venue_is_a_404_page(client, venues):
    assert client.get(reverse("legal:venue", args=["nowhere"])).status_code == 404


def test_a_robot_filling_the_trap_books_nothing(client, session):
    response = client.post(reverse("legal:book", args=[session.pk]), _form(website="http://spam"))
    assert response.status_code == 404
    assert not Booking.objects.exists()


def test_the_citizen_looks_up_and_cancels_with_number_and_code(client, session):
    booked = factories.booking(session)
    page = client.post(
        reverse("legal:look-up"), {"number": booked.booking.number, "code": booked.code.lower()}
    )
    assert page.status_code == 200
    assert "取消我的預約" in page.content.decode()
    assert "林美玲" not in page.content.decode()  # the look-up never shows personal data
    done = client.post(
        reverse("legal:cancel"), {"number": booked.booking.number, "code": booked.code}
    )
    assert done.status_code == 200
    assert "您的預約已取消" in done.content.decode()
    assert factories.refresh(booked.booking).status == BookingStatus.CANCELLED


def test_a_wrong_code_finds_nothing_and_cancels_nothing(client, session):
    booked = factories.booking(session)
    page = client.post(
        reverse("legal:look-up"), {"number": booked.booking.number, "code": "AAAAAAAA"}
    )
    assert "沒有符合這個預約編號與預約密碼的預約" in page.content.decode()
    response = client.post(reverse("legal:cancel"), {"number": booked.booking.number, "code": "X"})
    assert response.status_code == 400
    assert factories.refresh(booked.booking).status == BookingStatus.BOOKED


def test_after_the_cut_off_the_page_says_to_call(client, session):
    booked = factories.booking(session)
    with clock.frozen(taipei(2026, 11, 9, 15)):
        page = client.post(
            reverse("legal:look-up"), {"number": booked.booking.number, "code": booked.code}
        ).content.decode()
        response = client.post(
            reverse("legal:cancel"), {"number": booked.booking.number, "code": booked.code}
        )
    assert "已超過線上取消的期限" in page
    assert "取消我的預約" not in page
    assert response.status_code == 409
    assert factories.refresh(booked.booking).status == BookingStatus.BOOKED


def test_the_pages_cost_the_same_queries_for_one_session_or_many(client, centre, venues):
    def queries() -> tuple[int, ...]:
        counts = []
        for url in (
            reverse("legal:venues"),
            reverse("legal:venue", args=[centre.key]),
            "/api/v1/legal/sessions",
        ):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return tuple(counts)

    factories.session(centre)
    few = queries()
    for day in (11, 12, 13, 16, 17, 18, 19, 20):
        session = factories.session(centre, day=factories.TUESDAY.replace(day=day))
        factories.booking(session, phone=f"09{day:02d}-000-000")
    assert queries() == few


def test_two_lawyers_at_once_offer_their_times_together(client, centre, lawyers):
    first = factories.session(centre, lawyer=lawyers[0])
    second = Session.objects.create(
        venue=centre,
        date=first.date,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        desk=2,
        slot_minutes=first.slot_minutes,
        slot_count=first.slot_count,
        lawyer=lawyers[1],
        created_at=factories.NOW,
    )
    factories.booking(first, 1)  # 14:30 at desk 1
    days = client.get(reverse("legal:venue", args=[centre.key])).content.decode()
    assert days.count(reverse("legal:book", args=[first.pk])) == 1
    assert reverse("legal:book", args=[second.pk]) not in days
    response = client.post(reverse("legal:book", args=[first.pk]), _form(slot="1"))
    assert response.status_code == 201  # 14:30 is still free at desk 2
    assert Booking.objects.get(slot=1, session=second).citizen_name == "林美玲"
    again = client.post(reverse("legal:book", args=[first.pk]), _form(slot="1", phone="0922222222"))
    assert again.status_code == 400  # now taken at both desks


def test_one_address_posting_too_often_is_stopped(client, session, settings):
    url = reverse("legal:book", args=[session.pk])
    settings.PUBLIC_RATE = "5/m"
    answers = [client.post(url, _form(phone="x")) for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [400] * 5
    assert answers[5].status_code == 429
    assert answers[5]["Retry-After"] == "60"


def test_the_pages_speak_english_when_asked(client, centre, session):
    page = client.get(reverse("legal:venue", args=[centre.key]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Free legal consultation at" in page.content.decode()
    assert "2026-11-10" in page.content.decode()
