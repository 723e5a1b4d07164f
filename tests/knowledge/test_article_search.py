"""The search the 1999 console calls: published articles, best first, expired ones
left out, every staff member may use it."""

from datetime import date

import pytest

from tests.knowledge.conftest import fields, published
from yankao.knowledge import services
from yankao.knowledge.selectors import ArticleHit, article_search

pytestmark = pytest.mark.django_db


def test_agents_find_published_articles_of_every_agency(kb, staff):
    hits = article_search("路燈", user=staff.amy)
    assert [hit.article_id for hit in hits] == [kb["lamp"].pk]
    (hit,) = hits
    assert isinstance(hit, ArticleHit)
    assert hit.question == "路燈不亮怎麼報修？"
    assert "1999" in hit.answer_excerpt
    assert hit.agency_name == "高雄市政府工務局"
    assert hit.url == f"/knowledge/{kb['lamp'].pk}/"
    assert article_search("戶籍謄本", user=staff.amy)[0].article_id == kb["household"].pk


def test_keywords_are_searched(kb, staff):
    assert [h.article_id for h in article_search("燈桿", user=staff.amy)] == [kb["lamp"].pk]


def test_numbers_in_answers_are_found(kb, staff):
    assert [h.article_id for h in article_search("1999", user=staff.amy)] == [kb["lamp"].pk]
    assert [h.article_id for h in article_search("4小時", user=staff.amy)] == [kb["hole"].pk]


def test_drafts_are_never_found(staff):
    services.article_create(
        by=staff.hank,
        owner=staff.hank.agency,
        fields=fields("人孔蓋鬆動", "草稿內容"),
    )
    assert article_search("人孔蓋", user=staff.amy) == []
    assert article_search("人孔蓋", user=staff.hank) == []


def test_expired_articles_are_left_out_unless_asked_for(staff):
    old = published(
        "颱風停班停課公告", "依人事行政總處公告。", staff=staff, valid_until=date(2020, 1, 1)
    )
    assert article_search("颱風", user=staff.amy) == []
    (hit,) = article_search("颱風", user=staff.amy, include_expired=True)
    assert hit.article_id == old.pk and hit.expired


def test_limit_is_respected(staff):
    for n in range(12):
        published(f"停車問題{n}", "路邊停車收費說明。", staff=staff)
    assert len(article_search("停車", user=staff.amy)) == 8
    assert len(article_search("停車", user=staff.amy, limit=3)) == 3


@pytest.mark.parametrize("query", ["", " ", '"', "NEAR(", "路燈 OR", "*", "x" * 10000, "-:"])
def test_bad_queries_find_nothing_or_something_but_never_raise(kb, staff, query):
    assert isinstance(article_search(query, user=staff.amy), list)


def test_signed_out_users_find_nothing(kb):
    from django.contrib.auth.models import AnonymousUser

    assert article_search("路燈", user=AnonymousUser()) == []  # type: ignore[arg-type]
