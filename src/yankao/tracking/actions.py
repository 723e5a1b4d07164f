"""One table from an action name to its form and the service that carries it out,
shared by the pages and the API so both apply the same rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.organisation.models import Agency
from yankao.tracking import forms as action_forms
from yankao.tracking import services
from yankao.tracking.models import Action, Extension, ExtensionState, TrackedItem


@dataclass(frozen=True)
class ActionSpec:
    label: str | Promise
    form: type[forms.Form]
    run: Callable[[TrackedItem, User, dict[str, Any]], object]


def _pending_extension(item: TrackedItem) -> Extension:
    extension = item.extensions.filter(state=ExtensionState.PENDING).first()
    if extension is None:
        raise services.TrackingError(_("There is no extension request to decide."))
    return extension


def _own_agency(user: User) -> Agency:
    if user.agency is None:
        raise services.TrackingError(_("Your account belongs to no agency."))
    return user.agency


def _decide(item: TrackedItem, by: User, data: dict[str, Any]) -> object:
    return services.extension_decide(
        extension=_pending_extension(item), by=by, approve=data["approve"], note=data["note"]
    )


ACTIONS: dict[str, ActionSpec] = {
    Action.ACCEPT: ActionSpec(
        _("Accept"),
        action_forms.VersionedForm,
        lambda i, u, d: services.item_accept(item=i, by=u, version=d["version"]),
    ),
    Action.ASSIGN: ActionSpec(
        _("Assign a handler"),
        action_forms.AssignForm,
        lambda i, u, d: services.item_assign(
            item=i, to_user=d["to_user"], by=u, version=d["version"]
        ),
    ),
    Action.TRANSFER: ActionSpec(
        _("Transfer"),
        action_forms.TransferForm,
        lambda i, u, d: services.item_transfer(
            item=i, to_agency=d["to_agency"], by=u, reason=d["reason"], version=d["version"]
        ),
    ),
    Action.COHANDLER_ADD: ActionSpec(
        _("Ask another agency to co-handle"),
        action_forms.CoHandlerForm,
        lambda i, u, d: services.item_add_cohandler(
            item=i, agency=d["agency"], by=u, reason=d["reason"]
        ),
    ),
    Action.COHANDLER_REPLY: ActionSpec(
        _("Send our contribution"),
        action_forms.ReplyForm,
        lambda i, u, d: services.item_cohandler_reply(
            item=i, agency=_own_agency(u), by=u, reply=d["reply"]
        ),
    ),
    Action.REPLY_SUBMIT: ActionSpec(
        _("Reply"),
        action_forms.ReplyForm,
        lambda i, u, d: services.item_submit_reply(
            item=i, by=u, reply=d["reply"], version=d["version"]
        ),
    ),
    Action.REPLY_RETURN: ActionSpec(
        _("Return the reply for revision"),
        action_forms.ReasonForm,
        lambda i, u, d: services.item_return_reply(
            item=i, by=u, reason=d["reason"], version=d["version"]
        ),
    ),
    Action.CLOSE: ActionSpec(
        _("Approve the reply and close"),
        action_forms.VersionedForm,
        lambda i, u, d: services.item_close(item=i, by=u, version=d["version"]),
    ),
    Action.REOPEN: ActionSpec(
        _("Reopen"),
        action_forms.ReasonForm,
        lambda i, u, d: services.item_reopen(
            item=i, by=u, reason=d["reason"], version=d["version"]
        ),
    ),
    Action.WITHDRAW: ActionSpec(
        _("Withdraw"),
        action_forms.ReasonForm,
        lambda i, u, d: services.item_withdraw(
            item=i, by=u, reason=d["reason"], version=d["version"]
        ),
    ),
    Action.EXTENSION_REQUEST: ActionSpec(
        _("Request an extension"),
        action_forms.ExtensionRequestForm,
        lambda i, u, d: services.extension_request(
            item=i, by=u, reason=d["reason"], amount=d["amount"]
        ),
    ),
    Action.EXTENSION_APPROVE: ActionSpec(
        _("Decide the extension request"), action_forms.ExtensionDecisionForm, _decide
    ),
    Action.NOTE: ActionSpec(
        _("Add a note"),
        action_forms.NoteForm,
        lambda i, u, d: services.item_note(item=i, by=u, text=d["text"]),
    ),
}


def build_form(action: str, item: TrackedItem, data: Any = None) -> forms.Form:
    spec = ACTIONS[action]
    kwargs: dict[str, Any] = {"initial": {"version": item.version}, "prefix": action}
    if spec.form is action_forms.AssignForm:
        kwargs["agency_id"] = item.owner_agency_id
    return spec.form(data, **kwargs)
