"""The two businesses a call hands over to: the knowledge base (yankao.knowledge)
and dispatch tickets (yankao.dispatch), each reached through its published
functions only, so the console depends on what they promise and not on their
insides. Both are part of the platform; the console never runs without them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from yankao.accounts.models import User
from yankao.dispatch import services as dispatch
from yankao.dispatch.forms import PhotosField
from yankao.dispatch.models import TicketClass
from yankao.knowledge import selectors as knowledge
from yankao.organisation.models import District

SEARCH_LIMIT = 8


@dataclass(frozen=True)
class Hit:
    """A knowledge article as the console shows it."""

    pk: int
    question: str
    answer: str
    agency: str
    url: str
    expired: bool = False


def article_search(query: str, *, user: User, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """The knowledge base's answers to the words typed, best first."""
    query = query.strip()
    if not query:
        return []
    return [_hit(found) for found in knowledge.article_search(query, user=user, limit=limit)]


def _hit(found: knowledge.ArticleHit) -> Hit:
    return Hit(
        pk=found.article_id,
        question=found.question,
        answer=found.answer_excerpt,
        agency=found.agency_name or "",
        url=found.url or "",
        expired=found.expired,
    )


def article_question(pk: int, *, user: User) -> str | None:
    """The question of an article the user may open, or None if there is none (the
    agent's choice is checked, never trusted)."""
    visible = knowledge.articles_visible_to(user).filter(pk=pk)
    question = visible.values_list("question", flat=True).first()
    return None if question is None else str(question)


# --- dispatch tickets ----------------------------------------------------------------


def ticket_classes() -> Sequence[TicketClass]:
    return list(TicketClass.objects.filter(is_active=True))


def ticket_class(pk: int) -> TicketClass | None:
    return TicketClass.objects.filter(pk=pk, is_active=True).first()


def ticket_photos_field() -> PhotosField:
    """The dispatch ticket form's own photos field (JPEG or PNG, up to five, checked
    by content)."""
    return PhotosField()


def ticket_location(latitude: str, longitude: str) -> tuple[Any, Any]:
    """The map point as dispatch checks it (both or neither, inside the city);
    raises one of `ticket_errors()` with a message that says what is wrong."""
    return dispatch.check_location(latitude, longitude)


def ticket_create(
    *,
    by: User,
    ticket_class: TicketClass,
    description: str,
    district: District | None,
    address: str,
    reporter_name: str,
    reporter_phone: str,
    latitude: Any = None,
    longitude: Any = None,
    photos: Sequence[Any] = (),
) -> Any:
    """Raise a dispatch ticket for a 1999 call; returns the ticket (with `.item`)."""
    return dispatch.ticket_create(
        by=by,
        ticket_class=ticket_class,
        description=description,
        latitude=latitude,
        longitude=longitude,
        district=district,
        address=address,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        channel="phone",
        photos=photos,
    )


def ticket_errors() -> tuple[type[Exception], ...]:
    """The exceptions by which dispatch refuses a ticket with a message fit to show
    (its location errors are among them), so the console can show them as such."""
    return (dispatch.DispatchError,)
