"""What the petitioner is told by e-mail, and only if they gave an address: the
confirmation link, the case number and code, a transfer to another agency (§171),
an extension of the deadline, and the reply at closing (also to the petitioners of
cases merged into this one). Messages go through the outbox, in the caller's
transaction, and are written in the language the petitioner used.

The two confirmations go to an address anyone may type, so they quote nothing the
sender typed (only the city's text, the case number and how to follow it), carry
their secret sealed (the link, the code), and each goes to one address at most
CONFIRMATIONS_PER_HOUR times an hour (docs/adr/0021)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yankao.calendar.roc import format_roc_short
from yankao.messaging.services import absolute_url, outbox_enqueue, recipient_quota_take
from yankao.petitions.models import Petition
from yankao.tracking.models import Action, Extension, ItemEvent, TrackedItem


def _send(petition: Petition, subject: str, body: str, key: str) -> None:
    if not petition.petitioner_email:
        return
    outbox_enqueue(
        to=[petition.petitioner_email],
        subject=subject,
        body=body,
        dedupe_key=f"petition-{petition.pk}-{key}",
        ref_type="petitions.petition",
        ref_id=str(petition.pk),
    )


MAILBOX_LINK = "mailbox-link"
REGISTERED = "petition-registered"


def mailbox_confirmation_allowed(email: str) -> bool:
    """Whether one more confirmation link may go to this address this hour (and
    count it): ask before keeping the draft that the link would confirm."""
    return recipient_quota_take(kind=MAILBOX_LINK, address=email)


def mailbox_confirmation(*, email: str, token: str, draft_id: int) -> None:
    """The link that registers a draft. Sent to whatever address was typed, so it
    says nothing of what was written: ask `mailbox_confirmation_allowed` first."""
    link = absolute_url(reverse("mailbox:confirm", args=[token]))
    body = _(
        "Someone wrote to the mayor's mailbox and gave this e-mail address.\n\n"
        "If it was you, open this link within 24 hours to register the message as a "
        "petition:\n%(link)s\n\n"
        "If you did not write to us, ignore this e-mail and nothing will be registered."
    ) % {"link": link}
    outbox_enqueue(
        to=[email],
        subject=_("Please confirm your message to the mayor's mailbox"),
        body=body,
        dedupe_key=f"mailbox-draft-{draft_id}",
        ref_type="petitions.draft",
        ref_id=str(draft_id),
        secret=link,
    )


def petition_registered(petition: Petition, code: str) -> bool:
    """The case number and code, unless the address had its hour's confirmations
    already; returns whether the message was queued (the page or the API answer
    shows the number and code either way)."""
    email = petition.petitioner_email
    if not email or not recipient_quota_take(kind=REGISTERED, address=email):
        return False
    item = petition.item
    with translation.override(petition.language):
        body = _(
            "A petition with this e-mail address is registered as case %(number)s and "
            "handled by %(agency)s, due by %(due)s.\n\nIts verification code is %(code)s. "
            "Keep it: with the case number it lets you follow the case at\n%(link)s"
        ) % {
            "number": item.number,
            "agency": item.owner_agency.name,
            "due": format_roc_short(item.due_at),
            "code": code,
            "link": absolute_url(reverse("mailbox:track")),
        }
        subject = _("Your petition is registered as case %(number)s") % {"number": item.number}
        outbox_enqueue(
            to=[email],
            subject=subject,
            body=body,
            dedupe_key=f"petition-{petition.pk}-registered",
            ref_type="petitions.petition",
            ref_id=str(petition.pk),
            secret=code,
        )
    return True


def _reply_text(item: TrackedItem, event: ItemEvent) -> str:
    if event.reason:
        return event.reason
    submitted = item.events.filter(action=Action.REPLY_SUBMIT).order_by("-at", "-pk").first()
    return submitted.reason if submitted else ""


def _transferred(petition: Petition, event: ItemEvent) -> None:
    agency = event.to_agency.name if event.to_agency else ""
    body = _(
        "Your petition %(number)s “%(subject)s” concerns the duties of another agency, "
        "and has been transferred to %(agency)s, which will answer you."
    ) % {"number": petition.item.number, "subject": petition.subject, "agency": agency}
    subject = _("Your petition %(number)s was transferred to %(agency)s") % {
        "number": petition.item.number,
        "agency": agency,
    }
    _send(petition, subject, body, f"transfer-{event.pk}")


def _closed(petition: Petition, event: ItemEvent) -> None:
    reply = _reply_text(petition.item, event)
    body = _("The reply of %(agency)s to your petition %(number)s “%(subject)s”:\n\n%(reply)s") % {
        "agency": petition.item.owner_agency.name,
        "number": petition.item.number,
        "subject": petition.subject,
        "reply": reply,
    }
    subject = _("Reply to your petition %(number)s") % {"number": petition.item.number}
    _send(petition, subject, body, f"close-{event.pk}")


def _extension_reason(event: ItemEvent) -> str:
    extension_pk = (event.data or {}).get("extension")
    if extension_pk is None:
        return ""
    reason = Extension.objects.filter(pk=extension_pk).values_list("reason", flat=True).first()
    return reason or ""


def _extended(petition: Petition, event: ItemEvent) -> None:
    body = _(
        "Your petition %(number)s “%(subject)s” needs more time: %(agency)s now answers "
        "by %(due)s.\n\nThe reason: %(reason)s"
    ) % {
        "number": petition.item.number,
        "subject": petition.subject,
        "agency": petition.item.owner_agency.name,
        "due": format_roc_short(petition.item.due_at),
        "reason": _extension_reason(event) or "—",
    }
    subject = _("Your petition %(number)s: the answer is due by %(due)s") % {
        "number": petition.item.number,
        "due": format_roc_short(petition.item.due_at),
    }
    _send(petition, subject, body, f"extension-{event.pk}")


def _merged_reply_body(merged: Petition, main: Petition, reply: str) -> tuple[str, str]:
    body = _(
        "Your petition %(number)s “%(subject)s” was merged into case %(main)s on the same "
        "matter. The reply of %(agency)s:\n\n%(reply)s"
    ) % {
        "number": merged.item.number,
        "subject": merged.subject,
        "main": main.item.number,
        "agency": main.item.owner_agency.name,
        "reply": reply,
    }
    return _("Reply to your petition %(number)s") % {"number": merged.item.number}, body


def merged_reply(merged: Petition, main: Petition) -> None:
    """Send a merged petition's petitioner the reply of the case it was merged into."""
    closing = main.item.events.filter(action=Action.CLOSE).order_by("-at", "-pk").first()
    if closing is None or not merged.petitioner_email:
        return
    with translation.override(merged.language):
        subject, body = _merged_reply_body(merged, main, _reply_text(main.item, closing))
        _send(merged, subject, body, f"merged-reply-{closing.pk}")


def _closed_with_merged(main: Petition, event: ItemEvent) -> None:
    reply = _reply_text(main.item, event)
    for merged in main.merged.select_related("item").exclude(petitioner_email=""):
        with translation.override(merged.language):
            subject, body = _merged_reply_body(merged, main, reply)
            _send(merged, subject, body, f"merged-reply-{event.pk}")


def petition_event(item: TrackedItem, event: ItemEvent) -> None:
    """The engine's hook: runs inside the transaction of every history entry."""
    if event.action not in (Action.TRANSFER, Action.CLOSE, Action.EXTENSION_APPROVE):
        return
    petition = Petition.objects.filter(item_id=item.pk).first()
    if petition is None:
        return
    petition.item = item
    if event.action == Action.CLOSE:
        _closed_with_merged(petition, event)
    if not petition.petitioner_email:
        return
    with translation.override(petition.language):
        if event.action == Action.TRANSFER:
            _transferred(petition, event)
        elif event.action == Action.EXTENSION_APPROVE:
            _extended(petition, event)
        else:
            _closed(petition, event)
