"""The clients of `make prod-check` (bench/prod_check.py), run by locust headless
against nginx on loopback.

API clients register petitions as a careful system would: each petition has an
Idempotency-Key, and an answer that says "try again" (503, 429, a lost
connection) is retried with the same key, so a petition the platform accepted is
never sent twice as new. Staff read their worklists. Every answer is written to
PROD_CHECK_RECORDS, one JSON line each, for the check that follows the load."""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from typing import Any

from locust import HttpUser, between, task

CLIENTS = json.loads(os.environ.get("PROD_CHECK_CLIENTS", "{}"))
RECORDS = open(os.environ.get("PROD_CHECK_RECORDS", os.devnull), "a", buffering=1)  # noqa: SIM115
RETRIES = 6
RETRY_CAP_SECONDS = 2.0  # the platform asks for 30 s; a test client does not wait that long
PROBLEM = "application/problem+json"


def record(**fields: Any) -> None:
    RECORDS.write(json.dumps(fields, ensure_ascii=False) + "\n")


def clean(path: str, status: int, content_type: str) -> bool:
    """An answer that failed cleanly: a problem document on the API, a 503 or 429
    elsewhere (the platform's own page, or nginx's problem when gunicorn is away)."""
    if path.startswith("/api/"):
        return content_type.startswith(PROBLEM)
    return status in (429, 503)


class ApiClient(HttpUser):
    """A system sending petitions in volume (two in three queued), and listing them."""

    weight = 3
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        tokens = CLIENTS["tokens"]
        self.token = tokens[random.randrange(len(tokens))]

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    @task(2)
    def queued(self) -> None:
        self.create(respond_async=True)

    @task(1)
    def registered(self) -> None:
        self.create(respond_async=False)

    def create(self, *, respond_async: bool) -> None:
        marker = uuid.uuid4().hex
        code = random.choice(CLIENTS["categories"])
        body = {
            "channel": "app",
            "category": code,
            "district": random.choice(CLIENTS["districts"]),
            "subject": f"路燈故障不亮 [pc:{marker}]",
            "content": "路燈故障不亮已一週，請派員修復。",
            "petitioner_name": "測試員",
            "petitioner_email": f"pc-{marker[:12]}@example.invalid",
            "petitioner_phone": "0900000000",
        }
        headers = self.headers(**{"Idempotency-Key": marker, "Content-Type": "application/json"})
        if respond_async:
            headers["Prefer"] = "respond-async"
        data = json.dumps(body, ensure_ascii=False).encode()
        for attempt in range(RETRIES):
            began = time.perf_counter()
            with self.client.post(
                "/api/v1/petitions",
                data=data,
                headers=headers,
                name="create",
                timeout=30,
                catch_response=True,
            ) as answer:
                status = answer.status_code
                ms = (time.perf_counter() - began) * 1000
                if status in (201, 202):
                    answer.success()
                    number = answer.json()["number"]
                    record(kind="create", status=status, number=number, marker=marker, ms=ms)
                    return
                answer.failure(str(status))
                content_type = answer.headers.get("Content-Type", "") if status else ""
                retry_after = answer.headers.get("Retry-After", "") if status else ""
            record(
                kind="create",
                status=status,  # 0: no answer (a lost connection)
                failed=True,
                clean=bool(status) and clean("/api/v1/petitions", status, content_type),
                attempt=attempt,
                ms=ms,
            )
            if status not in (0, 429, 503):
                return  # a refusal that a retry would not change
            wait = float(retry_after) if retry_after.isdigit() else 0.5
            time.sleep(min(wait, RETRY_CAP_SECONDS))

    @task(1)
    def list_petitions(self) -> None:
        read(self.client, "/api/v1/petitions?limit=20", self.headers())


def read(client: Any, path: str, headers: dict[str, str]) -> None:
    began = time.perf_counter()
    name = path.split("?")[0]
    with client.get(path, headers=headers, name=name, timeout=30, catch_response=True) as answer:
        status = answer.status_code
        ms = (time.perf_counter() - began) * 1000
        content_type = answer.headers.get("Content-Type", "") if status else ""
        if status == 200:
            answer.success()
        else:
            answer.failure(str(status))
    if status == 200:
        record(kind="read", status=200, ms=ms)
        return
    is_clean = bool(status) and clean(path, status, content_type)
    record(kind="read", status=status, failed=True, clean=is_clean, path=path, ms=ms)


class Supervisor(HttpUser):
    """An agency supervisor on the staff pages: the petitions worklist and home."""

    weight = 1
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.cookie = CLIENTS["cookie"]

    @task(2)
    def worklist(self) -> None:
        read(self.client, "/petitions/", {"Cookie": self.cookie})

    @task(1)
    def home(self) -> None:
        read(self.client, "/", {"Cookie": self.cookie})
