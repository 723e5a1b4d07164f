"""The second factor at sign-in: required once enrolled, the way in while the
username is locked or slowed for an address, and never exhaustible by someone
who does not hold the password."""

import re

import pytest
from axes.models import AccessAttempt
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from tests.accounts.conftest import (
    ATTACKER,
    OFFICE,
    PASSWORD,
    attempt,
    enrol,
    fail,
    next_code,
    signed_in,
)
from yankao.accounts.second_factor import normalise_code

pytestmark = pytest.mark.django_db


def test_with_a_second_factor_the_password_alone_does_not_sign_in(client, staff):
    enrol(staff.hank)
    response = attempt(client, "hank", PASSWORD, address=OFFICE)
    assert response.status_code == 200
    assert not signed_in(client)
    assert "帳號、密碼或驗證碼不正確" in response.content.decode()


def test_with_a_second_factor_password_and_code_sign_in(client, staff):
    device, _codes = enrol(staff.hank)
    response = attempt(client, "hank", PASSWORD, address=OFFICE, code=next_code(device))
    assert response.status_code == 302
    assert signed_in(client)


def test_a_code_is_accepted_as_typed_with_full_width_digits_and_spaces(client, staff):
    device, _codes = enrol(staff.hank)
    code = next_code(device)
    typed = " ".join(chr(ord(digit) + 0xFEE0) for digit in code)  # １ ２ ３ …
    assert normalise_code(typed) == code
    assert attempt(client, "hank", PASSWORD, address=OFFICE, code=typed).status_code == 302


def test_a_user_locked_out_at_their_address_signs_in_with_password_and_code(client, staff):
    device, _codes = enrol(staff.hank)
    fail("hank", 5, address=OFFICE)
    assert attempt(Client(), "hank", PASSWORD, address=OFFICE).status_code == 429
    response = attempt(client, "hank", PASSWORD, address=OFFICE, code=next_code(device))
    assert response.status_code == 302
    assert signed_in(client)


def test_a_user_slowed_down_by_a_spread_attack_signs_in_with_a_backup_code(client, staff):
    _device, codes = enrol(staff.hank)
    for n in range(1, 9):
        fail("hank", 1, address=f"198.51.100.{n}")
    assert attempt(Client(), "hank", PASSWORD, address="192.0.2.77").status_code == 429
    response = attempt(client, "hank", PASSWORD, address="192.0.2.77", code=codes[0])
    assert response.status_code == 302


def test_a_wrong_code_while_locked_is_refused_and_counted(client, staff):
    enrol(staff.hank)
    fail("hank", 5, address=ATTACKER)
    response = attempt(client, "hank", PASSWORD, address=ATTACKER, code="000000")
    assert response.status_code == 429
    assert not signed_in(client)
    failures = AccessAttempt.objects.filter(username="hank")
    assert failures.aggregate(n=Sum("failures_since_start"))["n"] == 6


def test_a_user_without_a_second_factor_cannot_pass_a_lock_with_any_code(client, staff):
    fail("hank", 5, address=ATTACKER)
    response = attempt(client, "hank", PASSWORD, address=ATTACKER, code="123456")
    assert response.status_code == 429
    assert not signed_in(client)


def test_guessing_codes_without_the_password_cannot_exhaust_the_second_factor(client, staff):
    device, _codes = enrol(staff.hank)
    for guess in range(12):
        attempt(Client(), "hank", "wrong-password", address=ATTACKER, code=f"{guess:06d}")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    response = attempt(client, "hank", PASSWORD, address=OFFICE, code=next_code(device))
    assert response.status_code == 302


def test_a_wrong_password_and_a_wrong_code_look_the_same(staff):
    enrol(staff.hank)
    fail("hank", 5, address=ATTACKER)
    wrong_password = attempt(Client(), "hank", "wrong-password", address=ATTACKER, code="111111")
    wrong_code = attempt(Client(), "hank", PASSWORD, address=ATTACKER, code="222222")
    assert wrong_password.status_code == wrong_code.status_code == 429
    assert _page(wrong_password) == _page(wrong_code)


def _page(response) -> str:
    """The page before its form's token, with the lock's end (a moment) left out."""
    text = response.content.decode().split('name="csrfmiddlewaretoken"')[0]
    return re.sub(r"\d{3}/\d{2}/\d{2} \d{2}:\d{2}", "…", text)


def test_a_backup_code_signs_in_once(staff):
    _device, codes = enrol(staff.hank)
    first = Client()
    assert attempt(first, "hank", PASSWORD, address=OFFICE, code=codes[3]).status_code == 302
    again = Client()
    assert attempt(again, "hank", PASSWORD, address=OFFICE, code=codes[3]).status_code == 200
    assert not signed_in(again)


def test_backup_codes_are_not_stored_as_they_are(staff):
    _device, codes = enrol(staff.hank)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == len(codes) == 10
    plain = {code.replace("-", "") for code in codes}
    assert not stored & (plain | {code.lower() for code in plain} | set(codes))


def test_an_authenticator_code_is_single_use(staff):
    device, _codes = enrol(staff.hank)
    code = next_code(device)
    assert attempt(Client(), "hank", PASSWORD, address=OFFICE, code=code).status_code == 302
    replay = Client()
    assert attempt(replay, "hank", PASSWORD, address=OFFICE, code=code).status_code == 200
    assert not signed_in(replay)


def test_the_admin_signs_in_through_the_staff_sign_in(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/admin/accounts/user/" in response["Location"]


def test_a_signed_in_user_without_admin_rights_is_refused_by_the_admin_not_looped(client, staff):
    client.force_login(staff.hank)
    assert client.get("/admin/login/?next=/admin/").status_code == 403
