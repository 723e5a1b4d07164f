"""Weekly reminders to each agency of its knowledge-base articles due for review or
expired, so the 1999 centre never reads out a stale answer. One e-mail per agency
per week, through the outbox, to its handlers and supervisors."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yankao.accounts.roles import Role
from yankao.calendar.roc import format_roc_short
from yankao.knowledge.models import Article, ArticleStatus
from yankao.knowledge.selectors import REVIEW_AHEAD_DAYS
from yankao.messaging.services import absolute_url, outbox_enqueue
from yankao.organisation.models import Agency
from yankao.tracking.notifications import agency_staff_emails


@transaction.atomic
def review_reminders_send(*, today: date | None = None) -> int:
    """E-mail every agency with published articles to review within REVIEW_AHEAD_DAYS
    (or already expired) the list of them. Returns how many agencies were told."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=REVIEW_AHEAD_DAYS)
    due = (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .filter(Q(review_on__lte=soon) | Q(valid_until__lt=today))
        .order_by("review_on", "pk")
        .values_list("owner_id", "pk", "question", "review_on", "valid_until")
    )
    by_agency: dict[int, list[tuple[int, str, date | None, date | None]]] = defaultdict(list)
    for owner_id, pk, question, review_on, valid_until in due:
        by_agency[owner_id].append((pk, question, review_on, valid_until))
    week = today.isocalendar()
    told = 0
    for agency in Agency.objects.filter(pk__in=list(by_agency)):
        recipients = agency_staff_emails(agency, [Role.HANDLER, Role.SUPERVISOR])
        if not recipients:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            lines = [
                _("· %(question)s (review by %(review)s%(expired)s) %(link)s")
                % {
                    "question": question,
                    "review": format_roc_short(review_on) if review_on else "—",
                    "expired": _(", expired") if valid_until and valid_until < today else "",
                    "link": absolute_url(reverse("knowledge:article", args=[pk])),
                }
                for pk, question, review_on, valid_until in by_agency[agency.pk]
            ]
            body = _(
                "These knowledge-base articles of %(agency)s are due for review or have "
                "expired. The 1999 centre reads them to callers: please update or archive "
                "them.\n\n%(list)s\n\nThe whole list: %(review)s"
            ) % {
                "agency": agency.name,
                "list": "\n".join(lines),
                "review": absolute_url(reverse("knowledge:review")),
            }
            subject = _("%(count)d knowledge-base articles to review") % {"count": len(lines)}
        outbox_enqueue(
            to=recipients,
            subject=subject,
            body=body,
            dedupe_key=f"knowledge-review-{agency.pk}-{week.year}-{week.week}",
            ref_type="knowledge.review",
            ref_id=str(agency.pk),
        )
        told += 1
    return told
