"""The citizen's web mailbox (市長信箱) and the public case look-up. No sign-in.

Writing sends a confirmation link by e-mail; the petition is registered only when
the link is confirmed. Opening the link shows a button, and the registration
happens on the button's POST, so a mail scanner that follows links registers
nothing. The case number and the verification code are shown once.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from yankao.core.ratelimits import public_rate_limited, public_upload_refused
from yankao.core.uploads import request_too_large, upload_handlers
from yankao.petitions import services
from yankao.petitions.forms import MailboxForm, RatingForm, TrackForm
from yankao.petitions.intake import queued_by_number_and_code
from yankao.petitions.models import Petition, PetitionRating
from yankao.petitions.selectors import petition_by_number_and_code, petition_reply
from yankao.tracking.models import Status


def _language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hant"


@csrf_exempt  # checked by _write, once the upload handlers are in place
@never_cache
@public_rate_limited("mailbox")
def write(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request_too_large(request):
        # Refused unread: a request this large cannot hold what the form allows.
        error = _("The files together are too large. Attach at most 5 files of 10 MB each.")
        context = {"form": MailboxForm(), "too_large": error}
        return render(request, "petitions/mailbox_write.html", context, status=413)
    request.upload_handlers = upload_handlers(request)
    return _write(request)


@csrf_protect
def _write(request: HttpRequest) -> HttpResponse:
    form = MailboxForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "petitions/mailbox_write.html", {"form": form})
    if form.is_robot():
        # Answer a robot as if it had succeeded, so it learns nothing.
        return redirect("mailbox:sent")
    refused = public_upload_refused(request, request.FILES.getlist("attachments"))
    if refused is not None:
        return refused
    if not form.is_valid():
        return render(request, "petitions/mailbox_write.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        _submit(data)
    except services.MailboxBusy as error:
        # The form again, as typed (but for the files), saying why nothing was sent.
        context = {"form": form, "busy": str(error)}
        response = render(request, "petitions/mailbox_write.html", context, status=429)
        response["Retry-After"] = "3600"
        return response
    return redirect("mailbox:sent")


def _submit(data: dict[str, Any]) -> None:
    services.mailbox_submit(
        data={
            "category": data["category"].pk,
            "district": data["district"].pk if data["district"] else None,
            "subject": data["subject"],
            "content": data["content"],
            "address": data["address"],
            "latitude": None if data["latitude"] is None else str(data["latitude"]),
            "longitude": None if data["longitude"] is None else str(data["longitude"]),
            "name": data["name"],
            "phone": data["phone"],
            "language": _language(),
        },
        email=data["email"],
        attachments=data["attachments"],
    )


def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "petitions/mailbox_sent.html")


@never_cache
@public_rate_limited("mailbox")
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        try:
            services.mailbox_check_token(token=token)
        except services.MailboxLinkError as error:
            return render(
                request, "petitions/mailbox_link_error.html", {"error": error}, status=400
            )
        return render(request, "petitions/mailbox_confirm.html", {"token": token})
    try:
        confirmed = services.mailbox_confirm(token=token)
    except (services.MailboxLinkError, services.PetitionError) as error:
        return render(request, "petitions/mailbox_link_error.html", {"error": error}, status=400)
    context = {
        "petition": confirmed.petition,
        "item": confirmed.petition.item,
        "code": confirmed.code,
        "mailed": confirmed.mailed,
    }
    return render(request, "petitions/mailbox_registered.html", context)


def _case(petition: Petition, code: str, rating_form: RatingForm | None = None) -> dict[str, Any]:
    """What the tracking page shows of one case, with the rating form while the
    petition is closed and not yet rated."""
    item = petition.item
    rating = PetitionRating.objects.filter(petition=petition).first()
    may_rate = item.status == Status.CLOSED and rating is None
    if may_rate and rating_form is None:
        rating_form = RatingForm(initial={"number": item.number, "code": code})
    return {
        "petition": petition,
        "item": item,
        "reply": petition_reply(petition),
        "rating": rating,
        "rating_form": rating_form if may_rate else None,
    }


@never_cache
@public_rate_limited("track")
def track(request: HttpRequest) -> HttpResponse:
    """The case for a case number and its code: status, agency, due date, reply.
    Never the petitioner's personal data. POST, so the code stays out of URLs and logs."""
    form = TrackForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        petition = petition_by_number_and_code(form.cleaned_data["number"], code)
        context["looked_up"] = True
        if petition is not None:
            context.update(_case(petition, code))
        else:
            context["queued"] = queued_by_number_and_code(form.cleaned_data["number"], code)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "petitions/mailbox_track.html", context, status=status)


@never_cache
@require_POST
@public_rate_limited("track")
def rate(request: HttpRequest) -> HttpResponse:
    """The petitioner rates a closed petition, once; the case number and code
    prove it is theirs, as on the tracking page."""
    form = RatingForm(request.POST)
    number, code = request.POST.get("number", ""), request.POST.get("code", "")
    petition = petition_by_number_and_code(number, code)
    context: dict[str, object] = {"form": TrackForm(), "looked_up": True}
    if petition is None:
        return render(request, "petitions/mailbox_track.html", context, status=400)
    if not form.is_valid():
        context.update(_case(petition, code, rating_form=form))
        return render(request, "petitions/mailbox_track.html", context, status=400)
    try:
        services.petition_rate(
            petition=petition,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except services.PetitionError as error:
        context.update(_case(petition, code), rating_error=str(error))
        return render(request, "petitions/mailbox_track.html", context, status=409)
    context.update(_case(petition, code), rated=True)
    return render(request, "petitions/mailbox_track.html", context)
