"""Confirmations per recipient: a form anyone may fill in sends one address at most
CONFIRMATIONS_PER_HOUR confirmations of a kind in a clock hour, however the address
is spelt, and a request that rolls back uses none up."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from pytest_django import Settings

from tests.concurrency import at_once, needs_shared_database
from yankao.core import clock
from yankao.messaging.models import RecipientQuota
from yankao.messaging.services import recipient_quota_take, recipient_quotas_purge

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # 12:00 in Taipei


@pytest.fixture(autouse=True)
def three_an_hour(settings: Settings) -> None:
    settings.CONFIRMATIONS_PER_HOUR = 3


def take(address: str = "mei@example.org", kind: str = "mailbox-link", **kwargs) -> bool:
    return recipient_quota_take(kind=kind, address=address, **kwargs)


def test_the_fourth_confirmation_in_an_hour_is_refused():
    assert [take(now=NOON + timedelta(minutes=m)) for m in range(4)] == [True, True, True, False]


def test_another_address_and_another_kind_have_their_own_count():
    for _ in range(3):
        take(now=NOON)
    assert take("someone.else@example.org", now=NOON)
    assert take(kind="legal-booking", now=NOON)


@pytest.mark.parametrize("spelling", ["MEI@Example.org", " mei@example.org ", "mei+x@example.org"])
def test_case_spaces_and_a_plus_tag_do_not_make_another_address(spelling: str):
    for _ in range(3):
        take(now=NOON)
    assert not take(spelling, now=NOON)


def test_the_next_clock_hour_starts_afresh():
    for _ in range(3):
        take(now=NOON + timedelta(minutes=50))
    assert not take(now=NOON + timedelta(minutes=59))
    assert take(now=NOON + timedelta(minutes=60))


def test_no_limit_when_set_to_zero(settings: Settings):
    settings.CONFIRMATIONS_PER_HOUR = 0
    assert all(take(now=NOON) for _ in range(10))


class Rollback(Exception):
    pass


def test_a_request_that_rolls_back_uses_nothing_up():
    for _ in range(2):
        with pytest.raises(Rollback), transaction.atomic():
            take(now=NOON)
            raise Rollback
    assert [take(now=NOON) for _ in range(4)] == [True, True, True, False]


def test_the_address_is_not_kept_and_past_hours_are_forgotten():
    take(now=NOON)
    take(now=NOON + timedelta(hours=1))
    assert "mei" not in repr(list(RecipientQuota.objects.values()))

    with clock.frozen(NOON + timedelta(hours=1, minutes=5)):
        assert recipient_quotas_purge(now=clock.now()) == 1
    assert RecipientQuota.objects.get().hour == NOON + timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_get_no_more_than_the_limit():
    needs_shared_database()
    start = threading.Barrier(8)
    results: list[bool] = []

    def send() -> None:
        start.wait()
        with transaction.atomic():
            results.append(take(now=NOON))

    assert at_once(send, threads=8) == []
    assert sorted(results) == [False] * 5 + [True] * 3
