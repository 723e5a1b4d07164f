"""A petition's whole journey in a real browser, in the zh-Hant interface: a citizen
writes to the mayor's mailbox and confirms by the e-mailed link, the responsible
agency accepts and replies (with a supervisor's approval where the agency asks for
one), and the citizen follows the case, reads the reply and rates it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.fixtures import desktop
from tests.browser.pages import City, sign_in
from tests.factories import agency
from yankao.accounts.models import User
from yankao.messaging.models import OutboxMessage
from yankao.petitions.models import Petition, PetitionRating
from yankao.tracking.models import Action, Status

pytestmark = pytest.mark.browser

NAME = "林美玲"
EMAIL = "mei.lin@example.org"
SUBJECT = "中華路路燈不亮"
CONTENT = "中華四路與五福三路口的路燈已經三個晚上不亮，行人過馬路很危險，請儘快修理。"
REPLY = "本處已於今日派員更換中華四路路燈燈具，經夜間測試已恢復照明。感謝您的通知。"
COMMENT = "修得很快，謝謝！"
CONFIRM_PATH = re.compile(r"https?://\S+?(/mailbox/confirm/[^/\s]+/)")


@pytest.fixture
def petitions(city: City) -> City:
    """The petition categories and routing: the flush after each live-server test
    removes what the suite's database setup loaded."""
    from yankao.petitions.services import petition_reference_load

    petition_reference_load()
    return city


@pytest.fixture
def staff_page(browser: Browser, live_server) -> Iterator[Page]:
    """A second browser, for the agency's staff: the citizen's browser never holds
    a staff session."""
    context = desktop(browser, live_server.url)
    tab = context.new_page()
    yield tab
    context.close()


def fact(page: Page, term: str) -> Locator:
    """The <dd> of a definition list's entry, by its <dt> text."""
    return page.locator(".facts > div", has=page.locator("dt", has_text=term)).locator("dd")


def action(page: Page, label: str) -> Locator:
    return page.locator("details.action", has=page.locator("summary", has_text=label))


def run_action(page: Page, label: str, **fields: str) -> None:
    """Open an action by its summary with the mouse, type into its fields, submit it."""
    details = action(page, label)
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    for name, text in fields.items():
        details.locator(f"[name$={name}]").click()
        page.keyboard.type(text)
    with page.expect_navigation():
        details.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".messages")).to_have_text(f"已完成：{label}。")


def citizen_writes_and_confirms(page: Page, live_server) -> tuple[str, str]:
    """Step 1: write to the mailbox, confirm by the e-mailed link; returns the case
    number and the verification code the page shows."""
    page.goto(reverse("mailbox:write"))
    expect(page.locator("h1")).to_have_text("市長信箱")

    # The mouse picks from the lists; the keyboard types the text.
    category = page.get_by_label("陳情類別")
    category.select_option(label="路燈")
    assert category.locator("option:checked").inner_text() == "路燈"
    assert category.locator("optgroup:has(option:checked)").get_attribute("label") == "工務"
    page.get_by_label("行政區").select_option(label="前金區")
    for label, text in [
        ("主旨", SUBJECT),
        ("陳情或建議事項", CONTENT),
        ("您的姓名", NAME),
    ]:
        page.get_by_label(label).click()
        page.keyboard.type(text)
    page.get_by_label("您的電子郵件").focus()
    page.keyboard.type(EMAIL)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form from its last text field

    assert page.url == live_server.url + reverse("mailbox:sent")
    expect(page.locator("h1")).to_have_text("請查看您的電子郵件")
    assert not Petition.objects.exists()  # nothing is registered before the link is opened

    # As the citizen gets it: the outbox keeps the link sealed only until it is sent.
    delivered = [m for m in mail.outbox if EMAIL in m.to]
    assert delivered, "the confirmation e-mail was not sent"
    text = delivered[-1].body
    assert SUBJECT not in text  # the confirmation quotes nothing the sender typed
    found = CONFIRM_PATH.search(text)
    assert found, text
    assert urlsplit(found.group(0)).path == found.group(1)

    page.goto(found.group(1))
    expect(page.locator("h1")).to_have_text("確認您的陳情")
    assert not Petition.objects.exists()  # opening the link registers nothing yet
    with page.expect_navigation():
        page.get_by_role("button", name="登錄我的陳情").click()

    expect(page.locator("h1")).to_have_text("您的陳情已登錄")
    expect(fact(page, "承辦機關")).to_have_text("高雄市政府工務局養護工程處")
    number = fact(page, "案號").inner_text().strip()
    code = fact(page, "驗證碼").inner_text().strip()
    assert re.fullmatch(r"\d{7}-\d{6}", number), number
    assert code, "no verification code shown"
    return number, code


