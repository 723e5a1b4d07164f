"""A handler's day in a real browser, by keyboard, in the zh-Hant interface."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.pages import HAN, PASSWORD, City, focus_matches, focused, tab_to
from yankao.accounts.models import User
from yankao.tracking.models import Action, Status

pytestmark = pytest.mark.browser


def test_a_handler_signs_in_by_keyboard_and_sees_the_worklist_in_chinese(
    page: Page, city: City, live_server
) -> None:
    page.goto(reverse("accounts:login"))
    expect(page.locator("h1")).to_have_text("員工登入")

    tab_to(page, "#id_username")
    page.keyboard.type("hank")
    page.keyboard.press("Tab")
    assert focus_matches(page, "#id_password"), focused(page)
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == live_server.url + reverse("home")
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    expect(page.locator("h1")).to_have_text("待辦案件")
    headers = page.locator("table.worklist thead th").all_inner_texts()
    assert len(headers) == 6
    assert all(HAN.search(text) for text in headers), headers

    overdue_row = page.locator("tr", has=page.get_by_role("link", name=city.overdue.number))
    fresh_row = page.locator("tr", has=page.get_by_role("link", name=city.fresh.number))
    expect(overdue_row).to_have_class("overdue")
    expect(overdue_row.locator(".overdue-badge")).to_have_text("逾期")
    expect(fresh_row).not_to_have_class("overdue")
    expect(fresh_row.locator(".overdue-badge")).to_have_count(0)
    numbers = page.locator("table.worklist tbody tr td:first-child").all_inner_texts()
    assert numbers == [city.overdue.number, city.fresh.number]  # soonest deadline first


def test_a_handler_accepts_an_item_by_keyboard_and_the_history_shows_it(
    page: Page, city: City, hank: User
) -> None:
    page.goto(reverse("tracking:item", args=[city.fresh.pk]))
    expect(page.locator(".facts")).to_contain_text("待簽收")
    accept = page.locator("details.action", has=page.locator("summary", has_text="簽收"))
    expect(accept).not_to_have_attribute("open", "")

    tab_to(page, "summary", text="簽收")
    page.keyboard.press("Enter")
    expect(accept).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    assert focus_matches(page, "details.action[open] button[type=submit]", "簽收"), focused(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_have_text("已完成：簽收。")
    expect(page.locator(".facts")).to_contain_text("辦理中")
    history = page.locator("section[aria-labelledby=history-h] ol.timeline li")
    expect(history.filter(has_text="已簽收")).to_have_count(1)
    expect(history.filter(has_text="已簽收")).to_contain_text(str(hank))
    # The accept action is gone now that the item is accepted.
    expect(page.locator("summary", has_text="簽收")).to_have_count(0)

    city.fresh.refresh_from_db()
    assert city.fresh.status == Status.IN_PROGRESS
    assert city.fresh.events.filter(action=Action.ACCEPT, actor=hank).count() == 1


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_main(
    page: Page, city: City, hank: User
) -> None:
    page.goto(reverse("home"))
    page.keyboard.press("Tab")
    assert focus_matches(page, "a.skip-link", "跳到主要內容"), focused(page)
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"not on screen: {box}"

    page.keyboard.press("Enter")
    assert focus_matches(page, "main#main"), focused(page)
    # The next Tab continues inside the main content, past the header's links.
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert inside, focused(page)


def test_a_screenshot_of_the_worklist_shows_the_page(
    page: Page, city: City, hank: User, tmp_path: Path
) -> None:
    page.goto(reverse("home"))
    expect(page.locator("h1")).to_have_text("待辦案件")
    path = tmp_path / "worklist.png"
    page.screenshot(path=str(path), full_page=True)

    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    # A blank 1280×800 page compresses to a few kB; text, a table and the header bar
    # take far more.
    assert len(data) > 20_000, len(data)
    # The Chinese heading is drawn with a real CJK font, not missing-glyph boxes.
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    h1 = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": h1})["fonts"]
    cdp.detach()
    assert fonts and all("CJK" in font["familyName"] for font in fonts), fonts
