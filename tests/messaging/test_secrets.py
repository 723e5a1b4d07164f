"""A private code in a message: the stored body shows a mask, the code waits sealed
until the message is sent or dead and is erased then, and the recipient still gets
it, on every channel."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from pytest_django import Settings

from tests.messaging.factories import make_message
from yankao.messaging.channels import webhook
from yankao.messaging.models import OutboxMessage, Status
from yankao.messaging.secrets import MASK, SecretErased, conceal, message_body, reveal
from yankao.messaging.services import (
    outbox_deliver,
    outbox_deliver_due,
    outbox_enqueue,
    outbox_retry,
)

pytestmark = pytest.mark.django_db

CODE = "K7QM2XPA"


def enqueue(**overrides: Any) -> OutboxMessage:
    fields: dict[str, Any] = {
        "to": ["mei@example.org"],
        "subject": "您的陳情已登錄為案號 1151126-000001",
        "body": f"驗證碼為 {CODE}，請妥善保存。",
        "secret": CODE,
    }
    return outbox_enqueue(**{**fields, **overrides})


def stored_text(message: OutboxMessage) -> str:
    """Every column of the message's row as the database holds it."""
    row = OutboxMessage.objects.filter(pk=message.pk).values().get()
    return repr(row)


def test_the_stored_body_shows_a_mask_where_the_code_stands():
    message = enqueue()
    message.refresh_from_db()
    assert message.body == f"驗證碼為 {MASK}，請妥善保存。"
    assert CODE not in stored_text(message)


def test_the_recipient_gets_the_code_and_then_the_outbox_forgets_it():
    message = enqueue()

    assert outbox_deliver(message.pk) == Status.SENT

    (sent,) = mail.outbox
    assert sent.body == f"驗證碼為 {CODE}，請妥善保存。"
    message.refresh_from_db()
    assert message.secret_sealed == ""
    assert message.secret_erased_at is not None
    assert CODE not in stored_text(message)


def test_a_message_that_dies_forgets_its_code_and_is_not_sent_again_without_it(
    failing_channel: list[int], settings: Settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = enqueue()

    assert outbox_deliver(message.pk) == Status.DEAD
    message.refresh_from_db()
    assert message.secret_sealed == ""
    assert message.secret_erased_at is not None

    assert outbox_retry(message_ids=[message.pk]) == 0
    message.refresh_from_db()
    assert message.status == Status.DEAD


def test_a_message_buried_after_its_workers_died_forgets_its_code(settings: Settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, attempts=1, lease_until=timezone.now() - timedelta(minutes=1)
    )

    outbox_deliver_due()

    message.refresh_from_db()
    assert message.status == Status.DEAD
    assert message.secret_sealed == ""


def test_a_failed_message_keeps_its_code_for_the_next_attempt(failing_channel: list[int]):
    message = enqueue()
    assert outbox_deliver(message.pk) == Status.FAILED
    message.refresh_from_db()
    assert message_body(message) == f"驗證碼為 {CODE}，請妥善保存。"


def test_a_message_without_a_secret_has_nothing_erased():
    message = make_message()
    outbox_deliver(message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.secret_erased_at is None


def test_a_message_whose_code_was_erased_cannot_be_sent_with_a_mask_instead():
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        secret_sealed="", secret_erased_at=timezone.now()
    )
    message.refresh_from_db()
    with pytest.raises(SecretErased):
        message_body(message)


def test_an_sms_gateway_gets_the_code(settings: Settings):
    received: list[str] = []

    def gateway(*, to: list[str], body: str, message_id: str) -> None:
        received.append(body)

    settings.YANKAO_SMS_GATEWAY = gateway
    message = enqueue(channel="sms", to=["0912345678"], subject="")

    assert outbox_deliver(message.pk) == Status.SENT
    assert received == [f"驗證碼為 {CODE}，請妥善保存。"]


def test_a_webhook_payload_carries_the_code():
    message = enqueue(channel="webhook", to=["https://duty.example.org/hook"], subject="")
    assert webhook.payload(message)["body"] == f"驗證碼為 {CODE}，請妥善保存。"


def test_every_occurrence_is_masked_and_put_back_even_beside_a_typed_mask():
    body = f"{MASK} code {CODE}, again {CODE}{MASK}."
    masked, sealed = conceal(body, CODE)
    assert CODE not in masked and CODE not in sealed
    assert reveal(masked, sealed) == body


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "no code here"},
        {"subject": f"code {CODE}"},
        {"html_body": f"<p>{CODE}</p>"},
    ],
    ids=["not-in-body", "in-subject", "with-html"],
)
def test_a_secret_outside_the_plain_body_is_a_programming_error(fields: dict[str, str]):
    with pytest.raises(ValueError):
        enqueue(**fields)
