"""An accessibility smoke check of the staff pages, as Chromium exposes them to
assistive technology, in both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, Response, expect

from tests.browser.pages import (
    HAN,
    City,
    dangling_idrefs,
    focus_matches,
    focused,
    open_all_details,
    sign_in,
    unnamed_controls,
)
from yankao.accounts.models import User

pytestmark = pytest.mark.browser


def check_page(page: Page, lang: str) -> None:
    """What every page must give assistive technology."""
    assert page.locator("html").get_attribute("lang") == lang
    assert page.title().strip()
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).not_to_be_empty()
    expect(page.locator("img:not([alt])")).to_have_count(0)
    expect(page.locator("main#main")).to_have_count(1)
    open_all_details(page)
    assert unnamed_controls(page) == []
    assert dangling_idrefs(page) == []


def login_url(city: City) -> str:
    return reverse("accounts:login")


def worklist_url(city: City) -> str:
    return reverse("home")


def item_url(city: City) -> str:
    return reverse("tracking:item", args=[city.fresh.pk])


def account_url(city: City) -> str:
    return reverse("accounts:account")


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [(login_url, False), (worklist_url, True), (item_url, True), (account_url, True)],
    ids=["login", "worklist", "item", "account"],
)
def test_a_page_names_its_controls_and_has_one_h1_in_chinese(
    page: Page,
    city: City,
    request: pytest.FixtureRequest,
    url: Callable[[City], str],
    signed_in: bool,
) -> None:
    if signed_in:
        request.getfixturevalue("hank")
    page.goto(url(city))
    check_page(page, "zh-Hant-TW")
    headings = page.locator("h1, h2").all_inner_texts()
    assert all(HAN.search(text) for text in headings), headings


def test_the_language_switch_renders_english_and_back(page: Page, city: City, hank: User) -> None:
    page.goto(reverse("tracking:item", args=[city.fresh.pk]))
    expect(page.get_by_role("heading", name="辦理歷程")).to_be_visible()

    english = page.get_by_role("button", name="English")
    assert english.get_attribute("lang") == "en"  # read out in English by a screen reader
    with page.expect_navigation():
        english.click()
    assert page.url.endswith(reverse("tracking:item", args=[city.fresh.pk]))  # same page
    check_page(page, "en")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Awaiting acceptance")
    expect(page.locator("summary", has_text="Accept")).to_have_count(1)

    page.goto(reverse("home"))  # the choice is kept
    expect(page.locator("h1")).to_have_text("Worklist")
    check_page(page, "en")

    chinese = page.get_by_role("button", name="繁體中文")
    assert chinese.get_attribute("lang") == "zh-Hant-TW"
    with page.expect_navigation():
        chinese.click()
    expect(page.locator("h1")).to_have_text("待辦案件")
    check_page(page, "zh-Hant-TW")


def test_the_stylesheet_loads_and_hides_the_skip_link_until_focused(
    page: Page, city: City, hank: User
) -> None:
    failed: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", record)
    page.goto(reverse("home"))
    assert failed == []
    header = page.locator(".site-header")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(0, 87, 156)"

    skip = page.locator("a.skip-link")
    box = skip.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0, f"visible before focus: {box}"
    page.keyboard.press("Tab")
    assert focus_matches(page, "a.skip-link"), focused(page)
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, f"not on screen when focused: {box}"
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"  # focus shows


def test_the_checks_find_what_they_look_for(browser: Browser) -> None:
    """The smoke check above passes on the real pages; here it must fail on a page
    built to break each rule, or its passing would prove nothing."""
    tab = browser.new_page()
    try:
        tab.set_content(
            """<html lang="zh-Hant-TW"><body><main id="main">
            <input type="text" aria-describedby="nowhere">
            <label for="missing">名稱</label>
            <button></button>
            <details><summary></summary><select></select></details>
            <input type="text" id="named"><label for="named">有名字</label>
            </main></body></html>"""
        )
        open_all_details(tab)
        roles = sorted(line.split(":")[0] for line in unnamed_controls(tab))
        assert roles == ["DisclosureTriangle", "button", "combobox", "textbox"]
        assert [ref.split(" -> ")[1] for ref in dangling_idrefs(tab)] == ["#nowhere", "#missing"]
    finally:
        tab.close()


def test_a_supervisors_radio_group_is_named(page: Page, city: City, live_server) -> None:
    from yankao.tracking import services

    services.extension_request(item=city.fresh, by=city.staff.hank, reason="需要會勘", amount=3)
    sign_in(page, city.staff.sue, live_server.url)
    page.goto(reverse("tracking:item", args=[city.fresh.pk]))
    open_all_details(page)
    radios = page.locator("input[type=radio]")
    expect(radios).to_have_count(2)  # approve, reject
    # Each radio is named by its own label, and the group by a fieldset's legend.
    assert unnamed_controls(page) == []
    groups = radios.evaluate_all(
        """els => els.map(el => {
          const fieldset = el.closest("fieldset");
          const legend = fieldset && fieldset.querySelector(":scope > legend");
          return legend ? legend.textContent.trim() : "";
        })"""
    )
    assert all(groups), groups
    expect(page.locator('label[for=""]')).to_have_count(0)


def test_the_paused_sign_in_page_names_its_controls(page: Page, city: City) -> None:
    page.goto(reverse("accounts:login"))
    for _ in range(5):
        page.locator("#id_username").fill("hank")
        page.locator("#id_password").fill("wrong-password")
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("暫停登入")
    expect(page.get_by_role("alert")).to_contain_text("無法自此位址僅以密碼登入")
    expect(page.get_by_label("驗證碼或備用碼")).to_be_visible()
    check_page(page, "zh-Hant-TW")


def test_setting_up_two_step_verification_shows_a_named_qr_code(
    page: Page, city: City, hank: User
) -> None:
    page.goto(reverse("accounts:account"))
    with page.expect_navigation():
        page.get_by_role("button", name="設定兩步驟驗證").click()
    expect(page.locator("h1")).to_have_text("設定兩步驟驗證")
    qr = page.get_by_role("img", name="您的驗證器金鑰 QR Code")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0  # the data: image loaded under the CSP
    expect(page.get_by_label("驗證碼或備用碼")).to_be_visible()
    check_page(page, "zh-Hant-TW")
