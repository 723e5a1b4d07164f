"""The knowledge base on the JSON API: search and read, scoped exactly as the
pages are (published articles for every staff member and system account; drafts
only for the agencies that write them). Writing stays on the pages, where the
approval happens."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from yankao.core.api import ApiProblem, SearchText
from yankao.knowledge import policy
from yankao.knowledge.models import Article
from yankao.knowledge.selectors import article_for_user, article_search, is_expired
from yankao.search.forms import query_text
from yankao.tracking.api import api_user

router = Router(tags=["knowledge base"])

NOT_FOUND = _("There is no such article, or you may not read it.")


class SearchParams(Schema):
    q: SearchText = Field("", max_length=10000, description="Words to look for, e.g. `路燈 報修`.")
    limit: int = Field(8, ge=1, le=50)
    include_expired: bool = False


class HitOut(Schema):
    id: int
    question: str
    answer_excerpt: str
    agency: str
    url: str
    expired: bool


class ArticleOut(Schema):
    id: int
    question: str
    answer: str
    category: str
    keywords: str
    owner: str
    owner_key: str
    status: str
    version: int
    valid_until: date | None
    review_on: date | None
    expired: bool
    url: str


@router.get("/search", response=list[HitOut], summary="Search published articles")
def search(request: HttpRequest, params: Query[SearchParams]) -> list[dict[str, Any]]:
    user = api_user(request)
    query = query_text(params.q)
    hits = article_search(
        query, user=user, limit=params.limit, include_expired=params.include_expired
    )
    return [
        {
            "id": hit.article_id,
            "question": hit.question,
            "answer_excerpt": hit.answer_excerpt,
            "agency": hit.agency_name,
            "url": request.build_absolute_uri(hit.url),
            "expired": hit.expired,
        }
        for hit in hits
    ]


@router.get("/articles/{id:article_id}", response=ArticleOut, summary="One article")
def article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    user = api_user(request)
    if not policy.may_read(user):
        raise ApiProblem(404, str(NOT_FOUND))
    try:
        found: Article = article_for_user(user, article_id)
    except Http404 as exc:
        raise ApiProblem(404, str(NOT_FOUND)) from exc
    return {
        "id": found.pk,
        "question": found.question,
        "answer": found.answer,
        "category": found.category.name,
        "keywords": found.keywords,
        "owner": found.owner.name,
        "owner_key": found.owner.key,
        "status": found.status,
        "version": found.version,
        "valid_until": found.valid_until,
        "review_on": found.review_on,
        "expired": is_expired(found),
        "url": request.build_absolute_uri(reverse("knowledge:article", args=[found.pk])),
    }
