"""Administrators see and end locks; sprays are told on the security log and by
e-mail to the administrators, once per window."""

import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import ATTACKER, OFFICE, PASSWORD, attempt, enrol, fail, signed_in
from yankao.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_the_unlock_command_ends_every_lock_of_the_username(client, staff, capsys):
    fail("hank", 5, address=ATTACKER)
    for n in range(1, 6):
        fail("hank", 1, address=f"198.51.100.{n}")
    call_command("unlock", "hank")
    assert "hank: unlocked" in capsys.readouterr().out
    assert attempt(client, "hank", PASSWORD, address=ATTACKER).status_code == 302


def test_unlocking_also_clears_the_second_factors_throttle(staff):
    device, _codes = enrol(staff.hank)
    attempt(Client(), "hank", PASSWORD, address=OFFICE, code="000000")
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    call_command("unlock", "hank")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_admin_page_of_a_user_shows_where_it_is_locked(client, staff, admin_user):
    fail("hank", 5, address=ATTACKER)
    fail("hank", 2, address=OFFICE)
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[staff.hank.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    rows = {address: _row(body, address) for address in (ATTACKER, OFFICE)}
    assert "<strong>" in rows[ATTACKER]  # locked there, with the moment it ends
    assert "<strong>" not in rows[OFFICE]  # two mistakes: not locked
    assert "該位址鎖定至" in body


def _row(body: str, text: str) -> str:
    start = body.rindex("<tr>", 0, body.index(text))
    return body[start : body.index("</tr>", start)]


def test_the_admin_action_unlocks_the_selected_accounts(client, staff, admin_user):
    fail("hank", 5, address=ATTACKER)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [staff.hank.pk]},
    )
    assert response.status_code == 302
    assert attempt(Client(), "hank", PASSWORD, address=ATTACKER).status_code == 302


def test_many_usernames_failing_from_one_address_raise_one_alert(staff, admin_user, caplog):
    caplog.set_level(logging.WARNING, logger="yankao.security")
    for n in range(12):
        fail(f"guess{n}", 1, address=ATTACKER)
    alerts = [r for r in caplog.records if r.name == "yankao.security" and "spray" in r.message]
    assert len(alerts) == 1
    assert alerts[0].levelno == logging.WARNING
    assert ATTACKER in alerts[0].getMessage()
    mail = OutboxMessage.objects.get(ref_type="sign-in-spray")
    assert mail.to == [admin_user.email]
    assert ATTACKER in mail.body


def test_one_username_failing_from_many_addresses_raises_an_alert(staff, admin_user, caplog):
    caplog.set_level(logging.WARNING, logger="yankao.security")
    for n in range(1, 6):
        fail("controller", 1, address=f"198.51.100.{n}")
    alerts = [r.getMessage() for r in caplog.records if r.name == "yankao.security"]
    assert any("'controller'" in message and "5 addresses" in message for message in alerts)
    assert OutboxMessage.objects.filter(ref_type="sign-in-spray", body__contains="controller")


def test_ordinary_mistakes_raise_no_alert(client, staff, admin_user, caplog):
    caplog.set_level(logging.WARNING, logger="yankao.security")
    fail("hank", 3, address=OFFICE)
    fail("sue", 2, address=OFFICE)
    assert attempt(client, "hank", PASSWORD, address=OFFICE).status_code == 302
    assert signed_in(client)
    assert not [r for r in caplog.records if r.name == "yankao.security"]
    assert not OutboxMessage.objects.filter(ref_type="sign-in-spray").exists()
