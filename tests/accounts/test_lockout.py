"""Lockout as a weapon (issue 15): wrong passwords lock a username for the address
they came from only, locks grow, tries refused by a lock cost nothing, and a
username under a spread attack is slowed down for unfamiliar addresses only."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import Sum
from django.urls import reverse

from tests.accounts.conftest import (
    ATTACKER,
    OFFICE,
    PASSWORD,
    age_failures,
    attempt,
    fail,
    signed_in,
)
from yankao.accounts.signin import lock_length, slowdown_delay

pytestmark = pytest.mark.django_db


def test_wrong_passwords_from_another_address_do_not_lock_out_the_real_user(client, staff):
    fail("hank", 5, address=ATTACKER)
    response = attempt(client, "hank", PASSWORD, address=OFFICE)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_address_that_failed_is_locked_even_with_the_right_password(client, staff):
    fail("hank", 5, address=ATTACKER)
    response = attempt(client, "hank", PASSWORD, address=ATTACKER)
    assert response.status_code == 429
    assert not signed_in(client)
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    body = response.content.decode()
    assert "暫停登入" in body
    assert 'name="code"' in body  # the way in with a second factor


def test_colleagues_behind_the_same_office_address_are_not_locked_with_one_typist(client, staff):
    fail("hank", 5, address=OFFICE)
    response = attempt(client, "sue", PASSWORD, address=OFFICE)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_lock_ends_after_the_cool_off(client, staff):
    fail("hank", 5, address=ATTACKER)
    age_failures(16)
    response = attempt(client, "hank", PASSWORD, address=ATTACKER)
    assert response.status_code == 302


def test_after_a_lock_each_failure_locks_again_and_the_lock_doubles_every_five(client, staff):
    fail("hank", 5, address=ATTACKER)
    for _ in range(5):  # five more, each after the lock in force has ended
        age_failures(16)
        fail("hank", 1, address=ATTACKER)
    age_failures(16)
    assert attempt(client, "hank", PASSWORD, address=ATTACKER).status_code == 429
    age_failures(15)
    assert attempt(client, "hank", PASSWORD, address=ATTACKER).status_code == 302


def test_tries_refused_by_a_lock_are_not_counted(client, staff):
    fail("hank", 5, address=ATTACKER)
    fail("hank", 20, address=ATTACKER)
    failures = AccessAttempt.objects.filter(username="hank")
    assert failures.aggregate(n=Sum("failures_since_start"))["n"] == 5
    age_failures(16)
    assert attempt(client, "hank", PASSWORD, address=ATTACKER).status_code == 302


def test_lock_lengths_double_every_five_failures_up_to_a_day(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.YANKAO_LOGIN_COOLOFF = timedelta(minutes=15)
    assert lock_length(4) is None
    assert lock_length(5) == lock_length(9) == timedelta(minutes=15)
    assert lock_length(10) == timedelta(minutes=30)
    assert lock_length(15) == timedelta(hours=1)
    assert lock_length(500) == timedelta(days=1)


def test_a_username_failing_from_many_addresses_is_slowed_for_unfamiliar_ones(client, staff):
    addresses = [f"198.51.100.{n}" for n in range(1, 6)]
    for address in addresses:
        fail("hank", 1, address=address)
    response = attempt(client, "hank", PASSWORD, address="192.0.2.77")
    assert response.status_code == 429
    assert not signed_in(client)
    assert "秒後可再試" in response.content.decode()
    assert int(response["Retry-After"]) >= 1


def test_the_real_user_at_a_familiar_address_is_not_slowed_by_a_spread_attack(client, staff):
    assert attempt(client, "hank", PASSWORD, address=OFFICE).status_code == 302
    client.post(reverse("accounts:logout"))
    for n in range(1, 13):
        fail("hank", 1, address=f"198.51.100.{n}")
    response = attempt(client, "hank", PASSWORD, address=OFFICE)
    assert response.status_code == 302
    assert signed_in(client)


def test_an_unfamiliar_address_may_try_again_once_the_delay_has_passed(client, staff):
    for n in range(1, 6):
        fail("hank", 1, address=f"198.51.100.{n}")
    age_failures(1)
    assert attempt(client, "hank", PASSWORD, address="192.0.2.77").status_code == 302


def test_the_slow_down_grows_with_each_further_address_up_to_its_ceiling(settings):
    settings.YANKAO_LOGIN_SPRAY_ADDRESSES = 5
    settings.YANKAO_LOGIN_SLOWDOWN_MAX = timedelta(minutes=5)
    assert slowdown_delay(4) is None
    assert slowdown_delay(5) == timedelta(seconds=1)
    assert slowdown_delay(8) == timedelta(seconds=8)
    assert slowdown_delay(40) == timedelta(minutes=5)


def test_a_slowed_try_is_not_counted(client, staff):
    for n in range(1, 6):
        fail("hank", 1, address=f"198.51.100.{n}")
    fail("hank", 10, address="192.0.2.77")
    assert not AccessAttempt.objects.filter(ip_address="192.0.2.77").exists()


def test_the_sign_in_page_asks_for_a_code_only_as_an_option(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'autocomplete="one-time-code"' in body
    assert "僅限已啟用兩步驟驗證者填寫" in body
    start = body.index('name="code"')
    code_input = body[body.rindex("<input", 0, start) : body.index(">", start)]
    assert " required" not in code_input
