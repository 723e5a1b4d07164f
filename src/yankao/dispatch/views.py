"""Staff pages for dispatch tickets: the dispatchers' list, the intake (pre-filled
from the 1999 console's link), the ticket page, the map and the statistics.

Each view checks permission, validates input, calls one service or selector, and
renders or redirects.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from yankao.accounts.models import User
from yankao.core import clock, masking
from yankao.core.forms import PersonalDataForm
from yankao.core.paging import CappedPaginator
from yankao.core.reporting.periods import day_start
from yankao.core.reporting.views import ReportPage, report_response
from yankao.core.uploads import request_too_large, upload_handlers
from yankao.dispatch import policy, selectors, services
from yankao.dispatch.forms import (
    AcknowledgeForm,
    FilterForm,
    ReportBackForm,
    StatisticsForm,
    TicketForm,
)
from yankao.dispatch.models import ReportBack, Ticket, TicketPhoto
from yankao.dispatch.tables import statistics_table
from yankao.tracking.models import Action
from yankao.tracking.services import TrackingError
from yankao.tracking.views import item_page_context

PAGE_SIZE = 50
MAP_DAYS = 7
TOO_LARGE = gettext_lazy(
    "The photos together are too large. Attach at most 5 photos of 10 MB each."
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# --- the dispatchers' list --------------------------------------------------------------


def _filters(form: FilterForm) -> selectors.TicketFilters:
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    ticket_class, district = data.get("ticket_class"), data.get("district")
    return selectors.TicketFilters(
        ticket_class_id=ticket_class.pk if ticket_class else None,
        status=data.get("status", ""),
        overdue=bool(data.get("overdue")),
        district_id=district.pk if district else None,
    )


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = FilterForm(request.GET or None)
    filters = _filters(form) if request.GET else selectors.TicketFilters()
    now = clock.now()
    tickets = selectors.dispatcher_list(user, filters, now=now)
    page = CappedPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "tickets": list(page.object_list),
        "filter_form": form,
        "query": query.urlencode(),
        "now": now,
        "may_create": policy.may_create(user),
        "open_only": selectors.lists_open_only(filters),
    }
    return render(request, "dispatch/list.html", context)


# --- intake -----------------------------------------------------------------------------------


@login_required
@csrf_exempt  # checked by _new, once the upload handlers are in place
def ticket_new(request: HttpRequest) -> HttpResponse:
    if not policy.may_create(_user(request)):
        raise PermissionDenied
    if request.method == "POST" and request_too_large(request):
        context = {"form": TicketForm(), "too_large": TOO_LARGE}
        return render(request, "dispatch/new.html", context, status=413)
    request.upload_handlers = upload_handlers(request)
    return _new(request)


@csrf_protect
def _new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        form = TicketForm(initial=TicketForm.prefill(request.GET))
        return render(request, "dispatch/new.html", {"form": form})
    form = TicketForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "dispatch/new.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        ticket = services.ticket_create(
            by=user,
            ticket_class=data["ticket_class"],
            description=data["description"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            district=data["district"],
            address=data["address"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            channel=data["channel"],
            photos=data["photos"],
        )
    except services.DispatchError as error:
        form.add_error(None, str(error))
        return render(request, "dispatch/new.html", {"form": form}, status=400)
    messages.success(
        request,
        _("Ticket %(number)s is registered and %(agency)s has been notified.")
        % {"number": ticket.item.number, "agency": ticket.item.owner_agency.name},
    )
    return redirect("dispatch:ticket", pk=ticket.pk)


# --- the ticket page -------------------------------------------------------------------------


def _reporter(ticket: Ticket, *, unmasked: bool) -> dict[str, str]:
    if unmasked:
        return {"name": ticket.reporter_name, "phone": ticket.reporter_phone}
    return {
        "name": masking.mask_name(ticket.reporter_name),
        "phone": masking.mask_phone(ticket.reporter_phone),
    }


def _has_reporter(ticket: Ticket) -> bool:
    return bool(ticket.reporter_name or ticket.reporter_phone)


def _page(
    request: HttpRequest,
    ticket: Ticket,
    *,
    unmasked: bool = False,
    report_form: ReportBackForm | None = None,
    personal_form: PersonalDataForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    item = ticket.item
    context = item_page_context(request, item)
    # Acknowledging has its own button; the generic "accept" would say less.
    context["action_forms"] = [a for a in context["action_forms"] if a[0] != Action.ACCEPT]
    outbox = selectors.ticket_messages(ticket)
    reports = list(ReportBack.objects.filter(ticket=ticket).select_related("by"))
    photos = list(TicketPhoto.objects.filter(ticket=ticket))
    for report in reports:
        report.photo_list = [p for p in photos if p.report_back_id == report.pk]  # type: ignore[attr-defined]
    may_see = policy.may_see_reporter(user, ticket)
    context.update(
        {
            "ticket": ticket,
            "intake_photos": [p for p in photos if p.report_back_id is None],
            "reports": reports,
            "outbox": outbox,
            "failed": selectors.failed_messages(outbox),
            "reporter": _reporter(ticket, unmasked=unmasked),
            "unmasked": unmasked,
            "may_unmask": may_see and not unmasked and _has_reporter(ticket),
            "personal_form": personal_form or PersonalDataForm(),
            "acknowledge_form": (
                AcknowledgeForm(initial={"version": item.version})
                if policy.may_acknowledge(user, ticket)
                else None
            ),
            "report_form": (
                (report_form or ReportBackForm()) if policy.may_report_back(user, ticket) else None
            ),
        }
    )
    response = render(request, "dispatch/ticket.html", context, status=status)
    if unmasked:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.ticket_for_user(_user(request), pk))


@login_required
@require_POST
def ticket_reporter(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's name and phone unmasked, in this response only; the look is logged."""
    user = _user(request)
    ticket = selectors.ticket_for_user(user, pk)
    if not policy.may_see_reporter(user, ticket):
        raise PermissionDenied
    form = PersonalDataForm(request.POST)
    if not form.is_valid():
        return _page(request, ticket, personal_form=form, status=400)
    services.ticket_personal_data_access_log(
        ticket=ticket, by=user, reason=form.cleaned_data["reason"], where="ticket-page"
    )
    return _page(request, ticket, unmasked=True)


