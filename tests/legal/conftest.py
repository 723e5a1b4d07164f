"""Fixtures of the legal consultation tests: the city's venues, two lawyers, and a
clock frozen on Monday 2 November 2026, 09:00 in Taipei."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import Lawyer, Venue
from yankao.legal.services import venues_load


@pytest.fixture
def venues(db) -> dict[str, Venue]:
    venues_load()
    return {venue.key: venue for venue in Venue.objects.all()}


@pytest.fixture
def centre(venues) -> Venue:
    return venues["service-centre"]


@pytest.fixture
def lawyers(db) -> list[Lawyer]:
    return [factories.lawyer("陳律師"), factories.lawyer("林律師")]


@pytest.fixture
def monday_morning() -> Iterator[None]:
    with clock.frozen(factories.NOW):
        yield


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """The public pages count requests per address in the cache; every test starts
    with none counted."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def city_language() -> Iterator[None]:
    """Each test starts in the city's language, whatever a request before it chose
    (the locale middleware leaves the last request's language active)."""
    from django.utils import translation

    with translation.override("zh-hant"):
        yield
