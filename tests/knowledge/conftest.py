"""Articles written and approved through the real services."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories
from yankao.knowledge import services
from yankao.knowledge.models import Article, Category
from yankao.knowledge.services import ArticleFields


def fields(question: str, answer: str, *, category: str = "roads", **extra) -> ArticleFields:
    return ArticleFields(
        question=question, answer=answer, category=Category.objects.get(key=category), **extra
    )


def published(
    question: str,
    answer: str,
    *,
    staff,
    owner: str = "public-works",
    valid_until: date | None = None,
    review_on: date | None = None,
    keywords: str = "",
    category: str = "roads",
) -> Article:
    """An article written by hank (or the owner's handler) and approved by sue."""
    writer = staff.hank if owner == "public-works" else staff.dora
    approver = staff.sue if owner == "public-works" else None
    article = services.article_create(
        by=writer,
        owner=factories.agency(owner),
        fields=fields(
            question,
            answer,
            category=category,
            valid_until=valid_until,
            review_on=review_on,
            keywords=keywords,
        ),
    )
    if approver is None:
        from yankao.accounts.roles import Role

        approver = factories.user(f"sup-{owner}", Role.SUPERVISOR, owner)
    return services.article_approve(article=article, by=approver)


@pytest.fixture
def kb(staff):
    """A few published articles of Public Works and of the Fengshan district office."""
    return {
        "lamp": published(
            "路燈不亮怎麼報修？",
            "請撥打1999或上網通報，提供路燈桿號，養工處於三日內修復。",
            staff=staff,
            keywords="路燈故障 燈桿",
        ),
        "hole": published(
            "路面坑洞多久修補？", "工務局接獲通報後4小時內派員修補坑洞。", staff=staff
        ),
        "household": published(
            "戶籍謄本去哪裡申請？",
            "可至任一戶政事務所或區公所臨櫃申請戶籍謄本。",
            staff=staff,
            owner="district-fengshan",
        ),
    }
