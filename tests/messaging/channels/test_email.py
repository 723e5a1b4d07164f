from smtplib import SMTPException
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from pytest_django import Settings

from tests.messaging.factories import make_message
from yankao.messaging.channels import email
from yankao.messaging.models import Status
from yankao.messaging.services import outbox_deliver

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise SMTPException("421 too many connections")


def test_an_e_mail_carries_the_stable_message_id_and_the_platform_sender(
    settings: Settings,
) -> None:
    settings.DEFAULT_FROM_EMAIL = "研考會 <no-reply@rdec.kcg.gov.tw>"
    message = make_message(to=["alice@example.org", "bob@example.org"], subject="案件已逾期")

    email.send(message)

    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == f"<outbox-{message.pk}@yankao>"
    assert sent.message()["Message-ID"] == f"<outbox-{message.pk}@yankao>"
    assert sent.from_email == "研考會 <no-reply@rdec.kcg.gov.tw>"
    assert sent.to == ["alice@example.org", "bob@example.org"]
    assert sent.subject == "案件已逾期"
    assert sent.body == "Please reply by Friday."


def test_a_plain_message_has_no_html_part() -> None:
    built = email.build_email(make_message())

    assert built.alternatives == []


def test_the_html_body_goes_along_as_an_alternative() -> None:
    built = email.build_email(make_message(html_body="<p>請回覆</p>"))

    assert built.alternatives == [("<p>請回覆</p>", "text/html")]


def test_a_mail_server_error_fails_the_delivery_for_a_retry(settings: Settings) -> None:
    settings.EMAIL_BACKEND = "tests.messaging.channels.test_email.RefusingBackend"
    message = make_message()

    assert outbox_deliver(message.pk) == Status.FAILED

    message.refresh_from_db()
    assert message.last_error == "SMTPException: 421 too many connections"
