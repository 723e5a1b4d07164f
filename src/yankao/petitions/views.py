"""Staff pages for petitions: the fast intake, the petition page (the petition's
facts, personal data masked, its attachments, rating and reply templates, above the
engine's item content), attachment downloads and the printable reply letter.

Each view checks permission, validates input, calls one service, and renders or
redirects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.calendar.templatetags.roc import roc_short
from yankao.core import clock, masking, tables
from yankao.core.forms import PersonalDataForm
from yankao.core.uploads import request_too_large, upload_handlers
from yankao.organisation.models import Agency, AgencyLevel
from yankao.organisation.scoping import agency_in_scope
from yankao.petitions import services
from yankao.petitions.duplicates import (
    Suggestion,
    possible_duplicates,
    possible_repeats,
)
from yankao.petitions.forms import IntakeForm, RelationForm, UnhandledForm
from yankao.petitions.models import Petition, PetitionAttachment
from yankao.petitions.policy import may_see_personal_data
from yankao.petitions.selectors import (
    petition_attachment_for_user,
    petition_for_user,
    petition_reply,
    petitions_visible_to,
    reply_template_text,
    reply_templates_for,
    transfer_due,
)
from yankao.tracking.actions import build_form
from yankao.tracking.models import Action, Status
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
            "address": petition.petitioner_address,
        }
    return {
        "name": masking.mask_name(petition.petitioner_name),
        "email": masking.mask_email(petition.petitioner_email),
        "phone": masking.mask_phone(petition.petitioner_phone),
        "address": masking.mask_address(petition.petitioner_address),
    }


def _may_close_unhandled(user: User, petition: Petition) -> bool:
    item = petition.item
    agency = item.owner_agency
    return (
        item.is_open
        and user.has_capability(Capability.ITEM_WORK)
        and agency_in_scope(user, agency.pk, agency.path)
    )


def _may_relate(user: User, petition: Petition) -> bool:
    """Relating and merging is the owning agency's handlers' and supervisors' work."""
    agency = petition.item.owner_agency
    return user.has_capability(Capability.ITEM_WORK) and agency_in_scope(
        user, agency.pk, agency.path
    )


def _reply_templates(
    request: HttpRequest, petition: Petition, action_forms: list[tuple[str, Any, Any]]
) -> dict[str, Any]:
    """The category's reply templates, offered while the user may reply. A link per
    template reloads the page with ?template=; that template then fills a reply form
    shown open beside the list (no script needed)."""
    if not any(action == Action.REPLY_SUBMIT for action, _label, _form in action_forms):
        return {"reply_templates": []}
    templates = reply_templates_for(petition)
    chosen = next((t for t in templates if str(t.pk) == request.GET.get("template")), None)
    form = None
    if chosen is not None:
        form = build_form(Action.REPLY_SUBMIT, petition.item)
        form.initial["reply"] = reply_template_text(chosen, petition)
        form.auto_id = "template-%s"  # the actions list holds another reply form
    return {"reply_templates": templates, "template_chosen": chosen, "template_form": form}


LINKED_CASE_FIELDS = ("subject", "item__number", "item__status")


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
    item_context = item_page_context(request, item)
    # The merged and related cases show their number, subject and status alone:
    # reading those columns spares Django compiling some sixty others for each.
    merged = list(petition.merged.select_related("item").only(*LINKED_CASE_FIELDS))
    context = {
        **item_context,
        **_reply_templates(request, petition, item_context["action_forms"]),
        "petition": petition,
        "attachments": list(PetitionAttachment.objects.filter(petition=petition)),
        "rating": getattr(petition, "rating", None),  # read with it by petition_detail
        "may_print_letter": may_see_personal_data(user, petition),
        "personal": _personal_data(petition, unmasked=unmasked),
        "unmasked": unmasked,
        "may_unmask": may_see_personal_data(user, petition) and not unmasked,
        "personal_form": forms.get("personal") or PersonalDataForm(),
        "unhandled_form": (
            forms.get("unhandled") or UnhandledForm(initial={"version": item.version})
            if may_close
            else None
        ),
        "may_see_suggestions": may_close,
        "transfer_due": transfer_due(item),
        "now": clock.now(),
        "merged_cases": merged,
        "related_cases": list(
            petition.related.select_related("item")
            .only(*LINKED_CASE_FIELDS)
            .order_by("item__number")
        ),
        "may_relate": _may_relate(user, petition),
        "may_merge": may_close and not merged,
        "relation_form": forms.get("relation") or RelationForm(),
    }
    response = render(request, "petitions/petition.html", context, status=status)
    if unmasked:
        response["Cache-Control"] = "no-store"
    return response


