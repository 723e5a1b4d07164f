"""Writing and approving articles: draft → approve → published, each later version
approved in turn while the earlier ones stay; who may do what."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from tests.knowledge.conftest import fields
from yankao.knowledge import services
from yankao.knowledge.models import ArticleStatus, ArticleVersion
from yankao.knowledge.selectors import article_search, review_due
from yankao.knowledge.services import KnowledgeError

pytestmark = pytest.mark.django_db


def new_draft(staff, question="路燈故障報修", answer="請提供路燈桿號。"):
    return services.article_create(
        by=staff.hank, owner=staff.hank.agency, fields=fields(question, answer), change_note="新寫"
    )


def test_a_new_article_is_a_draft_with_a_pending_first_version(staff):
    article = new_draft(staff)
    assert article.status == ArticleStatus.DRAFT and article.version == 0
    (version,) = article.versions.all()
    assert version.number == 1 and version.is_pending and version.author == staff.hank


def test_approval_publishes_and_a_second_version_keeps_the_first(staff):
    article = new_draft(staff)
    services.article_approve(article=article, by=staff.sue)
    services.article_draft_save(
        article=article,
        by=staff.hank,
        fields=fields("路燈故障報修", "請提供路燈桿號，三日內修復。"),
        change_note="加上修復期限",
    )
    article.refresh_from_db()
    # Until approved, agents still read version 1.
    assert article.version == 1 and article.answer == "請提供路燈桿號。"
    assert article_search("三日內", user=staff.amy) == []
    services.article_approve(article=article, by=staff.sue)
    article.refresh_from_db()
    assert article.version == 2 and article.status == ArticleStatus.PUBLISHED
    assert article.answer == "請提供路燈桿號，三日內修復。"
    first, second = ArticleVersion.objects.filter(article=article).order_by("number")
    assert first.answer == "請提供路燈桿號。" and first.approved_by == staff.sue
    assert second.change_note == "加上修復期限" and second.approved_at is not None
    assert [h.article_id for h in article_search("三日內", user=staff.amy)] == [article.pk]


def test_writing_again_replaces_the_pending_version(staff):
    article = new_draft(staff)
    services.article_draft_save(article=article, by=staff.hank, fields=fields("新問題", "新答案"))
    assert article.versions.count() == 1
    article.refresh_from_db()
    assert article.question == "新問題"


def test_a_handler_cannot_approve(staff):
    article = new_draft(staff)
    with pytest.raises(PermissionDenied):
        services.article_approve(article=article, by=staff.hank)


def test_another_agencys_supervisor_cannot_approve(staff):
    from yankao.accounts.roles import Role

    other = factories.user("sam", Role.SUPERVISOR, "district-fengshan")
    article = new_draft(staff)
    with pytest.raises(PermissionDenied):
        services.article_approve(article=article, by=other)


def test_agencies_edit_only_their_own_articles(staff):
    article = new_draft(staff)
    with pytest.raises(PermissionDenied):
        services.article_draft_save(article=article, by=staff.dora, fields=fields("問", "答"))
    with pytest.raises(PermissionDenied):
        services.article_create(by=staff.dora, owner=staff.hank.agency, fields=fields("問", "答"))


def test_agents_and_the_mayors_office_cannot_write(staff):
    for user in (staff.amy, staff.mia):
        with pytest.raises(PermissionDenied):
            services.article_create(by=user, owner=staff.hank.agency, fields=fields("問", "答"))


def test_approving_without_a_pending_version_is_refused(staff):
    article = new_draft(staff)
    services.article_approve(article=article, by=staff.sue)
    with pytest.raises(KnowledgeError):
        services.article_approve(article=article, by=staff.sue)


def test_archiving_removes_the_article_from_search(staff):
    article = new_draft(staff)
    services.article_approve(article=article, by=staff.sue)
    assert article_search("路燈", user=staff.amy)
    services.article_archive(article=article, by=staff.sue)
    assert article_search("路燈", user=staff.amy) == []
    with pytest.raises(PermissionDenied):
        services.article_draft_save(article=article, by=staff.hank, fields=fields("問", "答"))


def test_a_question_and_an_answer_are_required(staff):
    with pytest.raises(KnowledgeError):
        services.article_create(by=staff.hank, owner=staff.hank.agency, fields=fields(" ", "答"))


def test_the_review_list_holds_articles_due_within_30_days_or_expired(staff):
    from tests.knowledge.conftest import published

    today = date(2026, 11, 26)
    due = published("噪音管制", "依噪音管制法。", staff=staff, review_on=date(2026, 12, 10))
    published("停車費", "每小時20元。", staff=staff, review_on=date(2027, 6, 1))
    gone = published("舊公告", "已過期。", staff=staff, valid_until=date(2026, 1, 1))
    other = published(
        "戶籍", "臨櫃申請。", staff=staff, owner="district-fengshan", review_on=date(2026, 12, 1)
    )
    listed = list(review_due(staff.hank, today=today))
    assert set(listed) == {due, gone}
    assert other not in list(review_due(staff.sue, today=today))


def test_reindex_keeps_only_published_articles(staff):
    from yankao.search.models import SearchDocument
    from yankao.search.services import reindex

    draft = new_draft(staff, question="草稿問題")
    live = new_draft(staff, question="已發布問題")
    services.article_approve(article=live, by=staff.sue)
    SearchDocument.objects.filter(source="article").delete()
    result = reindex(source="article")
    assert result.indexed == 1
    assert list(SearchDocument.objects.values_list("object_id", flat=True)) == [live.pk]
    assert draft.pk != live.pk