def agency_replies(page: Page, holly: User, number: str, live_server) -> None:
    """Step 2: the Maintenance Office's handler finds the case, accepts and replies."""
    sign_in(page, holly, live_server.url)
    page.goto(reverse("home"))
    expect(page.locator("h1")).to_have_text("待辦案件")
    row = page.locator("table.worklist tbody tr", has=page.get_by_role("link", name=number))
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.get_by_role("link", name=number).click()

    expect(page.locator("#petition-h")).to_contain_text(number)
    expect(page.locator(".petition")).to_contain_text(SUBJECT)
    expect(page.locator(".petition")).to_contain_text(CONTENT)
    expect(page.locator(".petition")).to_contain_text("01 工務 / 0103 路燈")
    # The petitioner's personal data is masked for the handler.
    expect(page.locator(".petition")).to_contain_text("林○玲")
    expect(page.locator("main")).not_to_contain_text(NAME)
    expect(page.locator("main")).not_to_contain_text(EMAIL)
    expect(page.locator(".facts").first).to_contain_text("待簽收")

    run_action(page, "簽收")
    expect(page.locator(".facts").first).to_contain_text("辦理中")
    run_action(page, "回覆", reply=REPLY)


def supervisor_approves(page: Page, sue: User, petition_url: str, live_server) -> None:
    page.context.clear_cookies()
    sign_in(page, sue, live_server.url)
    page.goto(petition_url)
    expect(page.locator(".facts").first).to_contain_text("回覆待核定")
    run_action(page, "核定回覆並結案")


def citizen_follows_and_rates(page: Page, number: str, code: str) -> None:
    """Step 3: the public look-up shows the closed case and the reply, never the
    petitioner's personal data; the citizen rates it, once."""
    page.goto(reverse("mailbox:track"))
    expect(page.locator("h1")).to_have_text("查詢陳情辦理進度")
    page.get_by_role("textbox", name="案號").click()
    page.keyboard.type(number)
    page.keyboard.press("Tab")
    page.keyboard.type(code)
    with page.expect_navigation():
        page.get_by_role("button", name="查詢", exact=True).click()

    expect(page.locator("#case-h")).to_have_text(f"案號 {number}")
    expect(fact(page, "主旨")).to_have_text(SUBJECT)
    expect(fact(page, "陳情類別")).to_have_text("工務 / 路燈")
    expect(fact(page, "狀態")).to_have_text("已結案")
    expect(fact(page, "承辦機關")).to_have_text("高雄市政府工務局養護工程處")
    expect(page.locator(".reply")).to_have_text(REPLY)
    html = page.content()
    for personal in (NAME, EMAIL, "林○玲", "mei.lin"):
        assert personal not in html, f"the public page shows {personal!r}"

    rating = page.locator("section.rating")
    expect(rating.locator("h3")).to_have_text("為本案的處理評分")
    rating.get_by_label("5 — 非常滿意").check()
    rating.get_by_label("意見（可不填）").click()
    page.keyboard.type(COMMENT)
    with page.expect_navigation():
        rating.get_by_role("button", name="送出評分").click()

    expect(page.get_by_role("status")).to_have_text("感謝您為本案的處理評分。")
    expect(rating.locator("h3")).to_have_text("您的評分")
    expect(rating).to_contain_text("滿分 5 分，給 5 分")
    expect(rating).to_contain_text(COMMENT)
    expect(page.get_by_role("button", name="送出評分")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)

    # Looking the case up again shows the rating given, and no second form.
    page.get_by_role("textbox", name="案號").fill(number)
    page.get_by_role("textbox", name="驗證碼").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="查詢", exact=True).click()
    expect(fact(page, "狀態")).to_have_text("已結案")
    expect(page.locator("section.rating h3")).to_have_text("您的評分")
    expect(page.get_by_role("button", name="送出評分")).to_have_count(0)


@pytest.mark.parametrize("needs_approval", [False, True], ids=["direct", "approved"])
def test_a_citizen_writes_the_agency_replies_and_the_citizen_rates(
    page: Page, staff_page: Page, petitions: City, live_server, needs_approval: bool
) -> None:
    from yankao.petitions.services import agency_petition_settings_set

    if needs_approval:
        agency_petition_settings_set(agency=agency("pw-maintenance"), reply_needs_approval=True)
    staff = petitions.staff

    number, code = citizen_writes_and_confirms(page, live_server)
    petition = Petition.objects.select_related("item").get(item__number=number)
    assert petition.item.owner_agency.key == "pw-maintenance"
    assert petition.item.status == Status.ASSIGNED

    agency_replies(staff_page, staff.holly, number, live_server)
    if needs_approval:
        expect(staff_page.locator(".facts").first).to_contain_text("回覆待核定")
        supervisor_approves(staff_page, staff.sue, staff_page.url, live_server)
    expect(staff_page.locator(".facts").first).to_contain_text("已結案")

    citizen_follows_and_rates(page, number, code)

    petition.item.refresh_from_db()
    assert petition.item.status == Status.CLOSED
    closer = staff.sue if needs_approval else staff.holly
    assert petition.item.events.filter(action=Action.CLOSE, actor=closer).count() == 1
    rating = PetitionRating.objects.get(petition=petition)
    assert (rating.score, rating.comment) == (5, COMMENT)
    # The reply went to the citizen by e-mail too.
    reply_mail = [m for m in OutboxMessage.objects.all() if EMAIL in m.to and REPLY in m.body]
    assert len(reply_mail) == 1
