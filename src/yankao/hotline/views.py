"""The agent console (/hotline/), the call list and a call's page for supervisors,
and the statistics with their files.

Each view checks permission, validates input, calls one service or selector, and
renders. The console works as plain HTML forms; htmx only fetches the knowledge
results in place (the same partial the full page includes)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.accounts.models import User
from yankao.core import clock
from yankao.core.reporting.views import ReportPage, report_response
from yankao.core.taipei import to_taipei
from yankao.core.uploads import request_too_large, upload_handlers
from yankao.hotline import integrations, masking_view, services
from yankao.hotline.forms import (
    ACTIONS,
    QUERY_MAX,
    CallFilterForm,
    ConsoleForm,
    PeriodForm,
    new_call_token,
)
from yankao.hotline.policy import may_see_caller_number, may_see_calls, may_take_calls
from yankao.hotline.selectors import agents_visible_to, call_for_user, calls_visible_to
from yankao.hotline.services import CallError, Recorded
from yankao.hotline.statistics import statistics_figures
from yankao.tracking.services import TrackingError

PAGE_SIZE = 50
TOO_LARGE = gettext_lazy(
    "The call was not recorded: the photos together are too large. Attach at most 5 "
    "photos of 10 MB each and end the call again."
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _agent(request: HttpRequest) -> User:
    user = _user(request)
    if not may_take_calls(user):
        raise PermissionDenied
    return user


def _console(
    request: HttpRequest,
    form: ConsoleForm,
    *,
    hits: list[integrations.Hit] | None = None,
    searched: str = "",
    recorded: Recorded | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "problem": problem,
        "form": form,
        "started_at": form.started_at(),
        "hits": hits or [],
        "searched": searched,
        "recorded": recorded,
    }
    response = render(request, "hotline/console.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the caller's number and, after a petition, its code
    return response


def _new_call_form() -> ConsoleForm:
    return ConsoleForm(initial={"call": new_call_token()})


@login_required
@csrf_exempt  # checked by _console_post, once the upload handlers are in place
@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    """A new call on GET; on POST, a knowledge search within the call, or the end of
    the call by one of its outcome buttons, which then opens the next call."""
    agent = _agent(request)
    if request.method == "GET":
        return _console(request, _new_call_form())
    if request_too_large(request):
        problem = str(TOO_LARGE)
        return _console(request, _new_call_form(), problem=problem, status=413)
    # The ticket's photos: checked by content, held in memory or a capped temporary file.
    request.upload_handlers = upload_handlers(request)
    return _console_post(request, agent)


@csrf_protect
def _console_post(request: HttpRequest, agent: User) -> HttpResponse:
    article = request.POST.get("article", "")
    action = "article" if article else request.POST.get("action", "")
    if action == "search":
        return _search_within_call(request, agent)
    if action != "article" and action not in ACTIONS:
        form = ConsoleForm(initial=request.POST.dict())
        problem = _("Choose how the call ended with one of the buttons.")
        return _console(request, form, problem=problem, status=400)
    form = ConsoleForm(request.POST, request.FILES, action=action)
    if not form.is_valid():
        return _console(request, form, status=400)
    try:
        recorded = _end_call(agent, form, action, article)
    except (CallError, TrackingError) as error:
        form.add_error(None, str(error))
        return _console(request, form, status=400)
    return _console(request, _new_call_form(), recorded=recorded, status=201)


def _end_call(agent: User, form: ConsoleForm, action: str, article: str) -> Recorded:
    facts = form.facts()
    data = form.cleaned_data
    if action == "article":
        if not article.isdigit():
            raise CallError(_("That knowledge article does not exist (any more)."))
        return services.call_answer_from_article(agent=agent, facts=facts, article_id=int(article))
    if action == "petition":
        return services.call_raise_petition(agent=agent, facts=facts, category=data["category"])
    if action == "ticket":
        return services.call_raise_ticket(
            agent=agent, facts=facts, ticket_class=data["ticket_class"], **form.ticket_extras()
        )
    if action == "transfer":
        return services.call_transfer(agent=agent, facts=facts, agency=data["agency"])
    return services.call_other(agent=agent, facts=facts)


def _query(request: HttpRequest) -> str:
    data = request.POST if request.method == "POST" else request.GET
    text = str(data.get("q", "")).strip() or str(data.get("subject", "")).strip()
    return text[:QUERY_MAX]


def _search_within_call(request: HttpRequest, agent: User) -> HttpResponse:
    """Without script: the whole console again, as typed, with the results."""
    query = _query(request)
    form = ConsoleForm(initial={**request.POST.dict(), "q": query})
    hits = integrations.article_search(query, user=agent)
    return _console(request, form, hits=hits, searched=query)


@login_required
@require_GET
def knowledge_results(request: HttpRequest) -> HttpResponse:
    """The knowledge results alone, for htmx to put in the console."""
    agent = _agent(request)
    query = _query(request)
    context = {
        "hits": integrations.article_search(query, user=agent),
        "searched": query,
    }
    return render(request, "hotline/_knowledge_results.html", context)


# --- the call list and a call ------------------------------------------------------------


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if not may_see_calls(user):
        raise PermissionDenied
    return user


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    today = to_taipei(clock.now()).date()
    form = CallFilterForm(request.GET or None, agents=agents_visible_to(user))
    if form.is_bound and not form.is_valid():
        invalid = {"form": form, "page": None, "day": today}
        return render(request, "hotline/calls.html", invalid, status=400)
    data = form.cleaned_data if form.is_bound else {}
    day = data.get("day") or today
    calls = calls_visible_to(user).filter(day=day)
    if data.get("agent"):
        calls = calls.filter(agent=data["agent"])
    if data.get("outcome"):
        calls = calls.filter(outcome=data["outcome"])
    if data.get("language"):
        calls = calls.filter(language=data["language"])
    calls = calls.select_related("agent", "item", "transferred_to").order_by("-started_at", "-pk")
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "day": day,
        "rows": masking_view.rows(page.object_list),
        "query": query.urlencode(),
    }
    return render(request, "hotline/calls.html", context)


def _call_page(
    request: HttpRequest, user: User, pk: int, *, unmasked: bool = False, **extra: Any
) -> HttpResponse:
    status = extra.pop("status", 200)
    call = call_for_user(user, pk)
    context = {
        "call": call,
        "number": masking_view.number(call, unmasked=unmasked),
        "unmasked": unmasked,
        "may_unmask": may_see_caller_number(user, call)
        and not unmasked
        and bool(call.caller_number),
        "reason_form": extra.pop("reason_form", None) or masking_view.ReasonForm(),
        **extra,
    }
    response = render(request, "hotline/call.html", context, status=status)
    if unmasked:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_page(request, _reader(request), pk)


@login_required
@require_POST
def call_number(request: HttpRequest, pk: int) -> HttpResponse:
    """The caller's number unmasked, once, in this response; the look is logged."""
    user = _reader(request)
    call = call_for_user(user, pk)
    if not may_see_caller_number(user, call):
        raise PermissionDenied
    form = masking_view.ReasonForm(request.POST)
    if not form.is_valid():
        return _call_page(request, user, pk, reason_form=form, status=400)
    services.caller_number_access_log(
        call=call, by=user, reason=form.cleaned_data["reason"], where="call-page"
    )
    return _call_page(request, user, pk, unmasked=True)


# --- statistics ----------------------------------------------------------------------------


STATISTICS = ReportPage(
    template="hotline/statistics.html",
    may_view=may_see_calls,
    form=lambda data, *, user, today: PeriodForm(data, today=today),
    figures=statistics_figures,
)


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    return report_response(request, STATISTICS)
