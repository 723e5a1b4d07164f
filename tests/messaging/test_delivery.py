"""Delivery: each message is sent by one worker at a time, retried with backoff,
and declared dead after the last attempt."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from tests.messaging.factories import make_message
from yankao.messaging.channels import registry
from yankao.messaging.models import OutboxMessage, Status
from yankao.messaging.services import (
    LEASE,
    outbox_claim,
    outbox_deliver,
    outbox_deliver_due,
    outbox_retry,
    retry_delay,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def now() -> datetime:
    return timezone.now()


def reload(message: OutboxMessage) -> OutboxMessage:
    message.refresh_from_db()
    return message


def test_delivering_a_message_twice_sends_it_once(sent: list[int]) -> None:
    message = make_message()

    assert outbox_deliver(message.pk) == Status.SENT
    assert outbox_deliver(message.pk) is None

    assert sent == [message.pk]
    assert reload(message).status == Status.SENT
    assert message.attempts == 1


def test_only_one_of_two_racing_claims_wins(now: datetime) -> None:
    message = make_message()

    first = outbox_claim(message.pk, now=now)
    second = outbox_claim(message.pk, now=now)

    assert first == now + LEASE
    assert second is None
    assert reload(message).status == Status.SENDING


def test_a_second_worker_cannot_send_a_message_that_is_being_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = make_message()
    sends: list[int] = []
    second_worker: list[str | None] = []

    def send_while_another_worker_tries(message: OutboxMessage) -> None:
        sends.append(message.pk)
        second_worker.append(outbox_deliver(message.pk))

    monkeypatch.setitem(registry, "email", send_while_another_worker_tries)

    assert outbox_deliver(message.pk) == Status.SENT
    assert sends == [message.pk]
    assert second_worker == [None]


def test_a_failed_send_is_retried_after_one_minute_then_two_then_four(
    failing_channel: list[int], now: datetime
) -> None:
    message = make_message()

    for attempt, minutes in enumerate([1, 2, 4], start=1):
        assert outbox_deliver(message.pk, now=now) == Status.FAILED
        reload(message)
        assert message.attempts == attempt
        assert message.next_attempt_at == now + timedelta(minutes=minutes)
        assert message.last_error == "ChannelError: mail server said no"
        assert message.lease_until is None
        now = message.next_attempt_at


def test_a_failed_message_is_not_retried_before_its_next_attempt_time(
    failing_channel: list[int], now: datetime
) -> None:
    message = make_message()
    outbox_deliver(message.pk, now=now)

    assert outbox_deliver(message.pk, now=now + timedelta(seconds=59)) is None
    assert outbox_deliver_due(now=now + timedelta(seconds=59)) == 0
    assert failing_channel == [message.pk]


def test_a_message_is_dead_after_the_maximum_number_of_attempts(
    failing_channel: list[int], settings: Settings, now: datetime
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = make_message()

    statuses = []
    for _ in range(4):
        statuses.append(outbox_deliver(message.pk, now=now))
        now += timedelta(hours=2)

    assert statuses == [Status.FAILED, Status.FAILED, Status.DEAD, None]
    assert reload(message).status == Status.DEAD
    assert message.attempts == 3
    assert len(failing_channel) == 3


def test_a_failed_message_is_sent_when_the_channel_recovers(
    failing_channel: list[int], monkeypatch: pytest.MonkeyPatch, now: datetime
) -> None:
    message = make_message()
    outbox_deliver(message.pk, now=now)
    monkeypatch.setitem(registry, "email", lambda message: None)

    assert outbox_deliver_due(now=now + timedelta(minutes=1)) == 1
    assert reload(message).status == Status.SENT
    assert message.last_error == ""


def test_a_message_whose_worker_died_is_sent_again_after_the_lease_runs_out(
    sent: list[int], now: datetime
) -> None:
    message = make_message()
    outbox_claim(message.pk, now=now)  # the worker dies here

    assert outbox_deliver_due(now=now + LEASE - timedelta(seconds=1)) == 0
    assert outbox_deliver_due(now=now + LEASE + timedelta(seconds=1)) == 1
    assert sent == [message.pk]
    assert reload(message).attempts == 2


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_new_owner(
    monkeypatch: pytest.MonkeyPatch, now: datetime
) -> None:
    message = make_message()
    later = now + LEASE + timedelta(seconds=1)

    def slow_send(message: OutboxMessage) -> None:
        # While this worker hangs, its lease runs out and another one takes over.
        assert outbox_claim(message.pk, now=later) == later + LEASE
        raise TimeoutError("the mail server took too long")

    monkeypatch.setitem(registry, "email", slow_send)
    outbox_deliver(message.pk, now=now)

    reload(message)
    assert message.status == Status.SENDING
    assert message.lease_until == later + LEASE
    assert message.last_error == ""


def test_a_message_that_always_kills_its_worker_is_buried_by_the_sweep(
    settings: Settings, now: datetime
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = make_message()
    outbox_claim(message.pk, now=now)
    outbox_claim(message.pk, now=now + LEASE * 2)

    assert outbox_deliver_due(now=now + LEASE * 4) == 0
    assert reload(message).status == Status.DEAD
    assert "lease" in message.last_error


def test_the_sweep_sends_due_messages_only(sent: list[int], now: datetime) -> None:
    due = make_message()
    make_message(next_attempt_at=now + timedelta(minutes=5))
    make_message(status=Status.SENT, sent_at=now)
    make_message(status=Status.DEAD)
    failed_due = make_message(status=Status.FAILED, next_attempt_at=now - timedelta(minutes=1))

    assert outbox_deliver_due(now=now) == 2
    assert sorted(sent) == sorted([due.pk, failed_due.pk])


def test_the_sweep_stops_at_its_limit_oldest_first(sent: list[int], now: datetime) -> None:
    messages = [make_message(next_attempt_at=now - timedelta(minutes=m)) for m in range(5)]

    assert outbox_deliver_due(now=now, limit=2) == 2
    assert sent == [messages[4].pk, messages[3].pk]


def test_retry_gives_a_dead_message_a_fresh_series_of_attempts(
    sent: list[int], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    message = make_message(status=Status.DEAD, attempts=8, last_error="boom")

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry(message_ids=[message.pk]) == 1

    assert sent == [message.pk]
    assert reload(message).status == Status.SENT
    assert message.attempts == 1


def test_retry_never_resends_a_sent_message(sent: list[int]) -> None:
    message = make_message(status=Status.SENT, sent_at=timezone.now())

    assert outbox_retry(message_ids=[message.pk]) == 0
    assert outbox_deliver(message.pk) is None
    assert sent == []


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (7, 60), (20, 60), (1000, 60)],
)
def test_the_retry_delay_doubles_from_one_minute_up_to_one_hour(
    attempts: int, minutes: int
) -> None:
    assert retry_delay(attempts) == timedelta(minutes=minutes)
