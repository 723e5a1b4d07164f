"""The citizen's web mailbox (市長信箱) and the public case look-up. No sign-in.

Writing sends a confirmation link by e-mail; the petition is registered only when
the link is confirmed. Opening the link shows a button, and the registration
happens on the button's POST, so a mail scanner that follows links registers
nothing. The case number and the verification code are shown once.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache

from yankao.petitions import services
from yankao.petitions.forms import MailboxForm, TrackForm
from yankao.petitions.selectors import petition_by_number_and_code, petition_reply


def _language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hant"


@never_cache
def write(request: HttpRequest) -> HttpResponse:
    form = MailboxForm(request.POST or None)
    if request.method != "POST":
        return render(request, "petitions/mailbox_write.html", {"form": form})
    if form.is_robot():
        # Answer a robot as if it had succeeded, so it learns nothing.
        return redirect("mailbox:sent")
    if not form.is_valid():
        return render(request, "petitions/mailbox_write.html", {"form": form}, status=400)
    data = form.cleaned_data
    services.mailbox_submit(
        data={
            "category": data["category"].pk,
            "district": data["district"].pk if data["district"] else None,
            "subject": data["subject"],
            "content": data["content"],
            "address": data["address"],
            "name": data["name"],
            "phone": data["phone"],
            "language": _language(),
        },
        email=data["email"],
    )
    return redirect("mailbox:sent")


def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "petitions/mailbox_sent.html")


@never_cache
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
    }
    return render(request, "petitions/mailbox_registered.html", context)


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    """The case for a case number and its code: status, agency, due date, reply.
    Never the petitioner's personal data. POST, so the code stays out of URLs and logs."""
    form = TrackForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        petition = petition_by_number_and_code(
            form.cleaned_data["number"], form.cleaned_data["code"]
        )
        context["looked_up"] = True
        if petition is not None:
            context.update(petition=petition, item=petition.item, reply=petition_reply(petition))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "petitions/mailbox_track.html", context, status=status)
