import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from pytest_django import Settings

from tests.messaging.factories import make_message
from yankao.messaging.models import OutboxMessage, Status

pytestmark = pytest.mark.django_db


def test_the_database_refuses_an_unknown_status() -> None:
    message = make_message()

    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(status="lost")


def test_the_database_refuses_an_unknown_channel() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_message(channel="pigeon")


def test_the_database_refuses_a_sent_message_without_a_sent_time() -> None:
    message = make_message()

    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENT)


def test_a_dedupe_key_is_unique_but_many_messages_may_have_none() -> None:
    make_message()
    make_message()
    make_message(dedupe_key="item-1")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_message(dedupe_key="item-1")


def test_the_message_id_is_derived_from_the_row_and_never_changes() -> None:
    message = make_message(status=Status.SENT, sent_at=timezone.now())

    assert message.message_id == f"<outbox-{message.pk}@yankao>"
    message.refresh_from_db()
    assert message.message_id == f"<outbox-{message.pk}@yankao>"


def test_the_message_id_domain_can_be_set_per_deployment(settings: Settings) -> None:
    settings.YANKAO_MESSAGE_ID_DOMAIN = "rdec.kcg.gov.tw"
    message = make_message()

    assert message.message_id == f"<outbox-{message.pk}@rdec.kcg.gov.tw>"


def test_a_message_shows_its_channel_and_recipients_masked() -> None:
    message = make_message(to=["alice@example.org", "bob@example.org"])

    with translation.override("en"):
        assert str(message) == f"#{message.pk} E-mail → a○○○@example.org, b○○○@example.org"


def test_an_sms_shows_its_numbers_masked_and_a_webhook_its_url() -> None:
    sms = make_message(channel="sms", to=["0912345678"])
    hook = make_message(channel="webhook", to=["https://duty.example.org/hook"])

    assert sms.masked_recipients == ["09xx-xxx-678"]
    assert hook.masked_recipients == ["https://duty.example.org/hook"]