def _suggestions(user: User, petition: Petition) -> list[Suggestion]:
    """Possible duplicates and repeats, limited to petitions the user may see."""
    found = possible_repeats(petition) + possible_duplicates(petition)
    visible = set(
        petitions_visible_to(user)
        .filter(pk__in=[s.petition.pk for s in found])
        .values_list("pk", flat=True)
    )
    return [s for s in found if s.petition.pk in visible]


@dataclass(frozen=True)
class SuggestionRow:
    """One suggestion as the list shows it, worked out here (twenty of them through
    the template's lookups, URL tags and translations cost more than finding them)."""

    url: str
    number: str
    subject: str
    received: str
    status: str
    why: str
    mergeable: bool  # a duplicate can be merged; a repeat only related
    merge_label: str
    relate_label: str


def _suggestion_rows(suggestions: list[Suggestion]) -> list[SuggestionRow]:
    statuses = tables.labels(Status.choices)
    petition_url = tables.keyed_url("petitions:petition")
    rows = []
    for suggestion in suggestions:
        other, item = suggestion.petition, suggestion.petition.item
        if suggestion.reason == "nearby":
            why = _("%(metres)s m away") % {"metres": floatformat(suggestion.score, 0)}
        elif suggestion.reason == "similar_text":
            why = _("similar wording (%(percent)s)") % {"percent": floatformat(suggestion.score, 2)}
        else:
            why = _("same petitioner, same matter")
        number = {"number": item.number}
        rows.append(
            SuggestionRow(
                url=petition_url(other.pk),
                number=item.number,
                subject=other.subject,
                received=roc_short(item.received_at),
                status=statuses.get(item.status, item.status),
                why=why,
                mergeable=suggestion.reason != "same_petitioner",
                merge_label=_("Merge into %(number)s") % number,
                relate_label=_("Relate to %(number)s") % number,
            )
        )
    return rows


@login_required
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, petition_for_user(_user(request), pk, with_rating=True))


