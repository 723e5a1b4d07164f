"""Every write to the call log goes through one of these functions: keyword-only
arguments, the actor passed in, one transaction each. Permission checks belong to
the caller (policy.py, the views and the API)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.accounts.roles import Capability, Role
from yankao.core import clock
from yankao.core.taipei import to_taipei
from yankao.hotline import integrations
from yankao.hotline.models import (
    MAX_DURATION_SECONDS,
    Call,
    CallerNumberAccess,
    Language,
    Outcome,
)
from yankao.organisation.models import Agency, District
from yankao.petitions.models import Category, Channel
from yankao.petitions.services import PetitionError, Registered, petition_create
from yankao.tracking.models import TrackedItem

NOTES_MAX = 2000
NUMBER_MAX = 30
SOURCE_ID_MAX = 100
# A telephony system's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)
NUMBER_PATTERN = re.compile(r"^\+?[0-9()#*\- ]{3,30}$")


class CallError(Exception):
    """A call the log refuses; the message is fit to show to the user."""


@dataclass(frozen=True)
class Recorded:
    """A recorded call and what it raised, if anything."""

    call: Call
    petition: Registered | None = None
    ticket: Any | None = None


def _check(
    *,
    agent: User,
    started_at: datetime,
    duration_seconds: int,
    caller_number: str,
    language: str,
    outcome: str,
    notes: str,
    transferred_to: Agency | None,
    source_id: str,
    now: datetime,
) -> None:
    if agent.role != Role.AGENT or not agent.is_active:
        raise CallError(_("Calls are taken by active 1999 agents only."))
    if duration_seconds < 0:
        raise CallError(_("A call cannot last less than no time."))
    if duration_seconds > MAX_DURATION_SECONDS:
        raise CallError(_("A call cannot last more than six hours."))
    if started_at > now + CLOCK_SKEW:
        raise CallError(_("A call cannot start in the future."))
    if caller_number and not NUMBER_PATTERN.match(caller_number):
        raise CallError(_("Enter the caller's number in digits, for example 0912-345-678."))
    if language not in Language.values:
        raise CallError(_("Unknown language."))
    if outcome not in Outcome.values:
        raise CallError(_("Unknown outcome."))
    if len(notes) > NOTES_MAX:
        raise CallError(
            _("Notes can be at most %(limit)d characters (they have %(count)d).")
            % {"limit": NOTES_MAX, "count": len(notes)}
        )
    if len(source_id) > SOURCE_ID_MAX:
        raise CallError(_("The source id can be at most 100 characters."))
    if outcome == Outcome.TRANSFER and (transferred_to is None or not transferred_to.is_active):
        raise CallError(_("Choose the agency whose line the call was transferred to."))


@transaction.atomic
def call_record(
    *,
    by: User,
    agent: User,
    started_at: datetime,
    duration_seconds: int,
    outcome: str,
    caller_number: str = "",
    language: str = Language.MANDARIN,
    notes: str = "",
    article_id: int | None = None,
    article_question: str = "",
    item: TrackedItem | None = None,
    transferred_to: Agency | None = None,
    source_id: str = "",
) -> Call:
    """Record a call as taken by `agent` (recorded by the agent, or by a telephony
    system on the agent's behalf). A `source_id` already recorded is refused."""
    if not by.has_capability(Capability.CALL_TAKE):
        raise CallError(_("Your role may not record calls."))
    now = clock.now()
    caller_number, notes, source_id = caller_number.strip(), notes.strip(), source_id.strip()
    _check(
        agent=agent,
        started_at=started_at,
        duration_seconds=duration_seconds,
        caller_number=caller_number,
        language=language,
        outcome=outcome,
        notes=notes,
        transferred_to=transferred_to,
        source_id=source_id,
        now=now,
    )
    if item is not None and outcome not in (Outcome.PETITION, Outcome.TICKET):
        raise CallError(_("Only a call that raised a petition or a ticket links to one."))
    local = to_taipei(started_at)
    call = Call(
        started_at=started_at,
        duration_seconds=duration_seconds,
        day=local.date(),
        hour=local.hour,
        agent=agent,
        caller_number=caller_number,
        language=language,
        outcome=outcome,
        notes=notes,
        article_id=article_id if outcome == Outcome.KNOWLEDGE else None,
        article_question=article_question[:300] if outcome == Outcome.KNOWLEDGE else "",
        item=item,
        transferred_to=transferred_to if outcome == Outcome.TRANSFER else None,
        source_id=source_id,
        recorded_at=now,
    )
    try:
        with transaction.atomic():
            call.save(force_insert=True)
    except IntegrityError as error:
        if source_id and Call.objects.filter(source_id=source_id).exists():
            raise CallError(_("This call has already been recorded.")) from error
        raise
    return call


def _duration(started_at: datetime) -> int:
    return max(0, int((clock.now() - started_at).total_seconds()))


@dataclass(frozen=True)
class CallFacts:
    """What the agent typed during the call, as the console sends it."""

    started_at: datetime
    caller_number: str = ""
    caller_name: str = ""
    language: str = Language.MANDARIN
    subject: str = ""
    notes: str = ""
    district: District | None = None
    address: str = ""
    source_id: str = ""


def _record(agent: User, facts: CallFacts, outcome: str, **links: Any) -> Call:
    return call_record(
        by=agent,
        agent=agent,
        started_at=facts.started_at,
        duration_seconds=_duration(facts.started_at),
        caller_number=facts.caller_number,
        language=facts.language,
        outcome=outcome,
        notes=facts.notes,
        source_id=facts.source_id,
        **links,
    )


@transaction.atomic
def call_answer_from_article(*, agent: User, facts: CallFacts, article_id: int) -> Recorded:
    """End the call as answered from a knowledge article."""
    question = integrations.article_question(article_id, user=agent)
    if question is None:
        raise CallError(_("That knowledge article does not exist (any more)."))
    call = _record(
        agent, facts, Outcome.KNOWLEDGE, article_id=article_id, article_question=question
    )
    return Recorded(call=call)


@transaction.atomic
def call_raise_petition(*, agent: User, facts: CallFacts, category: Category) -> Recorded:
    """Register what the caller asked as a phone (1999) petition and end the call,
    linked to it. The petition is registered only with the call, and the call only
    with the petition."""
    if not facts.subject.strip():
        raise CallError(_("Write a short subject for the petition."))
    if not facts.notes.strip():
        raise CallError(_("Write down what the caller asks: it becomes the petition's content."))
    try:
        registered = petition_create(
            channel=Channel.PHONE,
            category=category,
            subject=facts.subject,
            content=facts.notes,
            district=facts.district,
            address=facts.address,
            petitioner_name=facts.caller_name,
            petitioner_phone=facts.caller_number,
            # The petitioner hears from the city in English if they called in English.
            language="en" if facts.language == Language.ENGLISH else "zh-hant",
            by=agent,
        )
    except PetitionError as error:
        raise CallError(str(error)) from error
    call = _record(agent, facts, Outcome.PETITION, item=registered.petition.item)
    return Recorded(call=call, petition=registered)


@transaction.atomic
def call_raise_ticket(
    *,
    agent: User,
    facts: CallFacts,
    ticket_class: Any,
    latitude: Any = None,
    longitude: Any = None,
    photos: Sequence[Any] = (),
) -> Recorded:
    """Raise a dispatch ticket (channel 1999 phone) from the call, with its map point
    and the photos the caller sent if any, and end the call, linked to it."""
    if not facts.notes.strip():
        raise CallError(_("Describe the hazard: it becomes the ticket's description."))
    description = f"{facts.subject.strip()}\n{facts.notes.strip()}".strip()
    try:
        ticket = integrations.ticket_create(
            by=agent,
            ticket_class=ticket_class,
            description=description,
            district=facts.district,
            address=facts.address,
            reporter_name=facts.caller_name,
            reporter_phone=facts.caller_number,
            latitude=latitude,
            longitude=longitude,
            photos=photos,
        )
    except integrations.ticket_errors() as error:
        raise CallError(str(error)) from error
    call = _record(agent, facts, Outcome.TICKET, item=ticket.item)
    return Recorded(call=call, ticket=ticket)


@transaction.atomic
def call_transfer(*, agent: User, facts: CallFacts, agency: Agency) -> Recorded:
    """End the call as transferred to an agency's own line."""
    return Recorded(call=_record(agent, facts, Outcome.TRANSFER, transferred_to=agency))


@transaction.atomic
def call_other(*, agent: User, facts: CallFacts) -> Recorded:
    """End a call that needed none of the above (a wrong number, a silent line, a
    thank-you)."""
    return Recorded(call=_record(agent, facts, Outcome.OTHER))


@transaction.atomic
def caller_number_access_log(
    *, call: Call, by: User, reason: str, where: str
) -> CallerNumberAccess:
    """Record that a user is about to see a caller's number unmasked."""
    if not reason.strip():
        raise CallError(_("Say why you need the caller's number."))
    return CallerNumberAccess.objects.create(
        call=call, user=by, at=clock.now(), reason=reason.strip()[:300], where=where
    )
