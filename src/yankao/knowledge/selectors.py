"""Reads of the knowledge base that follow its rules: what a user may open, the
search the 1999 console and the knowledge page share, the review list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.knowledge import policy
from yankao.knowledge.models import Article, ArticleStatus, ArticleVersion
from yankao.knowledge.search import KEY
from yankao.organisation.scoping import agency_scope_q
from yankao.search.selectors import EVERYTHING, search

REVIEW_AHEAD_DAYS = 30


def articles_visible_to(user: User) -> QuerySet[Article]:
    """Published and archived articles for every staff member; drafts too for the
    agencies the user writes for, and for the commission's controllers."""
    if not policy.may_read(user):
        return Article.objects.none()
    if user.has_capability(Capability.ITEM_OVERSEE):
        return Article.objects.all()
    rule = ~Q(status=ArticleStatus.DRAFT)
    if user.has_capability(Capability.ITEM_WORK):
        rule |= agency_scope_q(user, "owner")
    return Article.objects.filter(rule)


def article_for_user(user: User, pk: int) -> Article:
    """One article the user may open, or 404."""
    article = articles_visible_to(user).select_related("owner", "category").filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


def article_versions(article: Article) -> list[ArticleVersion]:
    """Every version, newest first, with their authors and approvers (one query)."""
    return list(
        article.versions.select_related("author", "approved_by", "category").order_by("-number")
    )


def pending_version(article: Article) -> ArticleVersion | None:
    return article.versions.filter(approved_at__isnull=True).first()


def is_expired(article: Article, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return article.valid_until is not None and article.valid_until < today


@dataclass(frozen=True)
class ArticleHit:
    article_id: int
    question: str
    answer_excerpt: str
    agency_name: str
    url: str
    expired: bool = False
    score: float = 0.0


def article_search(
    query: str, *, user: User, limit: int = 8, include_expired: bool = False
) -> list[ArticleHit]:
    """Published articles matching the query, best first; expired ones left out
    unless asked for. Any staff member may search; a blank query finds nothing.
    Two queries, however many hits."""
    if not policy.may_read(user):
        return []
    hits = search(
        query,
        sources=[KEY],
        visibility=EVERYTHING,
        include_expired=include_expired,
        limit=limit,
    )
    rows = Article.objects.filter(
        pk__in=[hit.object_id for hit in hits], status=ArticleStatus.PUBLISHED
    ).values_list("pk", "owner__name", "valid_until")
    today = timezone.localdate()
    facts = {pk: (owner, until is not None and until < today) for pk, owner, until in rows}
    return [
        ArticleHit(
            article_id=hit.object_id,
            question=hit.title,
            answer_excerpt=hit.snippet,
            agency_name=facts[hit.object_id][0],
            url=reverse("knowledge:article", args=[hit.object_id]),
            expired=facts[hit.object_id][1],
            score=hit.score,
        )
        for hit in hits
        if hit.object_id in facts
    ]


def review_due(user: User, *, today: date | None = None) -> QuerySet[Article]:
    """Published articles of the user's agencies whose review date is past or within
    30 days, or that have expired, soonest first."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=REVIEW_AHEAD_DAYS)
    return (
        Article.objects.filter(agency_scope_q(user, "owner"), status=ArticleStatus.PUBLISHED)
        .filter(Q(review_on__lte=soon) | Q(valid_until__lt=today))
        .select_related("owner", "category")
        .order_by("review_on", "valid_until", "pk")
    )
