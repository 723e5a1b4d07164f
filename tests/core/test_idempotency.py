"""Idempotency keys: an operation runs once per user and key, a resend replays its
outcome, a key reused for another request is refused, failures leave no trace,
and a day later the key is forgotten."""

import threading
import time
from datetime import timedelta

import pytest
from django.test import RequestFactory

from tests.concurrency import at_once, needs_shared_database
from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.core.api import ApiProblem
from yankao.core.idempotency import (
    Outcome,
    idempotency_key,
    idempotency_keys_purge,
    request_fingerprint,
    run_once,
)
from yankao.core.models import IdempotencyKey
from yankao.core.numbering import next_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def system() -> User:
    return User.objects.create_user(username="intake-bot", role=Role.SYSTEM)


def counting(key: str = "runs") -> Outcome:
    """An operation whose body says how often it has run."""
    return Outcome(status=201, body={"run": next_value(key)})


def test_an_operation_runs_once_and_a_resend_replays_its_outcome(system):
    first = run_once(user=system, key="k1", fingerprint="f", operation=counting)
    again = run_once(user=system, key="k1", fingerprint="f", operation=counting)
    assert first == Outcome(status=201, body={"run": 1})
    assert again == Outcome(status=201, body={"run": 1}, replayed=True)
    assert next_value("runs") == 2


def test_a_key_reused_for_another_request_is_a_422(system):
    run_once(user=system, key="k1", fingerprint="f", operation=counting)
    with pytest.raises(ApiProblem) as refused:
        run_once(user=system, key="k1", fingerprint="other", operation=counting)
    assert refused.value.status_code == 422


def test_keys_belong_to_their_user(system):
    other = User.objects.create_user(username="other-bot", role=Role.SYSTEM)
    run_once(user=system, key="k1", fingerprint="f", operation=counting)
    outcome = run_once(user=other, key="k1", fingerprint="f", operation=counting)
    assert outcome == Outcome(status=201, body={"run": 2})


def test_a_failed_operation_leaves_nothing_behind_and_may_be_retried(system):
    def failing() -> Outcome:
        counting()
        raise ApiProblem(400, "refused")

    with pytest.raises(ApiProblem):
        run_once(user=system, key="k1", fingerprint="f", operation=failing)
    assert not IdempotencyKey.objects.exists()
    assert run_once(user=system, key="k1", fingerprint="f", operation=counting).body == {"run": 1}


def test_a_key_older_than_a_day_runs_again(system):
    start = clock.now()
    with clock.frozen(start):
        run_once(user=system, key="k1", fingerprint="f", operation=counting)
    with clock.frozen(start + timedelta(hours=25)):
        outcome = run_once(user=system, key="k1", fingerprint="other", operation=counting)
    assert outcome == Outcome(status=201, body={"run": 2})


def test_the_purge_forgets_only_keys_older_than_a_day(system):
    start = clock.now()
    with clock.frozen(start):
        run_once(user=system, key="old", fingerprint="f", operation=counting)
    with clock.frozen(start + timedelta(hours=20)):
        run_once(user=system, key="new", fingerprint="f", operation=counting)
    assert idempotency_keys_purge(now=start + timedelta(hours=25)) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_fingerprint_covers_method_path_and_body():
    factory = RequestFactory()

    def fingerprint(method: str, path: str, body: str) -> str:
        request = factory.generic(method, path, body, content_type="application/json")
        return request_fingerprint(request)

    base = fingerprint("POST", "/api/v1/petitions", '{"a": 1}')
    assert base == fingerprint("POST", "/api/v1/petitions", '{"a": 1}')
    assert (
        len(
            {
                base,
                fingerprint("PUT", "/api/v1/petitions", '{"a": 1}'),
                fingerprint("POST", "/api/v1/items", '{"a": 1}'),
                fingerprint("POST", "/api/v1/petitions", '{"a": 2}'),
            }
        )
        == 4
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("order-42", "order-42"), ("a" * 255, "a" * 255)],
)
def test_a_well_formed_key_is_read_from_its_header(header, expected):
    headers = {"HTTP_IDEMPOTENCY_KEY": header} if header is not None else {}
    assert idempotency_key(RequestFactory().post("/", **headers)) == expected


@pytest.mark.parametrize("header", ["", "a" * 256, "has space", "鍵"])
def test_a_malformed_key_is_a_400(header):
    with pytest.raises(ApiProblem) as refused:
        idempotency_key(RequestFactory().post("/", HTTP_IDEMPOTENCY_KEY=header))
    assert refused.value.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_run_the_operation_once():
    needs_shared_database()
    user = User.objects.create_user(username="busy-bot", role=Role.SYSTEM)
    start = threading.Barrier(4)
    outcomes: list[Outcome] = []

    def slow() -> Outcome:
        time.sleep(0.2)  # hold the claim while the others arrive
        return counting("concurrent")

    def send() -> None:
        start.wait()
        outcomes.append(run_once(user=user, key="same", fingerprint="f", operation=slow))

    assert at_once(send, threads=4) == []
    assert {outcome.body["run"] for outcome in outcomes} == {1}
    assert sorted(outcome.replayed for outcome in outcomes) == [False, True, True, True]


def with_a_code() -> Outcome:
    return Outcome(
        status=201, body={"number": "1151126-000001", "code": "K7QM2XPA"}, sealed=("code",)
    )


def test_a_secret_in_the_answer_is_stored_sealed_and_replayed_in_clear(system):
    first = run_once(user=system, key="k1", fingerprint="f", operation=with_a_code)
    again = run_once(user=system, key="k1", fingerprint="f", operation=with_a_code)

    record = IdempotencyKey.objects.get()
    assert "K7QM2XPA" not in str(record.response_body)
    assert record.response_body["number"] == "1151126-000001"
    assert again.body == first.body == {"number": "1151126-000001", "code": "K7QM2XPA"}
    assert again.replayed


def test_a_replay_whose_secret_can_no_longer_be_opened_is_a_409_not_a_500(system, settings):
    run_once(user=system, key="k1", fingerprint="f", operation=with_a_code)
    settings.SECRET_KEY = "a-replaced-key-a-replaced-key-a-replaced-key-12345"

    with pytest.raises(ApiProblem) as refused:
        run_once(user=system, key="k1", fingerprint="f", operation=with_a_code)

    assert refused.value.status_code == 409
