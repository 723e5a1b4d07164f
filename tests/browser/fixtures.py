"""Fixtures of every browser test (registered for the whole suite by tests/conftest.py,
so the one Chromium is shared): Debian's Chromium driven by Playwright's sync API
against pytest-django's live server, with the real zh-Hant interface.

Chromium comes from the system (scripts/install-system-packages.sh); Playwright is
never asked to download a browser. Without /usr/bin/chromium the tests are skipped
on a developer's machine and fail in CI (CI is set), so CI cannot go green without
having run them.

The live server needs a transactional database, which is flushed after every test:
the agencies, districts and office calendar that the rest of the suite gets once
per database are loaded again here, for each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests import factories
from tests.browser.pages import PASSWORD, City, sign_in
from yankao.accounts.models import User
from yankao.core import clock

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # Tests have no network: every host but this machine's is unknown at once, so
    # a page asking another site (the map's tile server) is not held waiting.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
# Playwright waits this long at most for an element or a navigation: a broken page
# fails in seconds instead of the default 30.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: install it with `sudo bash scripts/install-system-packages.sh`"
        )
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI, but {reason}", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio loop running in this thread, and Django
    # then refuses ORM calls from it ("async context"). The tests stay synchronous,
    # so the check is lifted for as long as Playwright runs, and restored after.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def desktop(browser: Browser, base_url: str) -> BrowserContext:
    """A fresh browser profile, as a Taiwanese desktop browser: it asks for zh-TW,
    which the platform serves in zh-Hant."""
    context = browser.new_context(
        base_url=base_url,
        locale="zh-TW",
        timezone_id="Asia/Taipei",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh browser profile per test (`desktop`)."""
    context = desktop(browser, live_server.url)
    tab = context.new_page()
    # Every page of every browser test must live within the Content Security Policy:
    # a refused inline style or script is a broken feature for a real user.
    refused: list[str] = []
    tab.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    context.close()
    assert not refused, f"The page broke its Content Security Policy: {refused}"


@pytest.fixture
def city(transactional_db) -> City:
    """The city's agencies, districts and calendar, the named staff (hank can sign in
    with PASSWORD) and two open items of Public Works: one overdue, one not."""
    from yankao.calendar.services import calendar_load_shipped, invalidate_cache
    from yankao.organisation.services import city_load

    city_load()
    calendar_load_shipped()
    invalidate_cache()
    staff = factories.Staff.create()
    staff.hank.set_password(PASSWORD)
    staff.hank.save(update_fields=["password"])
    # The live server reads the real clock (the frozen one is per thread), so the
    # items are placed around the real now.
    now = clock.now()
    overdue = factories.item(received_at=now - timedelta(days=30), time_limit=1)
    fresh = factories.item(received_at=now, time_limit=20)
    return City(staff=staff, overdue=overdue, fresh=fresh)


@pytest.fixture
def hank(page: Page, city: City, live_server) -> User:
    """Hank, a Public Works handler, signed in in `page`."""
    sign_in(page, city.staff.hank, live_server.url)
    return city.staff.hank
