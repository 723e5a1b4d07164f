"""Sign-in helpers: posts to the sign-in page from a given address, codes made by
the TOTP algorithm the way an authenticator app makes them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.accounts.second_factor import second_factor_confirm, second_factor_start

PASSWORD = "not-used-in-tests"
ATTACKER = "203.0.113.66"
OFFICE = "10.20.30.40"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Spray alerts are told once per window through the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def attempt(client: Client, username: str, password: str, *, address: str, code: str = ""):
    data = {"username": username, "password": password}
    if code:
        data["code"] = code
    return client.post(reverse("accounts:login"), data, REMOTE_ADDR=address)


def fail(username: str, times: int, *, address: str) -> None:
    """Wrong passwords, each from a browser of its own (as an attacker's script)."""
    for _ in range(times):
        attempt(Client(), username, "wrong-password", address=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def age_failures(minutes: float) -> None:
    """Move every recorded failure back in time, as if that long had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def next_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows for the device now, or the next time
    step's when the current one was used already (codes are single-use)."""
    device.refresh_from_db()
    now_step = (int(time.time()) - device.t0) // device.step + device.drift
    value = hotp(device.bin_key, max(now_step, device.last_t + 1), device.digits)
    return f"{value:0{device.digits}d}"


def throttle_passes(user: User) -> None:
    """A wrong code makes a device wait (1, 2, 4 … seconds): let that time pass."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_timestamp__isnull=False).update(
            throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(hours=1)
        )


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """The user turns on two-step verification; their authenticator and backup codes."""
    device = second_factor_start(user=user)
    codes = second_factor_confirm(user=user, code=next_code(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


@pytest.fixture
def admin_user(db) -> User:
    user = factories.user("ada", Role.ADMIN, "rdec")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user
