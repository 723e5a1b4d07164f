"""No view or API handler looks rows up unscoped with what a user sends: a query
straight on a model's manager (`Model.objects.…`) in a module that answers
requests must either be reference data anyone may read, or be listed below with
the reason it is safe. Everything else goes through the business's selectors,
which scope by the user (`petitions_visible_to`, `ticket_for_user`, …).

The scan is of the source (AST), so a new unscoped look-up fails here before it
reaches a review."""

from __future__ import annotations

import ast
import functools
import inspect
from collections.abc import Iterator
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

import yankao

SRC = Path(yankao.__file__).parent

# Reference data: the same for every user, shown on public pages or in choice lists.
REFERENCE_MODELS = {
    "Agency",  # the city's agencies (names, keys, the letterhead)
    "Category",  # petition categories
    "District",  # the city's districts
    "TicketClass",  # dispatch ticket classes
    "Venue",  # public legal-aid venues
    "Lawyer",  # the volunteer lawyers list, behind the desk's own capability check
    "Pillar",  # the mayor's policy pillars (city data)
    "Pledge",  # the mayor's pledges (city data)
}

# (module, function, model) → why the look-up is safe without the user's scope.
ALLOWED = {
    # Rows of a row already scoped: the ticket or petition came from a *_for_user
    # selector (or the petitioner's number and code) before these are read.
    ("dispatch/api.py", "get_ticket", "ReportBack"): "the ticket is ticket_for_user's",
    ("dispatch/views.py", "_page", "ReportBack"): "the ticket is ticket_for_user's",
    ("dispatch/views.py", "_page", "TicketPhoto"): "the ticket is ticket_for_user's",
    ("petitions/views.py", "_page", "PetitionAttachment"): "the petition is petition_for_user's",
    ("petitions/mailbox.py", "_case", "PetitionRating"): (
        "the petition was found by its number and the petitioner's code"
    ),
    # Worklists: the rows are filtered by worklist_q(user, …), the user's scope,
    # or are the keys such a query returned.
    ("petitions/worklist.py", "petition_worklist", "Petition"): "filtered by worklist_q(user)",
    (
        "petitions/worklist.py",
        "petition_worklist_paginator",
        "TrackedItem",
    ): "filtered by worklist_q(user)",
    ("petitions/worklist.py", "worklist_rows", "Petition"): "keys from the scoped worklist query",
    ("petitions/worklist.py", "handlers_for", "User"): "agencies_in_scope(user)",
    ("petitions/worklist.py", "BulkForm", "User"): "an empty queryset, set per user",
    # The queued intake: the submitter or an overseer, else the same 404 as none.
    ("petitions/api.py", "get_queued", "PetitionIntake"): "checked at once: submitter or overseer",
    # 1999 calls: the agent named is checked against the caller (an agent records
    # only their own calls), and a call links the petition or ticket it led to by
    # number whichever agency handles it; only agents (city-wide) and the
    # telephony system may record calls.
    ("hotline/api.py", "_agent", "User"): "active agents only; an agent names only itself",
    ("hotline/api.py", "_links", "TrackedItem"): "call takers only; agents see the whole city",
    # Legal aid: sessions are public (bookable by anyone); a booking is found by
    # its number and the citizen's private code, or by the desk.
    ("legal/api.py", "_book", "Session"): "public sessions; the service checks bookability",
    ("legal/api.py", "cancel_booking", "Booking"): "number and private code, or the desk",
}


def _answering_modules() -> set[Path]:
    """Every module a URL reaches, and every API module (its routes are wrapped by
    the framework, so they are found by name)."""
    found = {*SRC.glob("*/api.py"), *SRC.glob("*/views.py"), *SRC.glob("*/*/views.py")}

    def walk(patterns: list[URLPattern | URLResolver]) -> Iterator[Path]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
                continue
            view = inspect.unwrap(pattern.callback)
            while isinstance(view, functools.partial):
                view = inspect.unwrap(view.func)
            try:
                source = inspect.getsourcefile(view)
            except TypeError:  # a callable object (the API's own routes)
                continue
            if source and Path(source).is_relative_to(SRC):
                yield Path(source)

    found.update(walk(get_resolver().url_patterns))
    return {path for path in found if path.name not in ("urls.py", "admin.py")}


def _manager_queries(path: Path) -> Iterator[tuple[str, str, int]]:
    """(enclosing top-level function or class, model, line) of each `Model.objects`."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for top in tree.body:
        name = getattr(top, "name", "<module>")
        for node in ast.walk(top):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
            ):
                yield name, node.value.id, node.lineno


def _found() -> dict[tuple[str, str, str], int]:
    found = {}
    for path in sorted(_answering_modules()):
        module = path.relative_to(SRC).as_posix()
        for function, model, line in _manager_queries(path):
            found[(module, function, model)] = line
    return found


def test_the_scan_reads_the_modules_that_answer_requests():
    modules = {path.relative_to(SRC).as_posix() for path in _answering_modules()}
    for expected in ("petitions/views.py", "petitions/past_cases.py", "open311/views.py"):
        assert expected in modules
    assert "petitions/api.py" in modules


def test_no_unscoped_lookup_in_views_and_api_handlers():
    unscoped = {
        f"{module}:{line} {function}: {model}.objects"
        for (module, function, model), line in _found().items()
        if model not in REFERENCE_MODELS and (module, function, model) not in ALLOWED
    }
    assert unscoped == set(), "scope the look-up by the user (the selectors), or allow it here"


def test_the_allow_list_names_only_lookups_that_exist():
    # A look-up removed or moved must leave the list too, or the list rots.
    assert set(ALLOWED) - set(_found()) == set()