@login_required
@require_POST
def ticket_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ticket = selectors.ticket_for_user(user, pk)
    if not policy.may_acknowledge(user, ticket):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("dispatch:ticket", pk=pk)
    try:
        services.ticket_acknowledge(ticket=ticket, by=user, version=form.cleaned_data["version"])
    except TrackingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Acknowledged. Report back by the deadline."))
    return redirect("dispatch:ticket", pk=pk)


@login_required
@csrf_exempt  # checked by _report, once the upload handlers are in place
def ticket_report(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("dispatch:ticket", pk=pk)
    user = _user(request)
    ticket = selectors.ticket_for_user(user, pk)
    if not policy.may_report_back(user, ticket):
        raise PermissionDenied
    if request_too_large(request):
        messages.error(request, str(TOO_LARGE))
        return redirect("dispatch:ticket", pk=pk)
    request.upload_handlers = upload_handlers(request)
    return _report(request, ticket)


@csrf_protect
def _report(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    form = ReportBackForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, ticket, report_form=form, status=400)
    data = form.cleaned_data
    try:
        services.ticket_report_back(
            ticket=ticket,
            by=_user(request),
            status_text=data["status_text"],
            done=data["done"],
            photos=data["photos"],
        )
    except (services.DispatchError, TrackingError) as error:
        form.add_error(None, str(error))
        return _page(request, ticket, report_form=form, status=400)
    if data["done"]:
        messages.success(request, _("Reported done. The ticket is closed."))
    else:
        messages.success(request, _("Progress reported. The deadline still applies."))
    return redirect("dispatch:ticket", pk=ticket.pk)


@login_required
def ticket_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    """A photo of a ticket the user may see (pictures of a road carry no personal data)."""
    ticket = selectors.ticket_for_user(_user(request), pk)
    photo = get_object_or_404(TicketPhoto, pk=photo_pk, ticket=ticket)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(False, photo.original_name) or "inline"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the map ----------------------------------------------------------------------------------


def _map_days(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("days", MAP_DAYS)), 1), 90)
    except ValueError:
        return MAP_DAYS


@login_required
def ticket_map(request: HttpRequest) -> HttpResponse:
    days = _map_days(request)
    now = clock.now()
    tickets = selectors.map_tickets(_user(request), days=days, now=now)
    geojson_url = f"{reverse('dispatch:map-geojson')}?days={days}"
    context = {"tickets": tickets, "days": days, "now": now, "geojson_url": geojson_url}
    return render(request, "dispatch/map.html", context)


@login_required
def ticket_map_geojson(request: HttpRequest) -> JsonResponse:
    now = clock.now()
    tickets = selectors.map_tickets(_user(request), days=_map_days(request), now=now)
    response = JsonResponse(selectors.map_geojson(tickets, now=now))
    response["Content-Type"] = "application/geo+json"
    return response


# --- statistics ------------------------------------------------------------------------------


def _statistics_figures(user: User, form: StatisticsForm) -> dict[str, Any]:
    first, last = form.period()
    result = selectors.ticket_statistics(
        day_start(first), day_start(last + timedelta(days=1)), user=user
    )
    return {"result": result, "table": statistics_table(result, first, last)}


STATISTICS = ReportPage(
    template="dispatch/statistics.html",
    may_view=policy.may_view_statistics,
    form=lambda data, *, user, today: StatisticsForm(data, today=today),
    figures=_statistics_figures,
    file_stem="dispatch-statistics",
)


@login_required
def ticket_statistics(request: HttpRequest) -> HttpResponse:
    return report_response(request, STATISTICS)
