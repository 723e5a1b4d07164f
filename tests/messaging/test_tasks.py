from datetime import datetime

import pytest
from django.core import mail

from tests.messaging.factories import make_message
from yankao.messaging.models import Status
from yankao.messaging.tasks import deliver_due_messages, deliver_messages


def periodic_task_names(at: datetime) -> set[str]:
    return {type(task).__name__ for task in deliver_due_messages.huey.read_periodic(at)}


@pytest.mark.parametrize("minute", [0, 1, 17, 59])
def test_the_sweep_is_scheduled_every_minute(minute: int) -> None:
    assert "deliver_due_messages" in periodic_task_names(datetime(2026, 11, 26, 3, minute))


@pytest.mark.django_db
def test_the_deliver_task_sends_the_messages_it_is_given() -> None:
    first, second = make_message(), make_message()

    deliver_messages([first.pk, second.pk])

    for message in (first, second):
        message.refresh_from_db()
        assert message.status == Status.SENT
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_periodic_task_sends_every_due_message() -> None:
    make_message()
    make_message()

    assert deliver_due_messages.call_local() == 2
    assert len(mail.outbox) == 2
