"""The programme page's S-curve drawn by plotly.js, served from our own static
files, within the Content Security Policy (the `page` fixture fails the test on
anything the policy refused)."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.control import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_s_curve_is_drawn_within_the_content_security_policy(page: Page, hank, live_server):
    found = factories.programme(by=hank)
    for month, actual in ((1, 5), (2, 9), (3, 18)):
        factories.report(found, by=hank, month=date(2026, month, 1), actual=actual)
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(reverse("control:programme", args=[found.pk]))
    chart = page.locator("#s-curve")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart.locator(".scatterlayer .trace")).to_have_count(2)
    assert all(url.startswith(live_server.url) for url in scripts)
    assert any(url.endswith("/static/plotly/plotly.min.js") for url in scripts)
