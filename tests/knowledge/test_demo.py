"""The demo knowledge base: written and approved through the services by the
agencies' own staff; bulk articles for scale are searchable at once."""

import pytest

from yankao.demo.staff import agency_staff_create, staff_create
from yankao.knowledge.demo import articles_seed, bulk_articles_seed
from yankao.knowledge.models import Article, ArticleStatus
from yankao.knowledge.selectors import article_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_staff(db):
    staff_create(demo_passwords=False)
    agency_staff_create(demo_passwords=False)


def test_about_150_articles_each_owned_by_the_agency_that_knows_the_matter(demo_staff):
    made = articles_seed()
    assert 130 <= made <= 170
    lamp = Article.objects.get(question="路燈不亮要怎麼報修？")
    assert lamp.owner.key == "pw-maintenance" and lamp.status == ArticleStatus.PUBLISHED
    assert lamp.versions.filter(approved_at__isnull=True).count() == 1  # v2 awaits approval
    assert Article.objects.filter(owner__key="district-meinong").count() == 2


def test_seeding_twice_adds_nothing(demo_staff):
    articles_seed()
    assert articles_seed() == 0


def test_the_demo_answers_the_common_questions(demo_staff):
    from yankao.accounts.models import User

    articles_seed()
    agent = User.objects.get(username="agent")
    for query in [
        "路燈",
        "坑洞",
        "停車",
        "垃圾車",
        "噪音",
        "流浪狗",
        "停水",
        "房屋稅",
        "戶籍",
        "1999",
    ]:
        assert article_search(query, user=agent), query
    assert article_search("109年", user=agent)
    # The 109 school year's article has expired.
    assert not article_search("109學年度", user=agent)
    assert article_search("109學年度", user=agent, include_expired=True)


def test_bulk_articles_are_published_and_searchable(demo_staff):
    from yankao.accounts.models import User

    assert bulk_articles_seed(count=40, seed=3) == 40
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED).count() == 40
    assert article_search("第17則", user=User.objects.get(username="agent"))
