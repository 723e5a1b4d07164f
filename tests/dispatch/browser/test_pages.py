"""The dispatch pages in Chromium: every control named, one h1, no dangling
references, in zh-Hant; a dispatcher registers a ticket with the keyboard alone and
without touching the map."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    HAN,
    City,
    dangling_idrefs,
    open_all_details,
    sign_in,
    unnamed_controls,
)
from tests.dispatch import factories
from yankao.core import clock
from yankao.dispatch.models import Ticket
from yankao.dispatch.services import dispatch_reference_load

pytestmark = pytest.mark.browser


@pytest.fixture
def ticket(city: City) -> Ticket:
    # The live server's database is flushed between tests: the classes come back here.
    dispatch_reference_load()
    return factories.ticket(received_at=clock.now())


def check_page(page: Page) -> None:
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("img:not([alt])")).to_have_count(0)
    open_all_details(page)
    assert unnamed_controls(page) == []
    assert dangling_idrefs(page) == []
    assert all(HAN.search(text) for text in page.locator("h1, h2").all_inner_texts())


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("amy", "dispatch:list"),
        ("amy", "dispatch:new"),
        ("amy", "dispatch:map"),
        ("holly", "dispatch:ticket"),
        ("connie", "dispatch:statistics"),
    ],
)
def test_dispatch_pages_name_their_controls(
    page: Page, city: City, ticket: Ticket, live_server, who: str, url: str
) -> None:
    sign_in(page, getattr(city.staff, who), live_server.url)
    args = [ticket.pk] if url == "dispatch:ticket" else []
    response = page.goto(reverse(url, args=args))
    assert response is not None and response.status == 200
    check_page(page)


def test_a_dispatcher_registers_a_ticket_by_keyboard(
    page: Page, city: City, ticket: Ticket, live_server
) -> None:
    sign_in(page, city.staff.amy, live_server.url)
    page.goto(reverse("dispatch:new") + "?phone=0912345678&district=鳳山區")
    page.get_by_label("派工類別").focus()
    page.keyboard.press("ArrowDown")  # the first class: 101 路面坑洞
    page.keyboard.press("Tab")
    page.keyboard.type("機車道大坑洞")
    page.get_by_label("地址或地標").focus()
    page.keyboard.type("光復路二段 120 號前")
    page.keyboard.press("Tab")
    page.keyboard.type("22.6265")
    page.keyboard.press("Tab")
    page.keyboard.type("120.3578")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("路面坑洞")
    created = Ticket.objects.exclude(pk=ticket.pk).get()
    assert created.reporter_phone == "0912345678"
    assert created.district is not None and created.district.key == "fengshan"
    assert page.url.endswith(reverse("dispatch:ticket", args=[created.pk]))
