"""Whole calls in a real browser by keyboard only, in the zh-Hant interface: one
answered from the knowledge base, one that registers a petition."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    City,
    dangling_idrefs,
    focus_matches,
    focused,
    sign_in,
    tab_to,
    unnamed_controls,
)
from tests.knowledge.conftest import published
from yankao.hotline.models import Call, Outcome
from yankao.petitions.models import Petition

pytestmark = pytest.mark.browser


@pytest.fixture
def agent_city(city: City, page: Page, live_server) -> City:
    from yankao.knowledge.loading import category_rows
    from yankao.knowledge.models import Category
    from yankao.petitions.services import petition_reference_load

    # The live server's database is flushed after each test, data migrations and all.
    petition_reference_load()
    for row in category_rows():
        Category.objects.update_or_create(
            key=row["key"], defaults={"name": row["name"], "sort_order": int(row["sort_order"])}
        )
    published(
        "路燈不亮怎麼報修？",
        "請撥打1999或上網通報，提供路燈桿號，養工處於三日內修復。",
        staff=city.staff,
        keywords="路燈故障 燈桿",
    )
    sign_in(page, city.staff.amy, live_server.url)
    return city


def test_an_agent_answers_a_call_from_the_knowledge_base_by_keyboard(
    page: Page,
    agent_city: City,
) -> None:
    page.goto(reverse("hotline:console"))
    began = time.monotonic()
    expect(page.locator("h1")).to_have_text("1999 話務台")
    assert focus_matches(page, "#id_caller_number"), focused(page)

    page.keyboard.type("0912345678")
    tab_to(page, "#id_subject")
    page.keyboard.type("路燈不亮")
    tab_to(page, "#id_q")
    page.keyboard.type("路燈")
    page.keyboard.press("Enter")  # the first button of the form: search
    answer = page.locator("#kb-results button[name=article]")
    expect(answer).to_have_count(1)
    assert unnamed_controls(page) == []
    assert dangling_idrefs(page) == []
    tab_to(page, "#kb-results button[name=article]")
    page.keyboard.press("Enter")

    expect(page.locator(".call-recorded h2")).to_contain_text("知識庫")
    assert time.monotonic() - began < 60
    call = Call.objects.get()
    assert call.outcome == Outcome.KNOWLEDGE
    assert call.caller_number == "0912345678"
    assert call.agent == agent_city.staff.amy
    # The next call is open, with the focus back in the caller's number.
    assert focus_matches(page, "#id_caller_number"), focused(page)
    expect(page.locator("#id_caller_number")).to_have_value("")


def test_an_agent_registers_a_petition_from_a_call_by_keyboard(
    page: Page,
    agent_city: City,
) -> None:
    page.goto(reverse("hotline:console"))
    began = time.monotonic()
    page.keyboard.type("07-746-1234")
    tab_to(page, "#id_caller_name")
    page.keyboard.type("王大同")
    page.keyboard.press("Tab")
    assert focus_matches(page, "#id_subject"), focused(page)
    page.keyboard.type("人行道破損")
    page.keyboard.press("Tab")
    page.keyboard.type("光復路二段人行道地磚破損，行人易絆倒。")
    tab_to(page, "#id_category", limit=30)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert focus_matches(page, "button[value=petition]"), focused(page)
    page.keyboard.press("Enter")

    number = page.locator(".call-recorded .case-number")
    expect(number).to_be_visible()
    assert time.monotonic() - began < 60
    petition = Petition.objects.select_related("item").get()
    call = Call.objects.get()
    assert number.inner_text() == petition.item.number
    assert (call.outcome, call.item_id) == (Outcome.PETITION, petition.item.pk)
    assert petition.petitioner_phone == "07-746-1234"
    assert petition.subject == "人行道破損"


def test_an_agent_raises_a_ticket_with_its_map_point_by_keyboard(
    page: Page,
    agent_city: City,
) -> None:
    from yankao.dispatch.models import Ticket
    from yankao.dispatch.services import dispatch_reference_load

    dispatch_reference_load()  # the live server's database was flushed
    page.goto(reverse("hotline:console"))
    page.keyboard.type("0912-345-678")
    tab_to(page, "#id_subject")
    page.keyboard.type("路樹倒塌")
    page.keyboard.press("Tab")
    page.keyboard.type("中正一路上路樹倒塌擋住車道。")
    tab_to(page, "#id_ticket_class", limit=40)
    page.keyboard.press("ArrowDown")
    # The coordinates are typed; the map beside them is the pointer's way in.
    tab_to(page, "#id_latitude")
    page.keyboard.type("22.6273")
    page.keyboard.press("Tab")
    assert focus_matches(page, "#id_longitude"), focused(page)
    page.keyboard.type("120.3014")
    expect(page.locator("#ticket-map")).to_have_attribute("aria-label", re.compile("地圖"))
    assert unnamed_controls(page) == []
    assert dangling_idrefs(page) == []
    tab_to(page, "button[value=ticket]", limit=40)
    page.keyboard.press("Enter")

    number = page.locator(".call-recorded .case-number")
    expect(number).to_be_visible()
    ticket = Ticket.objects.select_related("item").get()
    assert number.inner_text() == ticket.item.number
    assert (str(ticket.latitude), str(ticket.longitude)) == ("22.627300", "120.301400")
    assert Call.objects.get().outcome == Outcome.TICKET


def test_the_call_list_and_statistics_are_named_and_keyboard_reachable(
    page: Page,
    city: City,
    live_server,
) -> None:
    from tests.hotline.factories import call
    from yankao.core import clock

    for minutes in (1, 2, 3):
        call(city.staff.amy, started_at=clock.now() - timedelta(minutes=minutes))
    sign_in(page, city.staff.connie, live_server.url)
    page.goto(reverse("hotline:calls"))
    expect(page.locator("table.calls tbody tr")).to_have_count(3)
    expect(page.locator("table.calls tbody")).to_contain_text("09xx-xxx-123")
    assert unnamed_controls(page) == []
    assert dangling_idrefs(page) == []
    tab_to(page, "a", text="話務統計", limit=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("1999 話務統計")
    expect(page.locator(".total-calls")).to_have_text("3")
    assert unnamed_controls(page) == []
    assert dangling_idrefs(page) == []
    headers = page.locator("table.hour-chart thead th").all_inner_texts()
    assert len(headers) == 3
