import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from tests.messaging.factories import make_message
from yankao.messaging.models import MessageAccess, Status
from yankao.messaging.services import outbox_enqueue

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:messaging_outboxmessage_changelist"


def test_an_administrator_filters_the_outbox_by_status(admin_client: Client) -> None:
    make_message(subject="Still waiting")
    make_message(subject="Gave up", status=Status.DEAD, last_error="boom")

    response = admin_client.get(reverse(CHANGELIST), {"status__exact": "dead"})

    assert response.status_code == 200
    assert b"Gave up" in response.content
    assert b"Still waiting" not in response.content


def test_an_administrator_finds_messages_by_recipient_or_subject(admin_client: Client) -> None:
    make_message(to=["carol@example.org"], subject="For Carol")
    make_message(to=["dave@example.org"], subject="逾期通知")

    by_recipient = admin_client.get(reverse(CHANGELIST), {"q": "carol@"})
    by_subject = admin_client.get(reverse(CHANGELIST), {"q": "逾期"})

    assert b"For Carol" in by_recipient.content
    assert "逾期通知" not in by_recipient.content.decode()
    assert "逾期通知" in by_subject.content.decode()
    assert b"For Carol" not in by_subject.content


def test_retry_now_sends_dead_messages_again_and_leaves_sent_ones_alone(
    admin_client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    dead = make_message(status=Status.DEAD, attempts=8)
    sent = make_message(status=Status.SENT, sent_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(CHANGELIST),
            {"action": "retry_now", "_selected_action": [dead.pk, sent.pk]},
            follow=True,
            headers={"accept-language": "en"},
        )

    assert response.status_code == 200
    assert b"1 message will be sent again." in response.content
    dead.refresh_from_db()
    assert dead.status == Status.SENT
    assert len(mail.outbox) == 1


def test_a_message_page_shows_its_last_error_read_only(admin_client: Client) -> None:
    message = make_message(status=Status.DEAD, last_error="SMTPException: 550 no such user")

    response = admin_client.get(reverse("admin:messaging_outboxmessage_change", args=[message.pk]))

    assert response.status_code == 200
    assert b"SMTPException: 550 no such user" in response.content
    assert b'name="subject"' not in response.content


def test_messages_cannot_be_added_by_hand(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:messaging_outboxmessage_add"))

    assert response.status_code == 403


def test_the_list_shows_recipients_masked(admin_client: Client) -> None:
    make_message(to=["carol.chen@example.org"], subject="For Carol")

    response = admin_client.get(reverse(CHANGELIST))

    assert b"For Carol" in response.content
    assert "c○○○@example.org" in response.content.decode()
    assert b"carol.chen@example.org" not in response.content


def test_opening_a_message_is_logged_as_a_look_at_personal_data(admin_client: Client) -> None:
    message = make_message(to=["carol.chen@example.org"])

    response = admin_client.get(reverse("admin:messaging_outboxmessage_change", args=[message.pk]))

    assert response.status_code == 200
    assert b"carol.chen@example.org" in response.content
    (look,) = MessageAccess.objects.all()
    assert look.message == message
    assert look.user.username == "admin"
    assert look.where == "admin"
    assert look.reason == "於管理後台開啟訊息"


def test_listing_and_searching_the_outbox_log_nothing(admin_client: Client) -> None:
    make_message(to=["carol.chen@example.org"])
    admin_client.get(reverse(CHANGELIST), {"q": "carol"})
    assert not MessageAccess.objects.exists()


def test_a_private_code_is_neither_shown_nor_found_in_the_admin(admin_client: Client) -> None:
    message = outbox_enqueue(
        to=["mei@example.org"],
        subject="您的陳情已登錄",
        body="驗證碼為 K7QM2XPA，請妥善保存。",
        secret="K7QM2XPA",
        ref_id="42",
    )

    page = admin_client.get(reverse("admin:messaging_outboxmessage_change", args=[message.pk]))
    found = admin_client.get(reverse(CHANGELIST), {"q": "K7QM2XPA"})

    assert page.status_code == 200
    assert "驗證碼為 ••••••••" in page.content.decode()
    assert b"K7QM2XPA" not in page.content
    assert found.context["cl"].result_count == 0


def test_retry_now_says_which_dead_messages_lost_their_code(
    admin_client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    erased = make_message(status=Status.DEAD, attempts=8, secret_erased_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(CHANGELIST),
            {"action": "retry_now", "_selected_action": [erased.pk]},
            follow=True,
            headers={"accept-language": "en"},
        )

    assert b"0 messages will be sent again." in response.content
    assert b"1 message carried a private code that was erased" in response.content
    erased.refresh_from_db()
    assert erased.status == Status.DEAD
    assert mail.outbox == []
