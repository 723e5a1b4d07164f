"""Staff pages of programme control: the commission's dashboard, the registry
(the agency's own programmes, or all of them for the commission), a programme's
page with its S-curve and history, and the forms that register a programme, set
its budget and curve, add and complete milestones, and report a month.

Each view checks permission, validates input, calls one service or selector, and
renders or redirects. A programme or milestone is found only through the scoped
selectors: another agency's is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yankao.accounts.models import User
from yankao.calendar.roc import format_roc_month
from yankao.calendar.templatetags.roc import roc_short
from yankao.control import chart, policy, selectors, services
from yankao.control import forms as control_forms
from yankao.control.models import Light, Milestone, Programme, ProgrammeAction, ProgrammeKind
from yankao.control.months import (
    add_months,
    current_month,
    month_end,
    months_between,
    parse_month,
)
from yankao.core import clock
from yankao.core.paging import CappedPaginator
from yankao.core.taipei import to_taipei
from yankao.organisation.models import Agency
from yankao.organisation.scoping import agencies_in_scope
from yankao.tracking.models import Action
from yankao.tracking.services import TrackingError
from yankao.tracking.views import item_page_context

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _show_errors(form: forms.Form, error: services.ControlError) -> None:
    """Put each of the service's messages next to the field it names, the rest at
    the top of the form."""
    for field, texts in error.errors.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _registering_agencies(user: User) -> Any:
    if policy.may_lock_months(user):  # the commission registers for any agency
        return Agency.objects.filter(is_active=True)
    return agencies_in_scope(user)


# --- the commission's dashboard ------------------------------------------------------------------


def _lockable_months(now: Any) -> list[date]:
    last = add_months(current_month(now), -1)
    return list(reversed(months_between(add_months(last, -23), last)))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not policy.may_view_dashboard(user):
        raise PermissionDenied
    now = clock.now()
    board = selectors.dashboard(user, now=now)
    context: dict[str, Any] = {
        "board": board,
        "lights": Light,
        "now": now,
        "may_register": policy.may_register(user),
    }
    if policy.may_lock_months(user):
        locked = selectors.locked_months(24)
        locked_set = {lock.month for lock in locked}
        open_months = [m for m in _lockable_months(now) if m not in locked_set]
        context["lock_form"] = control_forms.LockForm(months=open_months)
        context["unlock_form"] = control_forms.LockForm(months=[lock.month for lock in locked])
        context["locked"] = locked
    return render(request, "control/dashboard.html", context)


def _lock_or_unlock(request: HttpRequest, *, unlock: bool) -> HttpResponse:
    user = _user(request)
    if not policy.may_lock_months(user):
        raise PermissionDenied
    months = (
        [lock.month for lock in selectors.locked_months(24)]
        if unlock
        else _lockable_months(clock.now())
    )
    form = control_forms.LockForm(request.POST, months=months)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("control:dashboard")
    month = form.cleaned_data["month"]
    try:
        if unlock:
            services.progress_month_unlock(month=month, by=user, reason=form.cleaned_data["reason"])
        else:
            services.progress_month_lock(month=month, by=user)
    except services.ControlError as error:
        messages.error(request, str(error))
    else:
        text = _("%(month)s is unlocked.") if unlock else _("%(month)s is locked.")
        messages.success(request, text % {"month": format_roc_month(month)})
    return redirect("control:dashboard")


@login_required
@require_POST
def month_lock(request: HttpRequest) -> HttpResponse:
    return _lock_or_unlock(request, unlock=False)


@login_required
@require_POST
def month_unlock(request: HttpRequest) -> HttpResponse:
    return _lock_or_unlock(request, unlock=True)


# --- the registry ---------------------------------------------------------------------------------


def _filters(form: control_forms.ProgrammeFilterForm) -> selectors.ProgrammeFilters:
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    agency = data.get("agency")
    return selectors.ProgrammeFilters(
        kind=data.get("kind", ""),
        light=data.get("light", ""),
        pillar=data.get("pillar", ""),
        agency_id=agency.pk if agency else None,
        text=data.get("q", ""),
    )


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not policy.may_view_programmes(user):
        raise PermissionDenied
    form = control_forms.ProgrammeFilterForm(request.GET or None, agencies=agencies_in_scope(user))
    filters = _filters(form) if request.GET else selectors.ProgrammeFilters()
    rows = selectors.programme_list(user, filters)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    programmes = list(page.object_list)
    month = selectors.month_due()
    reported = selectors.reported_months(programmes, month)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "programmes": programmes,
        "reported": reported,
        "awaited": {
            p.pk
            for p in programmes
            if p.start_date <= month_end(month) and p.end_date >= month and p.pk not in reported
        },
        "month": month,
        "filter_form": form,
        "query": query.urlencode(),
        "may_register": policy.may_register(user),
    }
    return render(request, "control/programme_list.html", context)


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not policy.may_register(user):
        raise PermissionDenied
    agencies = _registering_agencies(user)
    if request.method != "POST":
        initial = {"owner_agency": user.agency_id} if user.agency_id else {}
        form = control_forms.ProgrammeForm(agencies=agencies, initial=initial)
        budget = control_forms.budget_formset()
        return render(request, "control/programme_new.html", {"form": form, "budget": budget})
    form = control_forms.ProgrammeForm(request.POST, agencies=agencies)
    budget = control_forms.budget_formset(request.POST)
    context = {"form": form, "budget": budget}
    if not (form.is_valid() and budget.is_valid()):
        return render(request, "control/programme_new.html", context, status=400)
    data = form.cleaned_data
    if not policy.may_register_for(user, data["owner_agency"]):
        raise PermissionDenied
    try:
        programme = services.programme_create(
            by=user,
            title=data["title"],
            kind=data["kind"],
            control_level=data["control_level"],
            owner_agency=data["owner_agency"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            pillar=data["pillar"],
            pledge=data["pledge"],
            summary=data["summary"],
            external_code=data["external_code"],
            budget=budget.lines(),
        )
    except services.ControlError as error:
        _show_errors(form, error)
        return render(request, "control/programme_new.html", context, status=400)
    messages.success(
        request,
        _("Programme %(number)s is registered. Now set its planned curve and milestones.")
        % {"number": programme.number},
    )
    return redirect("control:curve", pk=programme.pk)


# --- one programme --------------------------------------------------------------------------------


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    programme = selectors.programme_for_user(user, pk)
    months = selectors.programme_curve(programme)
    reports = [m.report for m in months if m.report is not None]
    title = _("Planned and actual progress of %(number)s") % {"number": programme.number}
    context = {
        "programme": programme,
        "months": months,
        "reports": list(reversed(reports)),
        "has_curve": any(m.planned is not None for m in months),
        "figure": chart.s_curve_figure(months, title=title),
        "maplibre_style_id": chart.MAPLIBRE_STYLE_ID,
        "milestones": selectors.programme_milestones(programme),
        "budget": list(programme.budget.all()),
        "events": _history(programme),
        "may_report": policy.may_report(user, programme),
        "reportable": set(selectors.reportable_months(programme))
        if policy.may_report(user, programme)
        else set(),
        "may_maintain": policy.may_maintain(user, programme),
        "may_register": policy.may_register(user),
        "reason_words": services.reasons_in_words(programme.light_reasons),
        "now": clock.now(),
    }
    return render(request, "control/programme.html", context)


def _history(programme: Programme) -> list[Any]:
    events = list(selectors.programme_history(programme)[:200])
    labels = dict(Light.choices)
    for event in events:
        if event.action == ProgrammeAction.LIGHT:
            event.light_change = (  # type: ignore[attr-defined]
                labels.get(event.data.get("from"), ""),
                labels.get(event.data.get("to"), ""),
            )
    return events


@login_required
def programme_budget(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    programme = selectors.programme_for_user(user, pk)
    if not policy.may_maintain(user, programme):
        raise PermissionDenied
    initial = [
        {"year": line.year, "source": line.source, "amount": line.amount}
        for line in programme.budget.all()
    ]
    if request.method != "POST":
        formset = control_forms.budget_formset(initial=initial)
        return render(request, "control/budget.html", {"programme": programme, "budget": formset})
    formset = control_forms.budget_formset(request.POST)
    context: dict[str, Any] = {"programme": programme, "budget": formset, "errors": []}
    if not formset.is_valid():
        return render(request, "control/budget.html", context, status=400)
    try:
        services.programme_budget_set(programme=programme, by=user, budget=formset.lines())
    except services.ControlError as error:
        context["errors"] = [text for texts in error.errors.values() for text in texts]
        return render(request, "control/budget.html", context, status=400)
    messages.success(request, _("The budget is saved."))
    return redirect("control:programme", pk=programme.pk)


@login_required
def programme_curve(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    programme = selectors.programme_for_user(user, pk)
    if not policy.may_maintain(user, programme):
        raise PermissionDenied
    months = months_between(programme.start_date, programme.end_date)
    current = {
        m.month: m.planned for m in selectors.programme_curve(programme) if m.planned is not None
    }
    initial = current or control_forms.suggested_curve(months)
    data = request.POST if request.method == "POST" else None
    form = control_forms.CurveForm(data, months=months, initial_values=initial)
    context = {"programme": programme, "form": form, "suggested": not current}
    if request.method != "POST":
        return render(request, "control/curve.html", context)
    if not form.is_valid():
        return render(request, "control/curve.html", context, status=400)
    try:
        services.programme_curve_set(programme=programme, by=user, curve=form.points())
    except services.ControlError as error:
        _show_errors(form, error)
        return render(request, "control/curve.html", context, status=400)
    messages.success(request, _("The planned curve is saved."))
    return redirect("control:programme", pk=programme.pk)


@login_required
def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    programme = selectors.programme_for_user(user, pk)
    if not policy.may_maintain(user, programme):
        raise PermissionDenied
    form = control_forms.MilestoneForm(request.POST if request.method == "POST" else None)
    context = {"programme": programme, "form": form}
    if request.method != "POST":
        return render(request, "control/milestone_new.html", context)
    if not form.is_valid():
        return render(request, "control/milestone_new.html", context, status=400)
    data = form.cleaned_data
    try:
        milestone = services.milestone_add(
            programme=programme,
            by=user,
            title=data["title"],
            planned_date=data["planned_date"],
            criteria=data["criteria"],
        )
    except services.ControlError as error:
        _show_errors(form, error)
        return render(request, "control/milestone_new.html", context, status=400)
    messages.success(
        request,
        _("Milestone %(number)s is added; it is due by %(due)s.")
        % {"number": milestone.item.number, "due": roc_short(milestone.item.due_at)},
    )
    return redirect("control:programme", pk=programme.pk)


# --- milestones -----------------------------------------------------------------------------------


def _milestone_page(
    request: HttpRequest,
    milestone: Milestone,
    *,
    complete_form: control_forms.CompleteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    context = item_page_context(request, milestone.item)
    # Completion has its own form, with the day met and the evidence.
    context["action_forms"] = [a for a in context["action_forms"] if a[0] != Action.ACCEPT]
    today = to_taipei(clock.now()).date()
    context.update(
        {
            "milestone": milestone,
            "programme": milestone.programme,
            "days_late": selectors.milestone_days_late(milestone, today),
            "complete_form": (
                (complete_form or control_forms.CompleteForm(initial={"completed_on": today}))
                if policy.may_complete(user, milestone)
                else None
            ),
        }
    )
    return render(request, "control/milestone.html", context, status=status)


@login_required
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _milestone_page(request, selectors.milestone_for_user(_user(request), pk))


@login_required
@require_POST
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    milestone = selectors.milestone_for_user(user, pk)
    if not policy.may_report(user, milestone.programme):
        raise PermissionDenied
    form = control_forms.CompleteForm(request.POST)
    if not form.is_valid():
        return _milestone_page(request, milestone, complete_form=form, status=400)
    try:
        services.milestone_complete(
            milestone=milestone,
            by=user,
            completed_on=form.cleaned_data["completed_on"],
            evidence=form.cleaned_data["evidence"],
        )
    except (services.ControlError, TrackingError) as error:
        if isinstance(error, services.ControlError):
            _show_errors(form, error)
        else:
            form.add_error(None, str(error))
        return _milestone_page(request, milestone, complete_form=form, status=400)
    messages.success(request, _("The milestone is recorded as met."))
    return redirect("control:milestone", pk=milestone.pk)


# --- monthly progress -----------------------------------------------------------------------------


def _chosen_month(request: HttpRequest, months: list[date]) -> date | None:
    try:
        month = parse_month(request.GET.get("month", ""))
    except ValueError:
        return months[0] if months else None
    return month if month in months else (months[0] if months else None)


def _progress_initial(programme: Programme, month: date) -> dict[str, Any]:
    report = selectors.report_for_programme(programme, month)
    initial: dict[str, Any] = {"month": control_forms.month_value(month)}
    if report is not None:
        for name in (
            "actual_percent",
            "budget_allocated",
            "budget_executed",
            "work_done",
            "problems",
            "lag_reason",
            "remedy",
            "decrease_reason",
            "revision",
        ):
            initial[name] = getattr(report, name)
    return initial


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    programme = selectors.programme_for_user(user, pk)
    if not policy.may_report(user, programme):
        raise PermissionDenied
    months = selectors.reportable_months(programme)
    if request.method != "POST":
        month = _chosen_month(request, months)
        initial = _progress_initial(programme, month) if month else {}
        form = control_forms.ProgressForm(months=months, initial=initial)
        report = selectors.report_for_programme(programme, month) if month else None
        context = _progress_context(programme, form, months, month, report)
        return render(request, "control/progress.html", context)
    form = control_forms.ProgressForm(request.POST, months=months)
    if not form.is_valid():
        month = form.cleaned_data.get("month") if hasattr(form, "cleaned_data") else None
        report = selectors.report_for_programme(programme, month) if month else None
        context = _progress_context(programme, form, months, month, report)
        return render(request, "control/progress.html", context, status=400)
    month = form.cleaned_data["month"]
    report = selectors.report_for_programme(programme, month)
    try:
        if report is None:
            report = services.progress_submit(
                programme=programme, by=user, month=month, figures=form.figures()
            )
            text = _("The report on %(month)s is saved.")
        else:
            report = services.progress_revise(
                report=report,
                by=user,
                figures=form.figures(),
                revision=form.cleaned_data.get("revision"),
            )
            text = _("The report on %(month)s is revised.")
    except services.ControlError as error:
        _show_errors(form, error)
        context = _progress_context(programme, form, months, month, report)
        return render(request, "control/progress.html", context, status=400)
    messages.success(request, text % {"month": format_roc_month(month)})
    return redirect("control:programme", pk=programme.pk)


def _progress_context(
    programme: Programme,
    form: control_forms.ProgressForm,
    months: list[date],
    month: date | None,
    report: Any,
) -> dict[str, Any]:
    planned = None
    if month is not None:
        planned = next(
            (m.planned for m in selectors.programme_curve(programme) if m.month == month), None
        )
    return {
        "programme": programme,
        "form": form,
        "months": months,
        "month": month,
        "report": report,
        "planned": planned,
        "works": programme.kind == ProgrammeKind.WORKS,
    }
