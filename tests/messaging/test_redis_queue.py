"""The production path: a message's delivery task travels through a real Redis
broker and is run by a huey worker, as `yankao run_huey` does in production."""

import os
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core import mail
from django.db import connections, transaction
from huey import RedisHuey
from huey.consumer import Worker
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR

from yankao.messaging import tasks
from yankao.messaging.models import Status
from yankao.messaging.services import outbox_enqueue

REDIS_URL = os.environ.get("YANKAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        reason = f"Redis is not reachable at {REDIS_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this must not be skipped)")
        pytest.skip(reason)


@pytest.fixture
def redis_huey() -> Iterator[RedisHuey]:
    require_redis()
    huey = RedisHuey(f"yankao-test-{uuid.uuid4().hex}", url=REDIS_URL)
    yield huey
    huey.flush()


def run_worker_until(huey: RedisHuey, finished: threading.Event) -> threading.Thread:
    stop = threading.Event()
    worker = Worker(huey, stop, default_delay=0.05, max_delay=0.2, backoff=1.15)

    def loop() -> None:
        try:
            while not finished.is_set():
                worker.loop()
        finally:
            connections.close_all()  # this thread's own database connections
            stop.set()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_committed_message_is_delivered_through_redis_by_a_huey_worker(
    redis_huey: RedisHuey, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same task function, bound to the Redis broker under the same name the
    # production consumer knows it by.
    deliver = redis_huey.task()(tasks.deliver_messages.func)
    registry_name = redis_huey._registry.task_to_string
    assert registry_name(deliver.task_class) == registry_name(tasks.deliver_messages.task_class)
    monkeypatch.setattr(tasks, "deliver_messages", deliver)
    finished = threading.Event()
    outcome: list[str] = []

    @redis_huey.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)
    def record(signal: str, task: Any, exc: BaseException | None = None) -> None:
        outcome.append(signal)
        finished.set()

    with transaction.atomic():
        message = outbox_enqueue(to=["alice@example.org"], subject="經由 Redis", body="Hello")
        assert redis_huey.pending_count() == 0  # nothing queued before the commit
    assert redis_huey.pending_count() == 1

    thread = run_worker_until(redis_huey, finished)
    assert finished.wait(timeout=15), "the worker did not run the task within 15 s"
    thread.join(timeout=5)

    assert outcome == [SIGNAL_COMPLETE]
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert [m.subject for m in mail.outbox] == ["經由 Redis"]
    assert redis_huey.pending_count() == 0
