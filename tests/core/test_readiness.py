"""/readyz: ready only when the database, the queue and the worker's heartbeat are
all well; each check's state in the answer either way. /healthz stays liveness."""

from datetime import timedelta

import pytest
from django.db.utils import OperationalError
from django.utils import timezone
from huey import RedisHuey

from yankao.core.models import WorkerHeartbeat
from yankao.core.readiness import queue_check
from yankao.core.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


def test_without_a_heartbeat_the_platform_is_not_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] and checks["queue"]["ok"]
    assert checks["worker"] == {"ok": False, "detail": "no heartbeat"}
    assert response.json()["status"] == "unavailable"


def test_after_the_worker_runs_its_heartbeat_the_platform_is_ready(client):
    worker_heartbeat()  # the queue runs it in-process in tests, as a worker would
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["checks"]["worker"]["ok"]


def test_a_stale_heartbeat_is_not_ready(client, settings):
    settings.YANKAO_WORKER_STALE_SECONDS = 180
    WorkerHeartbeat.objects.create(name="worker", beat_at=timezone.now() - timedelta(minutes=4))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"] == "stale"
    assert response.json()["checks"]["worker"]["age_seconds"] >= 240


def test_an_unreachable_database_is_not_ready(client, monkeypatch):
    worker_heartbeat()
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "detail": "error"}


def test_an_unreachable_queue_is_not_ready(client, monkeypatch):
    worker_heartbeat()
    nowhere = RedisHuey("readiness-test", url="redis://127.0.0.1:1/0")
    assert queue_check(nowhere).ok is False
    monkeypatch.setattr("yankao.core.views.HUEY", nowhere)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == {"ok": False, "detail": "error"}


def test_healthz_stays_liveness_without_a_worker(client):
    assert client.get("/healthz").status_code == 200
