from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.messaging.factories import make_message
from yankao.messaging.models import Status

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("outbox", *args, stdout=out)
    return out.getvalue()


def test_status_prints_how_many_messages_are_in_each_status() -> None:
    make_message()
    make_message()
    make_message(status=Status.SENT, sent_at=timezone.now())

    assert run("status").splitlines() == [
        "pending\t2",
        "sending\t0",
        "sent\t1",
        "failed\t0",
        "dead\t0",
    ]


def test_deliver_sends_what_is_due_now() -> None:
    make_message()
    make_message(next_attempt_at=timezone.now() + timedelta(hours=1))

    assert run("deliver") == "Sent 1 message(s).\n"
    assert len(mail.outbox) == 1


def test_deliver_respects_the_limit() -> None:
    make_message()
    make_message()

    assert run("deliver", "--limit", "1") == "Sent 1 message(s).\n"
