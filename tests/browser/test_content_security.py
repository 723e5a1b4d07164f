"""Pages that load htmx keep to the Content Security Policy (no inline style of
htmx's own), and what htmx loads arrives. The `page` fixture fails any browser
test whose pages the policy had to refuse something on."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.petitions.factories import petition
from yankao.petitions.services import petition_reference_load
from yankao.tracking.models import TrackedItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_case_page_loads_similar_cases_through_htmx_within_the_policy(
    page: Page, hank, live_server
):
    petition_reference_load()  # a transactional test starts without categories
    case = petition().petition
    TrackedItem.objects.filter(pk=case.pk).update(owner_agency=hank.agency)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)

    partial = reverse("search:cases-partial")
    with page.expect_response(lambda r: partial in r.url and r.status == 200):
        page.goto(f"/petitions/{case.pk}/")

    # htmx replaced the plain link (the way without script) with the search's answer.
    similar = page.locator(".similar-cases div[hx-get]")
    expect(similar).not_to_contain_text("以本案主旨搜尋類似的過往案件")
    assert refused == []


def test_the_case_page_loads_its_possible_duplicates_through_htmx(page: Page, hank, live_server):
    petition_reference_load()
    lamp = {"code": "0103", "district_key": "fengshan", "subject": "光復路二段路燈不亮"}
    first = petition(**lamp, content="光復路二段120號前路燈已經三天不亮。").petition
    second = petition(
        **lamp, content="光復路二段122號前路燈已經三天不亮了。", petitioner_email="b@example.com"
    ).petition
    TrackedItem.objects.filter(pk__in=[first.pk, second.pk]).update(owner_agency=hank.agency)

    fragment = reverse("petitions:suggestions", args=[second.pk])
    with page.expect_response(lambda r: fragment in r.url and r.status == 200):
        page.goto(f"/petitions/{second.pk}/")

    suggestions = page.locator("section.suggestions")
    expect(suggestions.get_by_role("link", name=first.item.number)).to_be_visible()
    expect(suggestions.get_by_role("button", name=f"併入 {first.item.number}")).to_be_visible()
    expect(suggestions).not_to_contain_text("查詢與本案可能重複")  # the link was replaced
