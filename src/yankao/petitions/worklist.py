"""The agency petition worklist (/petitions/): the open petitions the user may see,
soonest deadline first, with the petition's own filters; and, for supervisors,
assigning several petitions at once and approving the replies that await approval.

A page costs the same few queries however many petitions there are: the rows come
with their item, agency, handler, category and district in one query. The
petitioner's personal data is never even loaded here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from yankao.accounts.models import User
from yankao.accounts.roles import Capability, Role
from yankao.calendar.templatetags.roc import roc_datetime
from yankao.core import clock, tables
from yankao.core.forms import ModelChoiceField
from yankao.core.paging import CappedPaginator
from yankao.organisation.reference import organisation, organisation_holding
from yankao.organisation.scoping import agencies_in_scope, agency_in_scope, agency_scope_q
from yankao.petitions.kinds import PETITION
from yankao.petitions.models import Channel, Petition
from yankao.petitions.reference_cache import reference, reference_holding
from yankao.tracking.models import OPEN_STATUSES, Action, Status, TrackedItem
from yankao.tracking.policy import can
from yankao.tracking.selectors import (
    WorklistFilters,
    items_visible_to,
    open_cohandled,
    worklist_partitions,
    worklist_q,
)
from yankao.tracking.services import TrackingError, item_assign, item_close

PAGE_SIZE = 50
# The columns a row shows, and nothing else: the petitioner's personal data and the
# petition's text are never loaded here. Names of categories, districts and agencies
# come from the reference snapshot, so the query joins three tables, not seven (the
# planner's search over seven cost PostgreSQL more than the query itself).
SHOWN = (
    "pk",
    "subject",
    "channel",
    "category_id",
    "district_id",
    "item__number",
    "item__due_at",
    "item__status",
    "item__owner_agency_id",
    "item__assignee__full_name",
    "item__assignee__username",
)
# Who may be given a petition to handle.
HANDLER_ROLES = (Role.HANDLER, Role.SUPERVISOR)
FILTER_NAMES = ("q", "status", "due", "category", "district", "channel")

# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PetitionFilters:
    text: str = ""
    status: str = ""
    due: str = ""  # "overdue", "soon" (by the end of the next working day) or ""
    main_category_id: int | None = None
    district_id: int | None = None
    channel: str = ""


def petition_worklist(
    user: User, filters: PetitionFilters | None = None, *, cohandled: list[int] | None = None
) -> QuerySet[Petition]:
    """The user's open petitions, soonest deadline first, narrowed by the filters.
    Scope, open statuses and deadlines follow the engine's worklist, so the rules
    live in one place."""
    filters = filters or PetitionFilters()
    engine = WorklistFilters(status=filters.status, kind=PETITION.key, due=filters.due)
    petitions = Petition.objects.filter(worklist_q(user, engine, "item__", cohandled=cohandled))
    if filters.text:
        petitions = petitions.filter(
            Q(item__number__icontains=filters.text)
            | Q(subject__icontains=filters.text)
            | Q(content__icontains=filters.text)
        )
    if filters.main_category_id:
        main = filters.main_category_id
        petitions = petitions.filter(Q(category_id=main) | Q(category__parent_id=main))
    if filters.district_id:
        petitions = petitions.filter(district_id=filters.district_id)
    if filters.channel:
        petitions = petitions.filter(channel=filters.channel)
    return petitions.select_related("item").order_by("item__due_at", "pk")


def petition_worklist_paginator(
    user: User, filters: PetitionFilters, *, per_page: int = PAGE_SIZE
) -> CappedPaginator:
    """The worklist in pages of rows (`worklist_rows`). Unless a filter reads the
    petition's own columns, the keys are counted and ordered from the tracked items
    alone: an item of kind "petition" has exactly one petition, under the same key,
    so the join to petitions for every counted row (a thousand probes, most of the
    page's database time at city scale) gives nothing."""
    cohandled = open_cohandled(user)
    if filters.text or filters.main_category_id or filters.district_id or filters.channel:
        keys: QuerySet[Any] = petition_worklist(user, filters, cohandled=cohandled)
        prefix = "item__"
    else:
        engine = WorklistFilters(status=filters.status, kind=PETITION.key, due=filters.due)
        keys = TrackedItem.objects.filter(worklist_q(user, engine, cohandled=cohandled))
        keys = keys.order_by("due_at", "pk")
        prefix = ""
    return CappedPaginator(
        keys,
        per_page,
        partitions=worklist_partitions(user, prefix, cohandled=cohandled),
        rows=lambda page_keys: worklist_rows(user, page_keys),
    )


def handlers_for(user: User) -> QuerySet[User]:
    """The staff a supervisor may give petitions to: those of the agencies in scope."""
    return (
        User.objects.filter(agency__in=agencies_in_scope(user), is_active=True)
        .filter(role__in=HANDLER_ROLES)
        .select_related("agency")
        .order_by("agency__path", "full_name", "username")
    )


def bulk_targets(user: User, pks: Sequence[int]) -> list[TrackedItem]:
    """The chosen petitions' items the user may act on: visible to them and owned by
    an agency in their scope (a co-handled petition of another agency is not theirs
    to assign or close). Any other number is left out."""
    return list(
        items_visible_to(user)
        .filter(agency_scope_q(user, "owner_agency"), kind=PETITION.key, pk__in=pks)
        .select_related("owner_agency")
        .order_by("due_at", "pk")
    )


# --- acting on several petitions -----------------------------------------------------------


@dataclass
class BulkOutcome:
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (case number, why)
    ignored: int = 0


def _each(
    items: Sequence[TrackedItem],
    *,
    by: User,
    action: str,
    refused: Promise,
    run: Callable[[TrackedItem], object],
) -> BulkOutcome:
    """Run one service per item, each in its own transaction (the service's), so one
    refusal leaves the others done."""
    outcome = BulkOutcome()
    for item in items:
        if not can(by, action, item):
            outcome.failed.append((item.number, str(refused)))
            continue
        try:
            run(item)
        except TrackingError as error:
            outcome.failed.append((item.number, str(error)))
        else:
            outcome.done += 1
    return outcome


def petitions_assign(*, items: Sequence[TrackedItem], to_user: User, by: User) -> BulkOutcome:
    return _each(
        items,
        by=by,
        action=Action.ASSIGN,
        refused=gettext_lazy("You cannot assign this petition now."),
        run=lambda item: item_assign(item=item, to_user=to_user, by=by, version=item.version),
    )


def petitions_approve_and_close(*, items: Sequence[TrackedItem], by: User) -> BulkOutcome:
    return _each(
        items,
        by=by,
        action=Action.CLOSE,
        refused=gettext_lazy("Only a reply awaiting approval can be approved and closed."),
        run=lambda item: item_close(item=item, by=by, version=item.version),
    )


# --- forms -------------------------------------------------------------------------------------


def _any(choices: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", gettext_lazy("Any")), *choices]


class PetitionFilterForm(forms.Form):
    """The worklist's filters (GET). Invalid values are ignored field by field."""

    q = forms.CharField(
        label=gettext_lazy("Case number, subject or content contains"),
        required=False,
        max_length=100,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=_any([(s.value, s.label) for s in OPEN_STATUSES]),
    )
    due = forms.ChoiceField(
        label=gettext_lazy("Deadline"),
        required=False,
        choices=_any(
            [
                ("overdue", gettext_lazy("Overdue")),
                ("soon", gettext_lazy("Due by the end of the next working day")),
            ]
        ),
    )
    # The city's main categories and districts, from the reference snapshot: the
    # same lists every page, not two queries every page.
    category = forms.TypedChoiceField(
        label=gettext_lazy("Main category"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=lambda: _any(reference().main_categories),
    )
    district = forms.TypedChoiceField(
        label=gettext_lazy("District"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=lambda: _any(organisation().district_choices),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), required=False, choices=_any(Channel.choices)
    )

    def filters(self) -> PetitionFilters:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return PetitionFilters(
            text=data.get("q", ""),
            status=data.get("status", ""),
            due=data.get("due", ""),
            main_category_id=data.get("category"),
            district_id=data.get("district"),
            channel=data.get("channel", ""),
        )


class PetitionIdsField(forms.Field):
    """The petitions ticked on the page (one page at most)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            pks = sorted({int(pk) for pk in value})
        except (TypeError, ValueError) as error:
            raise ValidationError(_("Select petitions from the list."), code="invalid") from error
        if len(pks) > PAGE_SIZE:
            raise ValidationError(
                _("Select at most %(count)d petitions at a time.") % {"count": PAGE_SIZE},
                code="too_many",
            )
        return pks


class HandlerChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.agency.short_name}"


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("assign", "assign"), ("close", "close")])
    items = PetitionIdsField(
        error_messages={"required": gettext_lazy("Select at least one petition.")}
    )
    handler = HandlerChoiceField(
        label=gettext_lazy("Handler"),
        required=False,
        queryset=User.objects.none(),
        empty_label=gettext_lazy("Choose a handler"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers_for(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "assign" and not data.get("handler"):
            self.add_error("handler", _("Choose the handler to give the petitions to."))
        return data


# --- views ---------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _may_act_in_bulk(user: User) -> bool:
    return user.has_capability(Capability.ITEM_APPROVE)


@dataclass(frozen=True)
class Row:
    """One line of the table, its labels worked out here: a template looking each up
    through the petition's relations costs more than the database does."""

    selectable: bool
    pk: int
    number: str
    subject: str
    url: str
    category: str
    district: str
    agency: str
    handler: str
    channel: str
    status: str
    due: str
    overdue: bool
    select_label: str


def worklist_rows(user: User, keys: Sequence[int]) -> list[Row]:
    """The table's rows for these petitions, in the order of `keys`."""
    may_act = _may_act_in_bulk(user)
    now = clock.now()
    found = {row["pk"]: row for row in Petition.objects.filter(pk__in=keys).values(*SHOWN)}
    snapshot = reference_holding(categories={row["category_id"] for row in found.values()})
    places = organisation_holding(
        agencies={row["item__owner_agency_id"] for row in found.values()},
        districts={row["district_id"] for row in found.values()},
    )
    channels = tables.labels(Channel.choices)
    statuses = tables.labels(Status.choices)
    petition_url = tables.keyed_url("petitions:petition")
    rows = []
    for key in keys:
        row = found.get(key)
        if row is None:  # gone between the two reads
            continue
        agency = places.agencies[row["item__owner_agency_id"]]
        district = row["district_id"]
        number, due = row["item__number"], row["item__due_at"]
        selectable = may_act and agency_in_scope(user, agency.pk, agency.path)
        rows.append(
            Row(
                selectable=selectable,
                pk=key,
                number=number,
                subject=row["subject"],
                url=petition_url(key),
                category=snapshot.category_labels[row["category_id"]],
                district=places.district_by_id[district].name if district else "—",
                agency=agency.short_name,
                handler=row["item__assignee__full_name"] or row["item__assignee__username"] or "—",
                channel=channels.get(row["channel"], row["channel"]),
                status=statuses.get(row["item__status"], row["item__status"]),
                due=roc_datetime(due),
                overdue=due < now,
                select_label=_("Select %(number)s") % {"number": number} if selectable else "",
            )
        )
    return rows


def rows_html(rows: Sequence[Row], *, with_selection: bool) -> SafeString:
    """The table body's rows (core.tables); `with_selection` adds the bulk actions'
    column, a labelled checkbox for each row the user may act on."""
    badge = tables.overdue_badge()
    lines = []
    for row in rows:
        cells = []
        if with_selection:
            box = ""
            if row.selectable:
                box = (
                    f'<input type="checkbox" name="items" value="{row.pk}" id="select-{row.pk}">'
                    f'<label for="select-{row.pk}" class="visually-hidden">'
                    f"{tables.text(row.select_label)}</label>"
                )
            cells.append(box)
        cells.append(tables.link(row.url, row.number))
        cells.extend(
            tables.text(value)
            for value in (row.subject, row.category, row.district, row.channel, row.agency)
        )
        cells.append(tables.text(row.status))
        cells.append(tables.text(row.due) + (badge if row.overdue else ""))
        cells.append(tables.text(row.handler))
        lines.append(tables.row(cells, overdue=row.overdue))
    return tables.rows(lines)


def _query(data: QueryDict, names: Sequence[str]) -> str:
    """The given parameters only, re-encoded (for links and the way back)."""
    kept = QueryDict(mutable=True)
    for name in names:
        value = data.get(name)
        if value:
            kept[name] = value
    return kept.urlencode()


@login_required
@require_GET
def petition_worklist_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PetitionFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else PetitionFilters()
    page = petition_worklist_paginator(user, filters).get_page(request.GET.get("page"))
    rows = list(page)
    bulk_form = BulkForm(user=user) if any(row.selectable for row in rows) else None
    context = {
        "page": page,
        "rows": rows,
        "filter_form": form,
        "query": _query(request.GET, FILTER_NAMES),
        "back": _query(request.GET, (*FILTER_NAMES, "page")),
        "bulk_form": bulk_form,
        "rows_html": rows_html(rows, with_selection=bulk_form is not None),
        "now": clock.now(),
    }
    return render(request, "petitions/worklist.html", context)


@login_required
@require_POST
def petition_worklist_bulk(request: HttpRequest) -> HttpResponse:
    """Assign the ticked petitions to a handler, or approve and close them."""
    user = _user(request)
    if not _may_act_in_bulk(user):
        raise PermissionDenied
    back = reverse("petitions:worklist")
    query = _query(QueryDict(request.POST.get("back", "")), (*FILTER_NAMES, "page"))
    if query:
        back = f"{back}?{query}"
    form = BulkForm(request.POST, user=user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    pks = form.cleaned_data["items"]
    items = bulk_targets(user, pks)
    if form.cleaned_data["action"] == "assign":
        handler = form.cleaned_data["handler"]
        outcome = petitions_assign(items=items, to_user=handler, by=user)
        done = _assigned_message(outcome.done, handler)
    else:
        outcome = petitions_approve_and_close(items=items, by=user)
        done = _closed_message(outcome.done)
    outcome.ignored = len(pks) - len(items)
    _report(request, outcome, done)
    return redirect(back)


def _assigned_message(count: int, handler: User) -> str:
    return ngettext(
        "%(count)d petition was given to %(handler)s.",
        "%(count)d petitions were given to %(handler)s.",
        count,
    ) % {"count": count, "handler": handler}


def _closed_message(count: int) -> str:
    return ngettext(
        "%(count)d petition was approved and closed.",
        "%(count)d petitions were approved and closed.",
        count,
    ) % {"count": count}


def _report(request: HttpRequest, outcome: BulkOutcome, done: str) -> None:
    if outcome.done:
        messages.success(request, done)
    for number, reason in outcome.failed:
        messages.error(
            request,
            _("%(number)s was left unchanged: %(reason)s") % {"number": number, "reason": reason},
        )
    if outcome.ignored:
        messages.warning(
            request,
            ngettext(
                "%(count)d selected petition is not within your scope and was left alone.",
                "%(count)d selected petitions are not within your scope and were left alone.",
                outcome.ignored,
            )
            % {"count": outcome.ignored},
        )
