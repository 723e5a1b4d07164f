"""The agency hears of a ticket the moment it is registered: messages are written
in the ticket's own transaction, delivered by the outbox's task after commit, and
a failed delivery is retried and shown on the ticket page, never lost."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.dispatch import factories
from yankao.dispatch.models import DispatchContact, Ticket
from yankao.messaging.channels import registry
from yankao.messaging.models import OutboxMessage, Status
from yankao.messaging.services import outbox_deliver_due
from yankao.organisation.models import Agency


@dataclass
class Receiver:
    url: str = ""
    answers: list[int] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1 answering the queued status codes in turn
    (then 204)."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.bodies.append(json.loads(body))
            self.send_response(state.answers.pop(0) if state.answers else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/duty"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def sms(monkeypatch: pytest.MonkeyPatch) -> list[OutboxMessage]:
    sent: list[OutboxMessage] = []
    monkeypatch.setitem(registry, "sms", sent.append)
    return sent


def _contact(**fields: Any) -> DispatchContact:
    agency = Agency.objects.get(key="pw-maintenance")
    return DispatchContact.objects.create(agency=agency, **fields)


@pytest.mark.django_db
def test_messages_are_written_in_the_tickets_transaction(staff):
    _contact(duty_phone="0911222333")
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.ticket()
        assert OutboxMessage.objects.count() == 2  # e-mail to the agency, SMS to the desk
        raise RuntimeError("the intake failed after the ticket was written")
    assert not Ticket.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_messaging_task_delivers_after_commit(
    staff, sms, mailoutbox, django_capture_on_commit_callbacks
):
    _contact(duty_phone="0911222333")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket()
    assert [m.to for m in sms] == [["0911222333"]]
    assert ticket.item.number in sms[0].body
    assert [m.to for m in mailoutbox] == [["holly@example.test"]]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
def test_a_failed_webhook_is_retried_and_shown_on_the_ticket_page(
    client, staff, receiver, django_capture_on_commit_callbacks
):
    _contact(webhook_url=receiver.url)
    receiver.answers = [503]
    with django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket()
    hook = OutboxMessage.objects.get(channel="webhook")
    assert hook.status == Status.FAILED
    assert "503" in hook.last_error

    client.force_login(staff.holly)
    page = client.get(reverse("dispatch:ticket", args=[ticket.pk]))
    assert [m.pk for m in page.context["failed"]] == [hook.pk]
    assert "503" in page.content.decode()
    assert 'role="alert"' in page.content.decode()

    # The outbox's sweep tries again once the back-off has passed; now it goes through.
    assert outbox_deliver_due(now=timezone.now() + timedelta(minutes=2)) >= 1
    hook.refresh_from_db()
    assert hook.status == Status.SENT
    assert hook.attempts == 2
    assert len(receiver.bodies) == 2
    assert receiver.bodies[1]["ref_id"] == str(ticket.pk)
    page = client.get(reverse("dispatch:ticket", args=[ticket.pk]))
    assert page.context["failed"] == []


@pytest.mark.django_db
def test_an_agency_without_a_duty_contact_still_gets_its_email(staff):
    ticket = factories.ticket()
    channels = list(
        OutboxMessage.objects.filter(ref_id=str(ticket.pk)).values_list("channel", flat=True)
    )
    assert channels == ["email"]


@pytest.mark.django_db
def test_the_duty_desk_hears_of_each_escalation_of_its_ticket(staff):
    from yankao.tracking.services import items_escalate_overdue

    _contact(duty_phone="0911222333", webhook_url="https://duty.example.test/hook")
    ticket = factories.ticket()
    item = ticket.item
    at_creation = OutboxMessage.objects.filter(ref_type="dispatch.ticket").count()
    # Far past the deadline and the commission's four hours after it: both tiers.
    assert items_escalate_overdue(now=item.commission_escalation_at + timedelta(hours=1)) == 2
    told = list(
        OutboxMessage.objects.filter(ref_type="dispatch.ticket", ref_id=str(ticket.pk))
        .order_by("pk")
        .values_list("channel", "to", "subject")[at_creation:]
    )
    assert [(channel, to) for channel, to, _subject in told] == [
        ("sms", ["0911222333"]),
        ("webhook", ["https://duty.example.test/hook"]),
        ("sms", ["0911222333"]),
        ("webhook", ["https://duty.example.test/hook"]),
    ]
    assert all(item.number in subject for _channel, _to, subject in told)
    assert "主管" in told[0][2] and "研考會" in told[2][2]  # in the city's language
    # A second sweep tells nobody again.
    assert items_escalate_overdue(now=item.commission_escalation_at + timedelta(hours=2)) == 0
    assert OutboxMessage.objects.filter(ref_type="dispatch.ticket").count() == at_creation + 4
