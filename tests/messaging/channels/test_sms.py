from typing import Any

import pytest
from pytest_django import Settings

from tests.messaging.factories import make_message
from yankao.messaging.models import Status
from yankao.messaging.services import outbox_deliver

pytestmark = pytest.mark.django_db

gateway_calls: list[dict[str, Any]] = []


def fake_gateway(*, to: list[str], body: str, message_id: str) -> None:
    gateway_calls.append({"to": to, "body": body, "message_id": message_id})


def test_an_sms_without_a_gateway_fails_with_a_clear_error_and_waits_for_a_retry(
    settings: Settings,
) -> None:
    settings.YANKAO_SMS_GATEWAY = None
    message = make_message(channel="sms", to=["+886912345678"])

    assert outbox_deliver(message.pk) == Status.FAILED

    message.refresh_from_db()
    assert "No SMS gateway is configured (set YANKAO_SMS_GATEWAY)" in message.last_error


def test_an_sms_without_a_gateway_ends_dead_in_the_outbox_not_dropped(
    settings: Settings,
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = make_message(channel="sms", to=["+886912345678"])

    assert outbox_deliver(message.pk) == Status.DEAD


def test_a_gateway_that_cannot_be_imported_is_a_clear_error(settings: Settings) -> None:
    settings.YANKAO_SMS_GATEWAY = "nowhere.send_sms"
    message = make_message(channel="sms", to=["+886912345678"])

    outbox_deliver(message.pk)

    message.refresh_from_db()
    assert "The SMS gateway 'nowhere.send_sms' cannot be imported" in message.last_error


def test_an_sms_goes_through_the_configured_gateway(settings: Settings) -> None:
    settings.YANKAO_SMS_GATEWAY = "tests.messaging.channels.test_sms.fake_gateway"
    gateway_calls.clear()
    message = make_message(channel="sms", to=["+886912345678"], body="案件已派工")

    assert outbox_deliver(message.pk) == Status.SENT
    assert gateway_calls == [
        {"to": ["+886912345678"], "body": "案件已派工", "message_id": message.message_id}
    ]
