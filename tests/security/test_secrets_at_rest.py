"""Citizens' private codes are kept nowhere in clear (issue 15): once the message
that carries one is delivered, no row of any table holds the petition's
verification code, the booking's code or the mailbox's confirmation link; the
citizen still has them by e-mail, and an idempotent replay still answers them."""

import json
import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from tests.legal import factories as legal_factories
from tests.petitions.factories import category, district
from yankao.accounts.services import token_create
from yankao.core import clock
from yankao.legal.models import Venue
from yankao.legal.services import venues_load
from yankao.messaging.services import outbox_deliver_due
from yankao.petitions.intake import petition_intakes_register

pytestmark = pytest.mark.django_db


def tables_holding(text: str) -> list[str]:
    """The tables with a row in which, as the database returns it, `text` appears."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(text in repr(row) for row in cursor.fetchall()):
                found.append(table)
    return found


def mailed_to(address: str) -> str:
    return "\n".join(m.body for m in mail.outbox if address in m.to)


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


PETITION = {
    "channel": "phone",
    "category": "0501",
    "subject": "里民活動中心漏水",
    "content": "鳳山區某里活動中心屋頂漏水。",
    "district": "fengshan",
    "petitioner_name": "王大同",
    "petitioner_email": "tatung@example.com",
    "petitioner_phone": "07-746-1234",
}


def post_petition(client: Client, user: Any, **headers: str) -> Any:
    return client.post(
        "/api/v1/petitions",
        PETITION,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="intake-0001",
        **bearer(user),
        **headers,
    )


def test_a_petitions_code_is_mailed_replayed_and_kept_nowhere_in_clear(
    client: Client, staff: Any, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = post_petition(client, staff.amy)
    code = first.json()["verification_code"]

    assert code in mailed_to("tatung@example.com")
    assert tables_holding(code) == []
    again = post_petition(client, staff.amy)
    assert again["Idempotent-Replayed"] == "true"
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()


def test_a_queued_petitions_code_is_kept_nowhere_in_clear_before_or_after_delivery(
    client: Client, staff: Any, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    accepted = post_petition(client, staff.amy, HTTP_PREFER="respond-async")
    code = accepted.json()["verification_code"]
    assert accepted.status_code == 202
    assert tables_holding(code) == []

    with django_capture_on_commit_callbacks(execute=True):
        assert petition_intakes_register() == 1

    assert code in mailed_to("tatung@example.com")
    assert tables_holding(code) == []
    again = post_petition(client, staff.amy, HTTP_PREFER="respond-async")
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == accepted.json()


def test_a_bookings_code_is_mailed_replayed_and_kept_nowhere_in_clear(
    client: Client, staff: Any, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    venues_load()
    with clock.frozen(legal_factories.NOW):
        session = legal_factories.session(Venue.objects.get(key="service-centre"))
        body = json.dumps(
            {
                "session": session.pk,
                "slot": 1,
                "name": "林美玲",
                "phone": "0912-345-678",
                "email": "mei@example.org",
                "topic": "consumer",
                "question": "網購退貨糾紛",
                "consent": True,
            }
        )

        def book() -> Any:
            return client.post(
                "/api/v1/legal/bookings",
                body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="call-0001",
                **bearer(staff.amy),
            )

        with django_capture_on_commit_callbacks(execute=True):
            first = book()
        code = first.json()["code"]

        assert first.status_code == 201
        assert code in mailed_to("mei@example.org")
        assert tables_holding(code) == []
        again = book()
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_the_mailbox_link_and_the_code_are_mailed_and_kept_nowhere_in_clear(
    client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    form = {
        "category": category("0103").pk,
        "subject": "光復路路燈不亮",
        "content": "光復路二段 120 號前路燈三天不亮。",
        "district": district("fengshan").pk,
        "name": "李小明",
        "email": "ming@example.com",
        "website": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mailbox:write"), form)
    link = re.search(r"/mailbox/confirm/\S+/", mailed_to("ming@example.com")).group(0)
    token = link.split("/")[-2]

    assert tables_holding(token) == []
    registered = client.post(link).content.decode()
    code = re.search(r"<strong>([A-Z2-9]{8})</strong>", registered).group(1)
    outbox_deliver_due()  # the minute's sweep (a test's second commit wakes no worker)

    assert code in mailed_to("ming@example.com")
    assert tables_holding(code) == []
