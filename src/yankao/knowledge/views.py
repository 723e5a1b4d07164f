"""Staff pages of the knowledge base: search and list (the query box focused, so a
call agent types at once), the article with its versions and the difference
between them, the edit form, approving and archiving.

Each view checks permission, validates input, calls one service, and renders or
redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yankao.accounts.models import User
from yankao.knowledge import policy, services
from yankao.knowledge.diff import text_diff
from yankao.knowledge.forms import ArticleForm, SearchForm
from yankao.knowledge.models import Article, ArticleStatus
from yankao.knowledge.selectors import (
    article_for_user,
    article_search,
    article_versions,
    articles_visible_to,
    is_expired,
    pending_version,
    review_due,
)
from yankao.organisation.scoping import agencies_in_scope

LIST_PAGE = 30
SEARCH_LIMIT = 30


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SearchForm(request.GET or None)
    query, include_expired = "", False
    if form.is_valid():
        query = form.cleaned_data["q"]
        include_expired = form.cleaned_data["include_expired"]
    hits = (
        article_search(query, user=user, limit=SEARCH_LIMIT, include_expired=include_expired)
        if query.strip()
        else []
    )
    context: dict[str, Any] = {
        "form": form,
        "query": query,
        "hits": hits,
        "may_write": policy.may_write(user),
    }
    if not query.strip():
        articles = (
            articles_visible_to(user)
            .filter(status=ArticleStatus.PUBLISHED)
            .select_related("owner", "category")
            .order_by("category__sort_order", "question", "pk")
        )
        context["page"] = Paginator(articles, LIST_PAGE).get_page(request.GET.get("page"))
        context["today"] = timezone.localdate()
        if policy.may_write(user):
            context["drafts"] = list(
                articles_visible_to(user)
                .filter(status=ArticleStatus.DRAFT)
                .filter(owner__in=agencies_in_scope(user))
                .select_related("owner")
                .order_by("-updated_at")[:20]
            )
    template = "knowledge/_results.html" if request.htmx else "knowledge/index.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    article = article_for_user(user, pk)
    versions = article_versions(article)
    may_see_drafts = policy.may_see_unpublished(user, article)
    if not may_see_drafts:
        versions = [v for v in versions if not v.is_pending]
    approved = [v for v in versions if not v.is_pending]
    shown = _chosen_version(request, versions, article)
    previous = next((v for v in approved if v.number < shown.number), None) if shown else None
    context = {
        "article": article,
        "versions": versions,
        "shown": shown,
        "previous": previous,
        "diff": text_diff(previous.answer, shown.answer) if shown and previous else None,
        "pending": pending_version(article) if may_see_drafts else None,
        "expired": is_expired(article),
        "may_edit": policy.may_edit(user, article),
        "may_approve": policy.may_approve(user, article),
    }
    return render(request, "knowledge/article.html", context)


def _chosen_version(request: HttpRequest, versions: list[Any], article: Article) -> Any:
    wanted = request.GET.get("version", "")
    for version in versions:
        if wanted.isdigit() and version.number == int(wanted):
            return version
    current = [v for v in versions if v.number == article.version]
    return current[0] if current else (versions[0] if versions else None)


def _owners(user: User) -> Any:
    return agencies_in_scope(user).order_by("sort_order", "key")


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not policy.may_write(user):
        raise PermissionDenied
    owners = _owners(user)
    form = ArticleForm(request.POST or None, owners=owners, initial={"owner": user.agency})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(
                by=user,
                owner=form.cleaned_data["owner"],
                fields=form.fields_value(),
                change_note=form.cleaned_data.get("change_note", ""),
            )
        except services.KnowledgeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is saved. A supervisor publishes it."))
            return redirect("knowledge:article", article.pk)
    return render(request, "knowledge/edit.html", {"form": form, "article": None})


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    article = article_for_user(user, pk)
    if not policy.may_edit(user, article):
        raise PermissionDenied
    pending = pending_version(article)
    source: Any = pending or article
    initial = {
        "category": source.category_id,
        "question": source.question,
        "answer": source.answer,
        "keywords": source.keywords,
        "valid_until": source.valid_until,
        "review_on": source.review_on,
        "change_note": pending.change_note if pending else "",
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_draft_save(
                article=article,
                by=user,
                fields=form.fields_value(),
                change_note=form.cleaned_data.get("change_note", ""),
            )
        except services.KnowledgeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is saved. A supervisor publishes it."))
            return redirect("knowledge:article", article.pk)
    return render(request, "knowledge/edit.html", {"form": form, "article": article})


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    user = _user(request)
    article = article_for_user(user, pk)
    try:
        action(article=article, by=user)
    except services.KnowledgeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("knowledge:article", article.pk)


@login_required
@require_POST
def article_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.article_approve, _("The article is published."))


@login_required
@require_POST
def article_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.article_archive, _("The article is archived."))


@login_required
@require_POST
def article_discard(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.article_discard_draft, _("The draft is discarded."))


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not policy.may_write(user):
        raise PermissionDenied
    articles = review_due(user)
    page = Paginator(articles, LIST_PAGE).get_page(request.GET.get("page"))
    return render(request, "knowledge/review.html", {"page": page, "today": timezone.localdate()})
