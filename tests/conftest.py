"""Shared fixtures: the real city (agencies from the shipped data file), and fixed,
named staff per role, as in healthchecks' alice/bob/charlie."""

import pytest

from tests import factories

# The browser fixtures (one Chromium for the whole run), for every app's browser tests.
pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the city's agencies and districts, and the petition routing that names
    them, once per test database."""
    from yankao.organisation.services import city_load
    from yankao.petitions.services import petition_reference_load

    with django_db_blocker.unblock():
        city_load()
        petition_reference_load()


@pytest.fixture
def staff(db):
    return factories.Staff.create()


@pytest.fixture(autouse=True)
def fresh_office_calendar():
    """Each test rolls its database back; the in-memory calendar must follow."""
    from yankao.calendar.services import invalidate_cache

    invalidate_cache()
    yield
    invalidate_cache()


@pytest.fixture(autouse=True)
def fresh_reference_snapshots():
    """In-memory reference snapshots must not outlive a test's rollback."""
    from yankao.core.snapshots import clear_all

    clear_all()
    yield
    clear_all()


@pytest.fixture(autouse=True)
def city_language():
    """Each test starts in the city's language (zh-Hant), whatever an earlier test in
    the same worker switched to: messages made outside a request follow it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
