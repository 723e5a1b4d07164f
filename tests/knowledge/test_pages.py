"""The knowledge pages: search and list, the article with its history, edit,
approve; permissions and bad input."""

import pytest
from django.urls import reverse

from yankao.knowledge.models import Article, ArticleStatus

pytestmark = pytest.mark.django_db


def test_article_url_name_takes_the_primary_key(kb):
    assert reverse("knowledge:article", args=[kb["lamp"].pk]) == f"/knowledge/{kb['lamp'].pk}/"


def test_the_search_page_focuses_the_query_box_and_lists_published_articles(client, kb, staff):
    client.force_login(staff.amy)
    response = client.get("/knowledge/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "autofocus" in html
    assert "路燈不亮怎麼報修？" in html and "戶籍謄本去哪裡申請？" in html


def test_the_search_page_shows_matches_with_the_words_marked(client, kb, staff):
    client.force_login(staff.amy)
    html = client.get("/knowledge/", {"q": "路燈"}).content.decode()
    assert "<mark>路燈</mark>" in html
    assert "戶籍謄本去哪裡申請？" not in html


@pytest.mark.parametrize("query", ['"', "NEAR(a", "x" * 10000, "路燈\x00", "*-:"])
def test_bad_queries_answer_a_page_not_an_error(client, kb, staff, query):
    client.force_login(staff.amy)
    assert client.get("/knowledge/", {"q": query}).status_code == 200


def test_htmx_requests_get_only_the_results(client, kb, staff):
    client.force_login(staff.amy)
    html = client.get("/knowledge/", {"q": "坑洞"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="kb-results">')
    assert "路面<mark>坑洞</mark>多久修補？" in html


def test_the_article_page_shows_the_answer_and_its_history(client, kb, staff):
    client.force_login(staff.amy)
    response = client.get(reverse("knowledge:article", args=[kb["lamp"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "養工處於三日內修復" in html
    assert "Sue" in html  # approved by


def test_signed_out_visitors_are_sent_to_sign_in(client, kb):
    response = client.get(reverse("knowledge:article", args=[kb["lamp"].pk]))
    assert response.status_code == 302


def test_other_agencies_drafts_are_not_found(client, staff):
    from tests.knowledge.conftest import fields
    from yankao.knowledge import services

    draft = services.article_create(
        by=staff.hank, owner=staff.hank.agency, fields=fields("草稿", "內容")
    )
    client.force_login(staff.dora)
    assert client.get(reverse("knowledge:article", args=[draft.pk])).status_code == 404
    client.force_login(staff.amy)
    assert client.get(reverse("knowledge:article", args=[draft.pk])).status_code == 404
    client.force_login(staff.hank)
    assert client.get(reverse("knowledge:article", args=[draft.pk])).status_code == 200
    assert Article.objects.get(pk=draft.pk).status == ArticleStatus.DRAFT
