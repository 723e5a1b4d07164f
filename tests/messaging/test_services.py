"""Enqueueing: a message exists, and is sent, only if its transaction commits."""

from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from yankao.messaging import tasks
from yankao.messaging.models import OutboxMessage, Status
from yankao.messaging.services import outbox_deliver_due, outbox_enqueue

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def enqueue(**overrides: Any) -> OutboxMessage:
    fields: dict[str, Any] = {
        "to": ["alice@example.org"],
        "subject": "案件 A-1 已分派",
        "body": "請於期限內回覆。",
    }
    return outbox_enqueue(**{**fields, **overrides})


@pytest.mark.django_db(transaction=True)
def test_enqueue_inside_a_rolled_back_transaction_leaves_nothing_and_sends_nothing() -> None:
    with pytest.raises(Rollback), transaction.atomic():
        enqueue()
        raise Rollback

    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_enqueue_inside_a_rolled_back_savepoint_schedules_no_delivery(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        enqueue()
        raise Rollback

    assert callbacks == []
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_committed_message_is_sent_once_after_the_commit_and_not_before() -> None:
    with transaction.atomic():
        message = enqueue()
        assert mail.outbox == []

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "案件 A-1 已分派"


def test_nothing_is_sent_while_the_transaction_is_open(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = enqueue()

    assert len(callbacks) == 1
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_enqueue_works_without_a_surrounding_transaction() -> None:
    message = enqueue()

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(mail.outbox) == 1


def test_enqueueing_twice_with_the_same_dedupe_key_returns_the_existing_message(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = enqueue(dedupe_key="item-1-assigned")
        second = enqueue(dedupe_key="item-1-assigned", subject="Something else")

    assert second.pk == first.pk
    assert second.subject == "案件 A-1 已分派"
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_messages_without_a_dedupe_key_are_never_merged() -> None:
    enqueue()
    enqueue(dedupe_key="")

    assert OutboxMessage.objects.count() == 2
    assert OutboxMessage.objects.filter(dedupe_key__isnull=True).count() == 2


def test_enqueue_keeps_the_reference_to_what_caused_the_message() -> None:
    message = enqueue(ref_type="tracking.item", ref_id="123", html_body="<p>請回覆</p>")

    message.refresh_from_db()
    assert (message.ref_type, message.ref_id) == ("tracking.item", "123")
    assert message.html_body == "<p>請回覆</p>"
    assert message.to == ["alice@example.org"]


def test_enqueue_refuses_an_unknown_channel() -> None:
    with pytest.raises(ValueError, match="channel"):
        enqueue(channel="pigeon")


def test_enqueue_refuses_a_message_without_recipients() -> None:
    with pytest.raises(ValueError, match="recipient"):
        enqueue(to=["  "])


@pytest.mark.django_db(transaction=True)
def test_a_queue_outage_does_not_break_the_commit_and_the_sweep_sends_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broker_down(message_ids: list[int]) -> None:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks, "deliver_messages", broker_down)
    with transaction.atomic():
        message = enqueue()

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert outbox_deliver_due() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_one_transaction_hands_its_messages_to_the_queue_as_one_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks, "deliver_messages", queued.append)
    with transaction.atomic():
        first, second = enqueue(), enqueue()
        assert queued == []  # nothing before the commit
    with transaction.atomic():
        third = enqueue()
    assert queued == [[first.pk, second.pk], [third.pk]]


@pytest.mark.django_db(transaction=True)
def test_a_message_after_a_rolled_back_savepoint_is_still_queued(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks, "deliver_messages", queued.append)
    with transaction.atomic():
        try:
            with transaction.atomic():
                enqueue()
                raise RuntimeError("the inner step fails")
        except RuntimeError:
            pass
        kept = enqueue()
    assert queued == [[kept.pk]]


@pytest.mark.django_db(transaction=True)
def test_a_key_committed_by_another_transaction_meanwhile_is_taken_without_an_error() -> None:
    """Two transactions enqueue the same key: the second waits on the first's row,
    then takes its message, and its own transaction goes on (no savepoint needed)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be shared by threads")
    first_inserted, first_may_commit = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                seen["first"] = enqueue(dedupe_key="item-9-reminder")
                first_inserted.set()
                first_may_commit.wait(5)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_inserted.wait(5)
    with transaction.atomic():
        timer = threading.Timer(0.3, first_may_commit.set)
        timer.start()
        second = enqueue(dedupe_key="item-9-reminder", subject="另一則")  # waits, then reads
        after = OutboxMessage.objects.count()  # the transaction is still usable
    thread.join(5)
    assert second.pk == seen["first"].pk and second.subject == "案件 A-1 已分派"
    assert after == 1 == OutboxMessage.objects.filter(dedupe_key="item-9-reminder").count()
