"""Messages the engine leaves in the outbox. Called inside the writing transaction;
the outbox delivers them after commit.

Messages are written in the city's default language (zh-Hant): staff read them
in their mail program, outside any request's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yankao.accounts.models import User
from yankao.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from yankao.calendar.roc import format_roc_short_datetime as format_roc_datetime
from yankao.messaging.services import absolute_url, outbox_enqueue
from yankao.organisation.models import Agency
from yankao.tracking.kinds import get_kind
from yankao.tracking.models import Escalation, Extension, TrackedItem


def _roles_with(capability: Capability) -> list[str]:
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


def _emails(users: Iterable[User]) -> list[str]:
    return sorted({user.email for user in users if user.email})


def agency_staff_emails(agency: Agency, roles: Iterable[str]) -> list[str]:
    staff = User.objects.filter(agency=agency, role__in=list(roles), is_active=True)
    return _emails(staff.only("email"))


def _handlers_of(item: TrackedItem) -> list[str]:
    if item.assignee_id is not None and item.assignee is not None and item.assignee.email:
        return [item.assignee.email]
    return agency_staff_emails(item.owner_agency, [Role.HANDLER, Role.SUPERVISOR])


def _ancestor_paths(path: str) -> list[str]:
    """ "/kcg/pw/pw-maintenance/" → ["/kcg/", "/kcg/pw/", "/kcg/pw/pw-maintenance/"]."""
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def _supervisors_of(agency: Agency) -> list[str]:
    """The supervisors nearest the agency: its own, or else those of the closest
    agency above it (a supervisor oversees the agencies below theirs)."""
    supervisors = list(
        User.objects.filter(
            role=Role.SUPERVISOR, is_active=True, agency__path__in=_ancestor_paths(agency.path)
        )
        .exclude(email="")
        .values_list("email", "agency__path")
    )
    if not supervisors:
        return []
    nearest = max(len(path) for _email, path in supervisors)
    return sorted({email for email, path in supervisors if len(path) == nearest})


def _commission() -> list[str]:
    roles = _roles_with(Capability.ITEM_ESCALATION)
    return _emails(User.objects.filter(role__in=roles, is_active=True).only("email"))


def item_link(item: TrackedItem) -> str:
    kind = get_kind(item.kind)
    name = kind.detail_url_name or "tracking:item"
    try:
        path = reverse(name, args=[item.pk])
    except NoReverseMatch:
        path = reverse("tracking:item", args=[item.pk])
    return absolute_url(path)


def _send(item: TrackedItem, to: list[str], subject: str, body: str, key: str) -> None:
    if not to:
        return
    outbox_enqueue(
        to=to,
        subject=subject,
        body=f"{body}\n\n{item_link(item)}\n",
        dedupe_key=f"item-{item.pk}-{key}",
        ref_type="tracking.item",
        ref_id=str(item.pk),
    )


def _facts(item: TrackedItem) -> dict[str, str]:
    return {
        "number": item.number,
        "title": item.title,
        "agency": item.owner_agency.name,
        "due": format_roc_datetime(item.due_at),
    }


def item_assigned(item: TrackedItem) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        facts = _facts(item)
        _send(
            item,
            _handlers_of(item),
            _("New item %(number)s for %(agency)s") % facts,
            _("Item %(number)s “%(title)s” is now with %(agency)s. It is due by %(due)s.") % facts,
            f"assigned-{item.owner_agency_id}-{item.version}",
        )


def cohandler_requested(item: TrackedItem, agency: Agency) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        facts = {**_facts(item), "cohandler": agency.name}
        _send(
            item,
            agency_staff_emails(agency, [Role.HANDLER, Role.SUPERVISOR]),
            _("%(cohandler)s is asked to help with %(number)s") % facts,
            _(
                "%(agency)s leads item %(number)s “%(title)s” and asks %(cohandler)s "
                "to contribute. The item is due by %(due)s."
            )
            % facts,
            f"cohandler-{agency.pk}",
        )


def approval_requested(item: TrackedItem) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        facts = _facts(item)
        _send(
            item,
            _supervisors_of(item.owner_agency),
            _("Reply to %(number)s awaits your approval") % facts,
            _("The reply to item %(number)s “%(title)s” awaits approval. Due by %(due)s.") % facts,
            f"approval-{item.version}",
        )


def extension_requested(item: TrackedItem, extension: Extension) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        facts = {**_facts(item), "reason": extension.reason}
        _send(
            item,
            _supervisors_of(item.owner_agency),
            _("Extension requested for %(number)s") % facts,
            _(
                "An extension is requested for item %(number)s “%(title)s” (due by %(due)s): "
                "%(reason)s"
            )
            % facts,
            f"extension-{extension.pk}",
        )


def extension_decided(item: TrackedItem, extension: Extension) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        facts = {**_facts(item), "decision": extension.get_state_display()}
        _send(
            item,
            _emails([extension.requested_by]),
            _("Extension for %(number)s: %(decision)s") % facts,
            _(
                "The extension for item %(number)s was decided: %(decision)s. "
                "The item is due by %(due)s."
            )
            % facts,
            f"extension-{extension.pk}-decided",
        )


def item_reminder(item: TrackedItem) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        facts = _facts(item)
        _send(
            item,
            _handlers_of(item),
            _("Reminder: %(number)s is due by %(due)s") % facts,
            _("Item %(number)s “%(title)s” is due by %(due)s.") % facts,
            f"remind-{item.due_at.isoformat()}",
        )


def item_escalated(item: TrackedItem, level: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        facts = _facts(item)
        to = _commission() if level == Escalation.COMMISSION else _supervisors_of(item.owner_agency)
        _send(
            item,
            to,
            _("Overdue: %(number)s of %(agency)s") % facts,
            _("Item %(number)s “%(title)s” of %(agency)s was due by %(due)s and is still open.")
            % facts,
            f"escalate-{level}-{item.due_at.isoformat()}",
        )
    kind = get_kind(item.kind)
    if kind.on_escalated is not None:
        kind.on_escalated(item, level)
