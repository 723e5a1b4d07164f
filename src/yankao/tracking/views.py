"""Staff pages for tracked items: the worklist and the generic item page.

Each view checks permission, validates input, calls one service, and renders or
redirects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.calendar.templatetags.roc import roc_datetime
from yankao.core import clock, tables
from yankao.core.paging import CappedPaginator
from yankao.organisation.scoping import agencies_in_scope
from yankao.tracking.actions import ACTIONS, build_form
from yankao.tracking.forms import WorklistFilterForm
from yankao.tracking.kinds import get_kind
from yankao.tracking.models import (
    Action,
    CoHandler,
    CoHandlerState,
    Extension,
    ExtensionState,
    Status,
    TrackedItem,
)
from yankao.tracking.policy import allowed_actions
from yankao.tracking.selectors import (
    WorklistFilters,
    item_for_user,
    oldest_overdue,
    open_items_by_agency,
    pending_cohandler_agency_ids,
    worklist,
)
from yankao.tracking.services import TrackingError

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _filters(form: WorklistFilterForm) -> WorklistFilters:
    form.is_valid()
    data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    agency = data.get("agency")
    return WorklistFilters(
        text=data.get("q", ""),
        status=data.get("status", ""),
        kind=data.get("kind", ""),
        agency_id=agency.pk if agency else None,
        due=data.get("due", ""),
    )


def worklist_context(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    agencies = agencies_in_scope(user)
    form = WorklistFilterForm(request.GET or None, agencies=agencies)
    filters = _filters(form) if request.GET else WorklistFilters()
    page = CappedPaginator(worklist(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    now = clock.now()
    return {
        "page": page,
        "rows_html": item_rows_html(page.object_list, now),
        "filter_form": form,
        "query": query.urlencode(),
        "now": now,
    }


def item_rows_html(items: Iterable[TrackedItem], now: datetime) -> SafeString:
    """The worklist table's rows (core.tables): number and link, title, agency,
    status, deadline (with a badge once past) and handler."""
    item_url = tables.keyed_url("tracking:item")
    statuses = tables.labels(Status.choices)
    badge = tables.overdue_badge()
    lines = []
    for item in items:
        overdue = item.due_at < now
        cells = [
            tables.link(item_url(item.pk), item.number),
            tables.text(item.title),
            tables.text(item.owner_agency.short_name),
            tables.text(statuses.get(item.status, item.status)),
            tables.text(roc_datetime(item.due_at)) + (badge if overdue else ""),
            tables.text(item.assignee or "—"),
        ]
        lines.append(tables.row(cells, overdue=overdue))
    return tables.rows(lines)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The commission's view: open and overdue items per agency, the oldest overdue."""
    user = _user(request)
    if not user.has_capability(Capability.REPORTS_VIEW):
        raise PermissionDenied
    context = {
        "agencies": open_items_by_agency(user),
        "oldest": oldest_overdue(user),
        "now": clock.now(),
    }
    return render(request, "tracking/overview.html", context)


def visible_actions(
    user: User,
    item: TrackedItem,
    *,
    cohandlers: Sequence[CoHandler] | None = None,
    extensions: Sequence[Extension] | None = None,
) -> list[str]:
    """The actions to offer this user on this item now, in display order. A page
    that shows the item's co-handlers and extension requests passes them, so they
    are read once."""
    if cohandlers is None:
        pending_cohandlers = pending_cohandler_agency_ids(item)
    else:
        pending_cohandlers = {c.agency_id for c in cohandlers if c.state == CoHandlerState.PENDING}
    if extensions is None:
        pending = item.extensions.filter(state=ExtensionState.PENDING).exists()
    else:
        pending = any(e.state == ExtensionState.PENDING for e in extensions)
    allowed = allowed_actions(user, item, pending_cohandlers=pending_cohandlers)
    if pending:
        allowed.discard(Action.EXTENSION_REQUEST)
    else:
        allowed -= {Action.EXTENSION_APPROVE, Action.EXTENSION_REJECT}
    return [action for action in ACTIONS if action in allowed]


def item_page_context(
    request: HttpRequest, item: TrackedItem, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What tracking/item.html needs; business pages that extend it start from this."""
    user = _user(request)
    bound = bound or {}
    cohandlers = list(item.cohandlers.select_related("agency", "replied_by"))
    extensions = list(item.extensions.select_related("requested_by", "decided_by"))
    forms = {
        action: bound.get(action) or build_form(action, item)
        for action in visible_actions(user, item, cohandlers=cohandlers, extensions=extensions)
    }
    return {
        "item": item,
        "kind": get_kind(item.kind),
        "events": item.events.select_related("actor", "from_agency", "to_agency"),
        "cohandlers": cohandlers,
        "extensions": extensions,
        "action_forms": [(action, ACTIONS[action].label, form) for action, form in forms.items()],
        "now": clock.now(),
    }


def item_page_url(item: TrackedItem) -> str:
    """The item's own page: its business page when the kind has one."""
    name = get_kind(item.kind).detail_url_name or "tracking:item"
    return reverse(name, args=[item.pk])


def _item_page(request: HttpRequest, item: TrackedItem, bound: dict[str, Any]) -> HttpResponse:
    kind = get_kind(item.kind)
    if kind.detail_url_name and bound:
        # The business page renders bound forms itself only on its own URLs; send the
        # user back there with the errors as messages rather than lose its context.
        for form in bound.values():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(item_page_url(item))
    status = 400 if bound else 200
    return render(
        request, "tracking/item.html", item_page_context(request, item, bound), status=status
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for_user(_user(request), pk)
    if get_kind(item.kind).detail_url_name:
        return redirect(item_page_url(item))
    return _item_page(request, item, {})


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    item = item_for_user(user, pk)
    if action not in ACTIONS:
        raise Http404
    if action not in visible_actions(user, item):
        messages.error(request, _("You cannot do that to this item now."))
        return redirect(item_page_url(item))
    form = build_form(action, item, request.POST)
    if not form.is_valid():
        return _item_page(request, item, {action: form})
    try:
        ACTIONS[action].run(item, user, form.cleaned_data)
    except TrackingError as error:
        messages.error(request, str(error))
        return redirect(item_page_url(item))
    messages.success(request, _("Done: %(action)s.") % {"action": ACTIONS[action].label})
    return redirect(item_page_url(item))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The staff home: the worklist of the user's agency (or scope)."""
    return render(request, "tracking/home.html", worklist_context(request))
