"""A citizen books a free legal consultation in a real browser, in the zh-Hant
interface: venue → day → a free time and their details → the booking number and
private code; then looks the booking up and cancels it. The desk's day sheet shows
the booking masked. Accessibility checks on every page of the way."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.pages import City, dangling_idrefs, sign_in, unnamed_controls
from tests.legal import factories
from yankao.calendar.services import next_working_day
from yankao.core import clock
from yankao.core.taipei import to_taipei
from yankao.legal.models import Booking, BookingStatus, Venue
from yankao.legal.services import venues_load

pytestmark = pytest.mark.browser

NAME = "林美玲"
PHONE = "0912-345-678"
QUESTION = "公司積欠兩個月薪資後歇業，要如何申請墊償？"
EMAIL = "mei.lin@example.org"


def _accessible(page: Page) -> None:
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    expect(page.locator("h1")).to_have_count(1)
    assert unnamed_controls(page) == []
    assert dangling_idrefs(page) == []


@pytest.fixture
def session(city: City):
    """A session on the first working day more than two days ahead, so the citizen may
    still cancel it on the web (the live server reads the real clock)."""
    venues_load()
    day = next_working_day(to_taipei(clock.now()).date() + timedelta(days=2))
    return factories.session(
        Venue.objects.get(key="fengshan"), day=day, starts=time(14), ends=time(16)
    )


def test_a_citizen_books_looks_up_and_cancels(page: Page, city: City, session, live_server):
    page.goto(reverse("legal:venues"))
    expect(page.locator("h1")).to_have_text("免費法律諮詢")
    _accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="鳳山區公所").click()
    _accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^預約 ")).click()
    expect(page.locator("h1")).to_have_text("預約法律諮詢")
    _accessible(page)

    # Submitting empty explains every missing field, tied to its field.
    with page.expect_navigation():
        page.get_by_role("button", name="預約這個時段").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    phone = page.get_by_role("textbox", name=re.compile("^您的電話"))
    expect(phone).to_have_attribute("aria-invalid", "true")
    described = phone.get_attribute("aria-describedby") or ""
    assert "id_phone_error" in described.split()
    _accessible(page)

    page.get_by_label("14:30–15:00").check()
    for label, text in [("您的姓名", NAME), ("您的電話", PHONE), ("問題摘要", QUESTION)]:
        page.get_by_role("textbox", name=re.compile(f"^{label}")).fill(text)
    page.get_by_label("勞資").check()
    page.get_by_label(re.compile("我同意")).focus()
    page.keyboard.press("Space")
    page.get_by_role("textbox", name=re.compile("^您的電子郵件")).fill(EMAIL)
    with page.expect_navigation():
        page.get_by_role("button", name="預約這個時段").click()

    # The booking waits for the code sent to the e-mail address (ADR 0022).
    expect(page.locator("h1")).to_have_text("請確認您的預約")
    number = page.locator(".booking-ticket .number").nth(0).inner_text().strip()
    code = page.locator(".booking-ticket .number").nth(1).inner_text().strip()
    assert re.fullmatch(r"L\d{7}-\d{6}", number) and re.fullmatch(r"[A-Z2-9]{8}", code)
    booking = Booking.objects.get(number=number)
    assert (booking.slot, booking.topic, booking.citizen_name) == (1, "labour", NAME)
    _accessible(page)
    # The code as the citizen reads it: the e-mail was sent (the outbox keeps it sealed).
    [mail] = [m for m in django_mail.outbox if number in m.subject]
    sent = re.search(r"確認碼：(\d{6})", mail.body)
    assert sent is not None
    page.get_by_role("textbox", name=re.compile("^確認碼")).fill(sent[1])
    with page.expect_navigation():
        page.get_by_role("button", name="確認預約").click()
    expect(page.locator("h1")).to_have_text("您的諮詢已預約成功")
    assert Booking.objects.get(number=number).status == BookingStatus.BOOKED
    _accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="查詢或取消預約").click()
    page.get_by_label("預約編號").fill(number)
    page.get_by_label("預約密碼").fill(code.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="查詢").click()
    expect(page.locator("#booking-h")).to_have_text(f"預約 {number}")
    expect(page.locator("main")).not_to_contain_text(NAME)
    _accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="取消我的預約").click()
    expect(page.get_by_role("status").first).to_contain_text("您的預約已取消")
    assert Booking.objects.get(number=number).status == BookingStatus.CANCELLED


def test_the_day_sheet_shows_the_booking_masked(page: Page, city: City, session, live_server):
    booked = factories.booking(session, 0, at=clock.now() - timedelta(minutes=1))
    sign_in(page, city.staff.amy, live_server.url)
    page.goto(reverse("legal:sheet", args=[session.pk]))
    row = page.locator("table.day-sheet tbody tr", has_text=booked.booking.number)
    expect(row).to_contain_text("林○玲")
    expect(page.locator("main")).not_to_contain_text("林美玲")
    _accessible(page)
