"""The browser tests' fixtures (Chromium, a fresh page on the live server, the city),
shared from tests/browser."""

from tests.browser.conftest import browser, city, page  # noqa: F401
