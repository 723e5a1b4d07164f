"""Reads of petitions that follow rules: routing, scoping, the public look-up, the
reply templates on offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404

from yankao.accounts.models import User
from yankao.calendar.roc import format_roc_long
from yankao.calendar.services import add_working_days
from yankao.core.codes import PETITION_VERIFICATION
from yankao.organisation.models import Agency, District
from yankao.organisation.reference import organisation_holding
from yankao.petitions.models import (
    Category,
    Petition,
    PetitionAttachment,
    PetitionRating,
    ReplyTemplate,
    RoutingRule,
)
from yankao.petitions.reference_cache import reference_holding
from yankao.tracking.models import Action, Status, TrackedItem
from yankao.tracking.selectors import item_visibility_q


def petition_route(category: Category, district: District | None) -> Agency | None:
    """The responsible agency: a rule for the category in the district, then for the
    category anywhere, then the same for its main category. One query."""
    candidates = [category.pk] + ([category.parent_id] if category.parent_id else [])
    where = Q(district__isnull=True)
    if district is not None:
        where |= Q(district=district)
    rules = RoutingRule.objects.filter(where, category_id__in=candidates).select_related("agency")
    rank = {
        (cat, dist): n
        for n, (cat, dist) in enumerate(
            (cat, dist)
            for cat in candidates
            for dist in ([district.pk] if district else []) + [None]
        )
    }
    best = min(rules, key=lambda rule: rank[(rule.category_id, rule.district_id)], default=None)
    return best.agency if best else None


def petitions_visible_to(user: User) -> QuerySet[Petition]:
    return Petition.objects.filter(item_visibility_q(user, "item__"))


def ratings_visible_to(user: User) -> QuerySet[PetitionRating]:
    """The petitioners' ratings of the petitions the user may see."""
    return PetitionRating.objects.filter(
        item_visibility_q(user, "petition__item__")
    ).select_related("petition__item__owner_agency")


def petition_for_user(
    user: User, pk: int, *, with_rating: bool = False, with_handler: bool = True
) -> Petition:
    """One petition the user may see (the same rule as its tracked item), or 404.

    Its category and district come from the reference snapshot, and the petition a
    repeat or a merged case points to by a query of its own, run only when there is
    one: each table joined costs PostgreSQL's planner more than the row costs to
    read (seven tables took 5 ms a case page, three take 2.7). The agency, which
    decides what the user may do, is read with the item, and so is its handler
    unless `with_handler` is false; `with_rating`, for the case page, joins the
    petitioner's rating too (one row at most, by its key)."""
    related = ["item__owner_agency"]
    related += (["item__assignee"] if with_handler else []) + (["rating"] if with_rating else [])
    petition = get_object_or_404(petitions_visible_to(user).select_related(*related), pk=pk)
    # Django's prefetching costs a millisecond a relation even when the key is empty.
    linked = [name for name in ("repeat_of", "merged_into") if getattr(petition, f"{name}_id")]
    if linked:
        with_items = Petition.objects.select_related("item")
        prefetch_related_objects([petition], *(Prefetch(name, with_items) for name in linked))
    kept = reference_holding(categories=[petition.category_id])
    petition.category = kept.category_by_id[petition.category_id]
    if petition.district_id is not None:
        places = organisation_holding(districts=[petition.district_id])
        petition.district = places.district_by_id[petition.district_id]
    return petition


def petition_by_number_and_code(number: str, code: str) -> Petition | None:
    """The public look-up: a petition only for its case number with its code."""
    petition = (
        Petition.objects.filter(item__kind="petition", item__number=number.strip())
        .select_related("item__owner_agency", "category__parent")
        .first()
    )
    stored = petition.verification_hash if petition else ""
    return petition if PETITION_VERIFICATION.matches(code, stored) else None


@dataclass(frozen=True)
class Reply:
    text: str
    at: datetime


def petition_reply(petition: Petition) -> Reply | None:
    """The reply given at closing (the handler's reply, approved or not), if closed."""
    item = petition.item
    if item.status != Status.CLOSED or item.closed_at is None:
        return None
    events = item.events.filter(action__in=[Action.CLOSE, Action.REPLY_SUBMIT]).order_by(
        "-at", "-pk"
    )
    for event in events:
        if event.reason:
            return Reply(text=event.reason, at=item.closed_at)
    return Reply(text="", at=item.closed_at)


def categories_for_choice(*, codes: bool = True) -> list[tuple[str, list[tuple[int, str]]]]:
    """Active sub-items grouped under their main item, for a select with optgroups;
    labelled with their codes ("0103 路燈") or by name alone ("路燈")."""

    def label(category: Category) -> str:
        return str(category) if codes else category.name

    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    mains = Category.objects.filter(parent__isnull=True, is_active=True).order_by("code")
    for main in mains:
        groups[main.pk] = (label(main), [])
    subs = Category.objects.filter(parent__isnull=False, is_active=True).order_by("code")
    for sub in subs:
        if sub.parent_id in groups:
            groups[sub.parent_id][1].append((sub.pk, label(sub)))
    return [group for group in groups.values() if group[1]]


def petition_attachment_for_user(user: User, pk: int, attachment_pk: int) -> PetitionAttachment:
    """An attachment of a petition the user may see, or 404 (never a draft's)."""
    petition = petition_for_user(user, pk)
    return get_object_or_404(PetitionAttachment, petition=petition, pk=attachment_pk)


def reply_templates_for(petition: Petition) -> list[ReplyTemplate]:
    """The active templates for the petition's category, its main category, and the
    general ones (no category), the most specific first. One query."""
    category = petition.category
    rank = {category.pk: 0, category.parent_id: 1, None: 2}
    templates = ReplyTemplate.objects.filter(
        Q(category__isnull=True) | Q(category_id__in=[c for c in rank if c is not None]),
        is_active=True,
    )
    return sorted(templates, key=lambda t: (rank[t.category_id], t.title, t.pk))


def reply_template_text(template: ReplyTemplate, petition: Petition) -> str:
    """The template's body with its placeholders filled in. Plain replacement, not
    str.format, so stray braces in a body are left as written. Personal data is
    never a placeholder: filling one in would show it unlogged."""
    item = petition.item
    values = {
        "{案號}": item.number,
        "{承辦機關}": item.owner_agency.name,
        "{主旨}": petition.subject,
        "{收件日期}": format_roc_long(item.received_at),
    }
    text = template.body
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def transfer_due(item: TrackedItem) -> datetime | None:
    """By when an open petition that is not for this agency should be transferred
    (移文): within settings.PETITION_TRANSFER_WORKING_DAYS working days of reaching
    the agency (the next working day, as the city's practice is)."""
    if not item.is_open:
        return None
    return add_working_days(item.clock_started_at, settings.PETITION_TRANSFER_WORKING_DAYS)
