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


def _form(category, **overrides):
    data = {
        "owner": "",
        "category": category.pk,
        "question": "路邊停車怎麼繳費？",
        "answer": "可至超商繳納。",
        "keywords": "停車費",
        "valid_until": "116/12/31",
        "review_on": "",
        "change_note": "新寫",
    }
    data.update(overrides)
    return data


def test_write_approve_and_revise_through_the_pages(client, staff):
    from yankao.knowledge.models import Category

    category = Category.objects.get(key="traffic")
    client.force_login(staff.hank)
    response = client.post("/knowledge/new/", _form(category, owner=staff.hank.agency.pk))
    assert response.status_code == 302
    article = Article.objects.get(question="路邊停車怎麼繳費？")
    assert article.status == ArticleStatus.DRAFT
    assert str(article.valid_until) == "2027-12-31"
    # The handler may not approve.
    client.post(f"/knowledge/{article.pk}/approve/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    client.force_login(staff.sue)
    assert client.post(f"/knowledge/{article.pk}/approve/").status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.version == 1
    client.force_login(staff.hank)
    client.post(
        f"/knowledge/{article.pk}/edit/",
        _form(category, answer="可至超商或以行動支付繳納。", change_note="加行動支付"),
    )
    client.force_login(staff.sue)
    client.post(f"/knowledge/{article.pk}/approve/")
    html = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert '<ins><span class="visually-hidden">' in html and "以行動支付" in html
    assert "加行動支付" in html
    old = client.get(f"/knowledge/{article.pk}/", {"version": 1}).content.decode()
    assert "可至超商繳納。" in old


def test_form_errors_are_shown_by_their_fields(client, staff):
    from yankao.knowledge.models import Category

    client.force_login(staff.hank)
    response = client.post(
        "/knowledge/new/",
        _form(
            Category.objects.get(key="traffic"),
            owner=staff.hank.agency.pk,
            question="",
            valid_until="not a date",
            answer="x" * 10,
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_question_error"' in html and 'id="id_valid_until_error"' in html


def test_other_agencies_may_not_open_the_edit_form(client, kb, staff):
    client.force_login(staff.dora)
    assert client.get(f"/knowledge/{kb['lamp'].pk}/edit/").status_code == 403
    client.force_login(staff.amy)
    assert client.get("/knowledge/new/").status_code == 403


def test_a_handler_cannot_write_for_another_agency_by_posting_its_id(client, staff):
    from yankao.knowledge.models import Category

    client.force_login(staff.dora)
    response = client.post(
        "/knowledge/new/", _form(Category.objects.get(key="traffic"), owner=staff.hank.agency.pk)
    )
    assert response.status_code == 200  # the choice is refused as invalid
    assert not Article.objects.filter(question="路邊停車怎麼繳費？").exists()


def test_the_review_page_lists_due_articles(client, staff):
    from datetime import timedelta

    from django.utils import timezone

    from tests.knowledge.conftest import published

    published(
        "噪音管制", "依法處理。", staff=staff, review_on=timezone.localdate() + timedelta(days=3)
    )
    client.force_login(staff.hank)
    html = client.get("/knowledge/review/").content.decode()
    assert "噪音管制" in html


def test_a_field_with_an_error_points_at_its_message(client, staff):
    from yankao.knowledge.models import Category

    client.force_login(staff.hank)
    html = client.post(
        "/knowledge/new/",
        _form(Category.objects.get(key="traffic"), owner=staff.hank.agency.pk, valid_until="x"),
    ).content.decode()
    assert 'aria-describedby="id_valid_until_helptext id_valid_until_error"' in html


def test_pages_speak_traditional_chinese_by_default(client, kb, staff):
    client.force_login(staff.amy)
    html = client.get("/knowledge/", {"q": "路燈"}).content.decode()
    assert "搜尋知識庫" in html and "篇文章" in html
