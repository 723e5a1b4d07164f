"""The data migrations of issue 15: codes and confirmation links already stored in
clear, in the outbox and in idempotency records, are concealed or sealed; a message
still to be sent still reaches the citizen with its code."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail

from tests.messaging.factories import make_message
from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core.idempotency import run_once
from yankao.core.models import IdempotencyKey
from yankao.messaging.models import Status
from yankao.messaging.secrets import MASK
from yankao.messaging.services import outbox_deliver

outbox_migration = import_module("yankao.messaging.migrations.0003_conceal_kept_secrets")
idempotency_migration = import_module("yankao.core.migrations.0004_idempotency_sealed_fields")

pytestmark = pytest.mark.django_db

CODE = "K7QM2XPA"
REGISTERED = f"您的陳情已登錄為案號 1151126-000001。\n\n您的驗證碼為 {CODE}，請妥善保存。"


def test_a_sent_confirmation_keeps_only_a_mask():
    message = make_message(
        body=REGISTERED,
        ref_type="petitions.petition",
        dedupe_key="petition-7-registered",
        status=Status.SENT,
        sent_at=make_message().created_at,
    )
    outbox_migration.conceal_kept_secrets(apps, None)
    message.refresh_from_db()
    assert CODE not in message.body and MASK in message.body
    assert "1151126-000001" in message.body
    assert message.secret_sealed == "" and message.secret_erased_at is not None


def test_a_waiting_confirmation_is_sealed_and_still_delivers_its_code():
    message = make_message(
        body="Your private code is K7QM2XPA. Keep it.",
        ref_type="legal.booking",
        dedupe_key="legal-booking-3-confirmed",
    )
    outbox_migration.conceal_kept_secrets(apps, None)
    message.refresh_from_db()
    assert CODE not in message.body

    assert outbox_deliver(message.pk) == Status.SENT
    assert mail.outbox[0].body == "Your private code is K7QM2XPA. Keep it."


def test_a_mailbox_link_is_concealed_whole():
    message = make_message(
        body="請開啟以下連結：\nhttps://rdec.example/mailbox/confirm/eyJkIjo1fQ:1x:abc/\n\n謝謝。",
        ref_type="petitions.draft",
        dedupe_key="mailbox-draft-5",
        status=Status.DEAD,
    )
    outbox_migration.conceal_kept_secrets(apps, None)
    message.refresh_from_db()
    assert message.body == f"請開啟以下連結：\n{MASK}\n\n謝謝。"


def test_other_messages_are_left_alone():
    message = make_message(
        body="Transfer of ABCDEFGH",
        ref_type="petitions.petition",
        dedupe_key="petition-7-transfer-9",
    )
    outbox_migration.conceal_kept_secrets(apps, None)
    message.refresh_from_db()
    assert message.body == "Transfer of ABCDEFGH"


def test_a_kept_answer_gets_its_code_sealed_and_still_replays_it():
    bot = User.objects.create_user(username="intake-bot", role=Role.SYSTEM)
    answer = {"number": "1151126-000001", "verification_code": CODE}
    IdempotencyKey.objects.create(
        user=bot,
        key="k1",
        fingerprint="f",
        status_code=201,
        response_body=answer,
        created_at=bot.date_joined,
    )
    idempotency_migration.seal_kept_codes(apps, None)
    record = IdempotencyKey.objects.get()
    assert CODE not in str(record.response_body)
    assert record.sealed_fields == ["verification_code"]
    replay = run_once(user=bot, key="k1", fingerprint="f", operation=lambda: None)
    assert replay.body == answer and replay.replayed
