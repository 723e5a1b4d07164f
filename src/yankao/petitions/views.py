"""Staff pages for petitions: the fast intake, and the petition page (the petition's
facts, personal data masked, above the engine's item content).

Each view checks permission, validates input, calls one service, and renders or
redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.organisation.scoping import agency_in_scope
from yankao.petitions import masking, services
from yankao.petitions.forms import IntakeForm, PersonalDataForm, UnhandledForm
from yankao.petitions.models import Petition
from yankao.petitions.policy import may_see_personal_data
from yankao.petitions.selectors import petition_for_user
from yankao.tracking.services import TrackingError
from yankao.tracking.views import item_page_context


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _personal_data(petition: Petition, *, unmasked: bool) -> dict[str, str]:
    if unmasked:
        return {
            "name": petition.petitioner_name,
            "email": petition.petitioner_email,
            "phone": petition.petitioner_phone,
        }
    return {
        "name": masking.mask_name(petition.petitioner_name),
        "email": masking.mask_email(petition.petitioner_email),
        "phone": masking.mask_phone(petition.petitioner_phone),
    }


def _may_close_unhandled(user: User, petition: Petition) -> bool:
    item = petition.item
    agency = item.owner_agency
    return (
        item.is_open
        and user.has_capability(Capability.ITEM_WORK)
        and agency_in_scope(user, agency.pk, agency.path)
    )


def _page(
    request: HttpRequest,
    petition: Petition,
    *,
    unmasked: bool = False,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    item = petition.item
    forms = forms or {}
    may_close = _may_close_unhandled(user, petition)
    context = {
        **item_page_context(request, item),
        "petition": petition,
        "personal": _personal_data(petition, unmasked=unmasked),
        "unmasked": unmasked,
        "may_unmask": may_see_personal_data(user, petition) and not unmasked,
        "personal_form": forms.get("personal") or PersonalDataForm(),
        "unhandled_form": (
            forms.get("unhandled") or UnhandledForm(initial={"version": item.version})
            if may_close
            else None
        ),
    }
    response = render(request, "petitions/petition.html", context, status=status)
    if unmasked:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, petition_for_user(_user(request), pk))


@login_required
@require_POST
def petition_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the personal data unmasked, once, in this response; the look is logged."""
    user = _user(request)
    petition = petition_for_user(user, pk)
    if not may_see_personal_data(user, petition):
        raise PermissionDenied
    form = PersonalDataForm(request.POST)
    if not form.is_valid():
        return _page(request, petition, forms={"personal": form}, status=400)
    services.petition_personal_data_access_log(
        petition=petition, by=user, reason=form.cleaned_data["reason"], where="staff-page"
    )
    return _page(request, petition, unmasked=True)


@login_required
@require_POST
def petition_close_unhandled(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    petition = petition_for_user(user, pk)
    if not _may_close_unhandled(user, petition):
        raise PermissionDenied
    form = UnhandledForm(request.POST)
    if not form.is_valid():
        return _page(request, petition, forms={"unhandled": form}, status=400)
    number = form.cleaned_data["repeat_of"].strip()
    earlier = (
        Petition.objects.filter(item__kind="petition", item__number=number)
        .select_related("item")
        .first()
        if number
        else None
    )
    try:
        services.petition_close_unhandled(
            petition=petition,
            disposition=form.cleaned_data["disposition"],
            repeat_of=earlier,
            by=user,
            version=form.cleaned_data["version"],
        )
    except (services.PetitionError, TrackingError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The petition is closed without further handling."))
    return redirect("petitions:petition", pk=petition.pk)


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """The fast intake for counter, phone, letter and fax petitions."""
    user = _user(request)
    if not user.has_capability(Capability.ITEM_CREATE):
        raise PermissionDenied
    form = IntakeForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(request, "petitions/intake.html", {"form": form}, status=status)
    data = form.cleaned_data
    try:
        registered = services.petition_create(
            channel=data["channel"],
            category=data["category"],
            subject=data["subject"],
            content=data["content"],
            district=data["district"],
            address=data["address"],
            petitioner_name=data["name"],
            petitioner_phone=data["phone"],
            petitioner_email=data["email"],
            anonymous=data["anonymous"],
            by=user,
        )
    except services.PetitionError as error:
        form.add_error(None, str(error))
        return render(request, "petitions/intake.html", {"form": form}, status=400)
    # The code is shown on this page only (not in a redirect's flash message, which
    # would keep it in a cookie); the petitioner also gets it by e-mail if they gave one.
    item = registered.petition.item
    context = {
        "petition": registered.petition,
        "item": item,
        "code": registered.code,
        "may_open": agency_in_scope(user, item.owner_agency_id, item.owner_agency.path),
        "form": IntakeForm(),
    }
    response = render(request, "petitions/intake.html", context, status=201)
    response["Cache-Control"] = "no-store"
    return response
