"""Writes to the knowledge base. A handler or supervisor of the owning agency
writes a version; a supervisor of that agency approves it, which publishes it;
every approved version stays in the history. The search index follows in the same
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.core import clock
from yankao.knowledge import policy
from yankao.knowledge import search as article_source
from yankao.knowledge.models import Article, ArticleStatus, ArticleVersion, Category
from yankao.organisation.models import Agency
from yankao.search.services import document_index, document_remove


class KnowledgeError(Exception):
    """A move the rules do not allow, with a message for the user."""


@dataclass(frozen=True)
class ArticleFields:
    question: str
    answer: str
    category: Category
    keywords: str = ""
    valid_until: date | None = None
    review_on: date | None = None


def _check(fields: ArticleFields) -> None:
    if not fields.question.strip() or not fields.answer.strip():
        raise KnowledgeError(_("An article needs a question and an answer."))
    if fields.valid_until and fields.review_on and fields.review_on > fields.valid_until:
        raise KnowledgeError(_("The review date must not be after the article expires."))


def _copy(target: Article | ArticleVersion, fields: ArticleFields) -> None:
    target.question = fields.question.strip()
    target.answer = fields.answer.strip()
    target.category = fields.category
    target.keywords = fields.keywords.strip()
    target.valid_until = fields.valid_until
    target.review_on = fields.review_on


def _reindex(article: Article) -> None:
    document = article_source.document(article)
    if document is None:
        document_remove(source=article_source.KEY, object_id=article.pk)
    else:
        document_index(source=article_source.KEY, document=document)


@transaction.atomic
def article_create(
    *, by: User, owner: Agency, fields: ArticleFields, change_note: str = ""
) -> Article:
    """A new article, as a draft (version 1, awaiting approval)."""
    if not policy.may_write_for(by, owner):
        raise PermissionDenied
    _check(fields)
    article = Article(owner=owner, status=ArticleStatus.DRAFT)
    _copy(article, fields)
    article.save()
    version = ArticleVersion(article=article, number=1, author=by, change_note=change_note)
    _copy(version, fields)
    version.save()
    return article


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().select_related("owner").get(pk=article.pk)


@transaction.atomic
def article_draft_save(
    *, article: Article, by: User, fields: ArticleFields, change_note: str = ""
) -> ArticleVersion:
    """Write the next version of an article. There is one pending version at a
    time: writing again replaces it. A never-published article shows its draft."""
    article = _locked(article)
    if not policy.may_edit(by, article):
        raise PermissionDenied
    _check(fields)
    pending = article.versions.filter(approved_at__isnull=True).first()
    if pending is None:
        latest = article.versions.order_by("-number").values_list("number", flat=True).first()
        pending = ArticleVersion(article=article, number=(latest or 0) + 1)
    pending.author = by
    pending.change_note = change_note.strip()
    _copy(pending, fields)
    pending.save()
    if article.status == ArticleStatus.DRAFT:
        _copy(article, fields)
        article.save()
    return pending


@transaction.atomic
def article_approve(*, article: Article, by: User) -> Article:
    """Publish the pending version: the article shows it from now on, agents find it."""
    article = _locked(article)
    if not policy.may_approve(by, article):
        raise PermissionDenied
    if article.status == ArticleStatus.ARCHIVED:
        raise KnowledgeError(_("An archived article cannot be published."))
    pending = article.versions.select_for_update().filter(approved_at__isnull=True).first()
    if pending is None:
        raise KnowledgeError(_("There is no version awaiting approval."))
    pending.approved_by = by
    pending.approved_at = clock.now()
    pending.save(update_fields=["approved_by", "approved_at"])
    fields = ArticleFields(
        question=pending.question,
        answer=pending.answer,
        category=pending.category,
        keywords=pending.keywords,
        valid_until=pending.valid_until,
        review_on=pending.review_on,
    )
    _copy(article, fields)
    article.version = pending.number
    article.status = ArticleStatus.PUBLISHED
    article.save()
    _reindex(article)
    return article


@transaction.atomic
def article_discard_draft(*, article: Article, by: User) -> None:
    """Throw away the pending version of a published article."""
    article = _locked(article)
    if not policy.may_edit(by, article):
        raise PermissionDenied
    if article.status == ArticleStatus.DRAFT:
        raise KnowledgeError(_("A draft that was never published cannot be discarded."))
    article.versions.filter(approved_at__isnull=True).delete()


@transaction.atomic
def article_archive(*, article: Article, by: User) -> Article:
    """Withdraw an article: it stays readable with its history but is never found."""
    article = _locked(article)
    if not policy.may_approve(by, article):
        raise PermissionDenied
    if article.status != ArticleStatus.PUBLISHED:
        raise KnowledgeError(_("Only a published article can be archived."))
    article.versions.filter(approved_at__isnull=True).delete()
    article.status = ArticleStatus.ARCHIVED
    article.save(update_fields=["status", "updated_at"])
    _reindex(article)
    return article
