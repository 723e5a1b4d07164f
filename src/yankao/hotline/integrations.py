"""The two apps a call may hand over to, built beside this one: the knowledge base
(yankao.knowledge) and dispatch tickets (yankao.dispatch). Each is reached through
its published function only, and only while it is installed; without it the console
says so instead of failing, and everything else works."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from yankao.accounts.models import User
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


def knowledge_available() -> bool:
    return apps.is_installed("yankao.knowledge")


def article_search(query: str, *, user: User, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """The knowledge base's answers to the words typed, best first; none while the
    knowledge base is not installed."""
    query = query.strip()
    if not query or not knowledge_available():
        return []
    from yankao.knowledge.selectors import article_search as search  # type: ignore[import-not-found,unused-ignore]

    return [_hit(found) for found in search(query, user=user, limit=limit)]


def _hit(found: Any) -> Hit:
    # The knowledge base's ArticleHit: article_id, question, answer_excerpt,
    # agency_name, url, expired.
    return Hit(
        pk=int(found.article_id),
        question=str(found.question),
        answer=str(found.answer_excerpt),
        agency=str(found.agency_name or ""),
        url=str(found.url or ""),
        expired=bool(getattr(found, "expired", False)),
    )


def article_question(pk: int, *, user: User) -> str | None:
    """The question of an article the user may open, or None if there is none (the
    agent's choice is checked, never trusted)."""
    if not knowledge_available():
        return None
    from yankao.knowledge.selectors import articles_visible_to  # type: ignore[import-not-found,unused-ignore]

    question = articles_visible_to(user).filter(pk=pk).values_list("question", flat=True).first()
    return None if question is None else str(question)


# --- dispatch tickets ----------------------------------------------------------------


def dispatch_available() -> bool:
    if not apps.is_installed("yankao.dispatch"):
        return False
    try:
        from yankao.dispatch import services  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return False
    return hasattr(services, "ticket_create")


def ticket_classes() -> Sequence[Any]:
    if not dispatch_available():
        return []
    model = apps.get_model("dispatch", "TicketClass")
    return list(model.objects.filter(is_active=True))


def ticket_class(pk: int) -> Any | None:
    if not dispatch_available():
        return None
    model = apps.get_model("dispatch", "TicketClass")
    return model.objects.filter(pk=pk, is_active=True).first()


def ticket_photos_field() -> Any | None:
    """The dispatch ticket form's own photos field (JPEG or PNG, up to five, checked
    by content), or None while dispatch is not installed."""
    if not dispatch_available():
        return None
    from yankao.dispatch.forms import PhotosField  # type: ignore[import-not-found,unused-ignore]

    return PhotosField()


def ticket_location(latitude: str, longitude: str) -> tuple[Any, Any]:
    """The map point as dispatch checks it (both or neither, inside the city);
    raises one of `ticket_errors()` with a message that says what is wrong."""
    if not dispatch_available():
        return None, None
    from yankao.dispatch.services import check_location  # type: ignore[import-not-found,unused-ignore]

    return check_location(latitude, longitude)


def ticket_create(
    *,
    by: User,
    ticket_class: Any,
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
    from yankao.dispatch.services import ticket_create as create  # type: ignore[import-not-found,unused-ignore]

    return create(
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
    (its own `...Error` classes), so the console can show them as such."""
    if not dispatch_available():
        return ()
    from yankao.dispatch import services  # type: ignore[import-not-found,unused-ignore]

    return tuple(
        value
        for name, value in vars(services).items()
        if name.endswith("Error")
        and isinstance(value, type)
        and issubclass(value, Exception)
        and value.__module__.startswith("yankao.dispatch")
    )