@login_required
@require_GET
def petition_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """Possible duplicates and repeats of an open petition, for its handlers. Judging
    a hundred candidates' wording costs more than the rest of the petition page, so
    the page loads this with htmx once it is shown (a link without script); asked
    for by htmx it is the list alone, otherwise a page of its own."""
    user = _user(request)
    petition = petition_for_user(user, pk, with_handler=False)
    if not _may_close_unhandled(user, petition):
        raise PermissionDenied
    context = {
        "petition": petition,
        "item": petition.item,
        "suggestions": _suggestion_rows(_suggestions(user, petition)),
        "may_relate": _may_relate(user, petition),
        "may_merge": not petition.merged.exists(),
    }
    partial = bool(getattr(request, "htmx", False))
    template = "petitions/_suggestions.html" if partial else "petitions/suggestions.html"
    return render(request, template, context)


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
    # Only a case the user may see: an unscoped look-up told a handler whether
    # another agency's case existed, and put its closing date in this case's history.
    earlier = (
        petitions_visible_to(user).filter(item__number=number).select_related("item").first()
        if number
        else None
    )
    if number and earlier is None:
        form.add_error("repeat_of", _("No petition you may see has the number %s.") % number)
        return _page(request, petition, forms={"unhandled": form}, status=400)
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
@require_POST
def petition_relate(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this petition into another case (併案), relate the two, or undo a relation."""
    user = _user(request)
    petition = petition_for_user(user, pk)
    if not _may_relate(user, petition):
        raise PermissionDenied
    form = RelationForm(request.POST)
    if not form.is_valid():
        return _page(request, petition, forms={"relation": form}, status=400)
    how = form.cleaned_data["how"]
    if how == "merge" and not _may_close_unhandled(user, petition):
        raise PermissionDenied
    number = form.cleaned_data["number"].strip()
    other = (
        petitions_visible_to(user)
        .filter(item__number=number)
        .select_related("item__owner_agency")
        .first()
    )
    if other is None:
        form.add_error("number", _("No petition you may see has the number %s.") % number)
        return _page(request, petition, forms={"relation": form}, status=400)
    try:
        if how == "merge":
            services.petition_merge(
                petition=petition, into=other, by=user, version=form.cleaned_data["version"]
            )
            done = _("This petition is merged into case %s.") % other.item.number
        elif how == "link":
            services.petition_link(petition=petition, other=other, by=user)
            done = _("This petition is now related to case %s.") % other.item.number
        else:
            services.petition_unlink(petition=petition, other=other, by=user)
            done = _("This petition is no longer related to case %s.") % other.item.number
    except (services.PetitionError, TrackingError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("petitions:petition", pk=petition.pk)


@login_required
@csrf_exempt  # checked by _intake, once the upload handlers are in place
def intake(request: HttpRequest) -> HttpResponse:
    """The fast intake for counter, phone, letter and fax petitions (a letter or a
    fax carries its scan as an attachment)."""
    if not _user(request).has_capability(Capability.ITEM_CREATE):
        raise PermissionDenied
    if request.method == "POST" and request_too_large(request):
        context = {
            "form": IntakeForm(),
            "too_large": _(
                "The files together are too large. Attach at most 5 files of 10 MB each."
            ),
        }
        return render(request, "petitions/intake.html", context, status=413)
    request.upload_handlers = upload_handlers(request)
    return _intake(request)


@csrf_protect
def _intake(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = IntakeForm(request.POST or None, request.FILES or None)
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
            latitude=data["latitude"],
            longitude=data["longitude"],
            petitioner_name=data["name"],
            petitioner_phone=data["phone"],
            petitioner_email=data["email"],
            petitioner_address=data["postal_address"],
            anonymous=data["anonymous"],
            attachments=data["attachments"],
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


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An attachment, to those who may see the petitioner's personal data (scans of
    letters carry names and addresses; others who see the petition get 403, the rest
    404), logged as a look at personal data, and always as a download: never shown
    inline, never guessed at by the browser."""
    user = _user(request)
    attachment = petition_attachment_for_user(user, pk, attachment_pk)
    petition = petition_for_user(user, pk)
    if not may_see_personal_data(user, petition):
        raise PermissionDenied
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Opening an attachment")
    services.petition_personal_data_access_log(
        petition=petition, by=user, reason=reason, where="attachment"
    )
    try:
        content = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        content,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _city_name(agency: Agency) -> str:
    """The letterhead: the city government at the top of the agency's tree."""
    root_key = agency.path.strip("/").split("/")[0]
    root = Agency.objects.filter(key=root_key, level=AgencyLevel.CITY).first()
    return root.name if root else ""


@login_required
def reply_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply as an A4 letter to post to a petitioner without e-mail. It prints
    the name and postal address, so only those who may see personal data get it,
    and each printing is logged as a look at them."""
    user = _user(request)
    petition = petition_for_user(user, pk)
    if not may_see_personal_data(user, petition):
        raise PermissionDenied
    reply = petition_reply(petition)
    if reply is None:
        messages.error(request, _("A reply letter can be printed once the petition is answered."))
        return redirect("petitions:petition", pk=petition.pk)
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Printing the reply letter")
    services.petition_personal_data_access_log(
        petition=petition, by=user, reason=reason, where="reply-letter"
    )
    item = petition.item
    context = {
        "petition": petition,
        "item": item,
        "reply": reply,
        "city": _city_name(item.owner_agency),
        "agency": item.owner_agency,
        "unit": item.owner_unit,
        "today": clock.now(),
    }
    response = render(request, "petitions/reply_letter.html", context)
    response["Cache-Control"] = "no-store"
    return response
