"""Similar past cases (petitions) for staff, as a page and as a fragment other
pages can load with htmx. Served under /search/ where staff have always found it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yankao.accounts.models import User
from yankao.petitions.forms import CaseSearchForm
from yankao.petitions.search import similar_cases as find_cases

PAGE_SIZE = 20
PARTIAL_SIZE = 5


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _context(request: HttpRequest, size: int) -> dict[str, object]:
    form = CaseSearchForm(request.GET or None)
    query, page, exclude = "", 1, None
    if form.is_valid():
        query = form.cleaned_data["q"]
        page = form.cleaned_data.get("page") or 1
        exclude = form.cleaned_data.get("exclude")
    hits = (
        find_cases(
            query, user=_user(request), limit=size + 1, offset=(page - 1) * size, exclude=exclude
        )
        if query.strip()
        else []
    )
    return {
        "form": form,
        "query": query,
        "hits": hits[:size],
        "page": page,
        "has_next": len(hits) > size,
        "exclude": exclude,
    }


@login_required
def similar_cases(request: HttpRequest) -> HttpResponse:
    return render(request, "petitions/past_cases.html", _context(request, PAGE_SIZE))


@login_required
def similar_cases_partial(request: HttpRequest) -> HttpResponse:
    """The matches alone (no page around them): for the petition page to embed with
    hx-get="/search/cases/partial/?q=…&exclude=<pk>"."""
    return render(request, "petitions/_past_cases.html", _context(request, PARTIAL_SIZE))
