"""The steps every report page takes: check the permission, validate the period
form, compute the figures once, then render the page or write the chosen file from
the same `Table`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from yankao.core import clock
from yankao.core.exports import FORMATS
from yankao.core.reporting.responses import export_response
from yankao.core.taipei import to_taipei


@dataclass(frozen=True)
class ReportPage:
    """What makes one report: its template, who may see it, its period form, and the
    figures (a context holding the `table` the files are written from)."""

    template: str
    # Each takes the signed-in user (the business's own user model).
    may_view: Callable[[Any], bool]
    form: Callable[..., forms.Form]  # (data, *, user, today) → the bound or blank form
    figures: Callable[[Any, Any], Mapping[str, Any]]  # (user, valid form) → context
    file_stem: str = ""  # the files' name; the table's title and period by default


def _user(request: HttpRequest) -> AbstractBaseUser:
    assert isinstance(request.user, AbstractBaseUser)
    return request.user


def _query_without_format(request: HttpRequest) -> str:
    """The page's query, for the download links to add their format to."""
    query: QueryDict = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


def report_response(request: HttpRequest, page: ReportPage) -> HttpResponse:
    """The report page, or its file when the query names a format."""
    user = _user(request)
    if not page.may_view(user):
        raise PermissionDenied
    today: date = to_taipei(clock.now()).date()
    form = page.form(request.GET or None, user=user, today=today)
    if form.is_bound and not form.is_valid():
        return render(request, page.template, {"form": form}, status=400)
    context = page.figures(user, form)
    chosen = request.GET.get("format", "")
    if chosen:
        return export_response(context["table"], chosen, file_stem=page.file_stem)
    extra = {"query": _query_without_format(request), "formats": list(FORMATS)}
    return render(request, page.template, {"form": form, **context, **extra})
