"""Messages of programme control, left in the outbox inside the writing transaction
and delivered after it commits. Written in the city's language (zh-Hant): staff
read them in their mail program, outside any request's language."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yankao.accounts.models import User
from yankao.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from yankao.calendar.roc import format_roc_month, format_roc_short
from yankao.calendar.services import CalendarRangeError, add_working_days_to_date
from yankao.control.models import Programme
from yankao.control.months import report_due_day
from yankao.messaging.models import OutboxMessage
from yankao.messaging.services import absolute_url, outbox_enqueue
from yankao.organisation.models import Agency
from yankao.tracking.notifications import agency_staff_emails

REMIND = "remind"
LATE = "late"


@dataclass
class Stage:
    """The programmes of one agency whose report is due on one day, at one stage."""

    agency: Agency
    due_day: date
    stage: str
    programmes: list[Programme] = field(default_factory=list)


def _remind_from(due_day: date) -> date:
    ahead = int(settings.YANKAO_PROGRAMME_REMINDER_DAYS)
    if ahead == 0:
        return due_day
    try:
        return add_working_days_to_date(due_day, -ahead)
    except CalendarRangeError:
        return due_day


def reminder_stages(missing: list[Programme], *, month: date, today: date) -> list[Stage]:
    """Group the programmes whose report on `month` is missing by agency, due day
    and stage: a reminder from a few working days before the due day, a late
    notice after it; nothing earlier."""
    grouped: dict[tuple[int, date, str], Stage] = {}
    for programme in missing:
        due_day = report_due_day(programme.kind, month)
        if today > due_day:
            stage = LATE
        elif today >= _remind_from(due_day):
            stage = REMIND
        else:
            continue
        key = (programme.owner_agency_id, due_day, stage)
        if key not in grouped:
            grouped[key] = Stage(programme.owner_agency, due_day, stage)
        grouped[key].programmes.append(programme)
    return list(grouped.values())


def _line(programme: Programme) -> str:
    link = absolute_url(reverse("control:programme", args=[programme.pk]))
    return f"· {programme.number} {programme.title} {link}"


def _commission() -> list[str]:
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.ITEM_OVERSEE in caps]
    users = User.objects.filter(role__in=roles, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _send(to: list[str], subject: str, body: str, key: str, ref: str) -> int:
    """Queue one message; 0 when it has no recipient or was queued before."""
    if not to or OutboxMessage.objects.filter(dedupe_key=key).exists():
        return 0
    outbox_enqueue(
        to=to, subject=subject, body=body, dedupe_key=key, ref_type="control.report", ref_id=ref
    )
    return 1


def reports_missing(stages: list[Stage], *, month: date) -> int:
    """Queue the reminders and late notices; returns the messages queued."""
    sent = 0
    late_by_day: dict[date, list[Stage]] = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):
        for stage in stages:
            facts = {
                "agency": stage.agency.name,
                "month": format_roc_month(month),
                "due": format_roc_short(stage.due_day),
                "count": len(stage.programmes),
                "list": "\n".join(_line(p) for p in stage.programmes),
            }
            if stage.stage == LATE:
                late_by_day[stage.due_day].append(stage)
                subject = _("%(count)d progress reports for %(month)s are late") % facts
                body = (
                    _(
                        "The progress reports of %(agency)s for %(month)s were due by %(due)s and "
                        "have not been made. Please report at once:\n\n%(list)s"
                    )
                    % facts
                )
            else:
                subject = _("%(count)d progress reports for %(month)s are due by %(due)s") % facts
                body = (
                    _(
                        "Please report the progress of %(agency)s's programmes for %(month)s by "
                        "%(due)s:\n\n%(list)s"
                    )
                    % facts
                )
            recipients = agency_staff_emails(stage.agency, [Role.HANDLER, Role.SUPERVISOR])
            key = f"programme-report-{stage.stage}-{stage.agency.pk}-{month:%Y-%m}-{stage.due_day}"
            sent += _send(recipients, subject, body, key, str(stage.agency.pk))
        for due_day, late in late_by_day.items():
            lines = [
                f"{stage.agency.name}\n" + "\n".join(_line(p) for p in stage.programmes)
                for stage in late
            ]
            facts = {
                "month": format_roc_month(month),
                "due": format_roc_short(due_day),
                "count": sum(len(stage.programmes) for stage in late),
                "list": "\n\n".join(lines),
            }
            sent += _send(
                _commission(),
                _("%(count)d progress reports for %(month)s are late") % facts,
                _(
                    "These progress reports for %(month)s were due by %(due)s and have not "
                    "been made:\n\n%(list)s"
                )
                % facts,
                f"programme-report-late-commission-{month:%Y-%m}-{due_day}",
                "commission",
            )
    return sent
