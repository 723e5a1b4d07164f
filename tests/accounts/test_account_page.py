"""Staff turn two-step verification on from their account page: a QR code and the
key as text, a code to confirm, backup codes shown once."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import enrol, next_code, throttle_passes

pytestmark = pytest.mark.django_db


def test_the_account_page_offers_two_step_verification(client, staff):
    client.force_login(staff.hank)
    body = client.get(reverse("accounts:account")).content.decode()
    assert "兩步驟驗證" in body
    assert reverse("accounts:two-factor-start") in body


def test_setting_up_shows_a_qr_code_and_the_key_as_text(client, staff):
    client.force_login(staff.hank)
    response = client.post(reverse("accounts:two-factor-start"), follow=True)
    body = response.content.decode()
    assert 'src="data:image/svg+xml' in body
    assert 'alt="您的驗證器金鑰 QR Code"' in body
    device = TOTPDevice.objects.get(user=staff.hank)
    assert not device.confirmed
    assert "otp-key" in body and len(body.split('class="otp-key"')[1].split("</code>")[0]) > 30


def test_a_wrong_code_does_not_turn_it_on(client, staff):
    client.force_login(staff.hank)
    client.post(reverse("accounts:two-factor-start"))
    response = client.post(reverse("accounts:two-factor-confirm"), {"code": "000000"})
    assert response.status_code == 200
    assert "驗證碼不正確" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff.hank, confirmed=True).exists()


def test_the_right_code_turns_it_on_and_shows_ten_backup_codes_once(client, staff):
    client.force_login(staff.hank)
    client.post(reverse("accounts:two-factor-start"))
    device = TOTPDevice.objects.get(user=staff.hank)
    response = client.post(reverse("accounts:two-factor-confirm"), {"code": next_code(device)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.content.decode().count("<li><code>") == 10
    assert TOTPDevice.objects.get(user=staff.hank).confirmed
    assert StaticToken.objects.filter(device__user=staff.hank).count() == 10
    assert "未使用的備用碼" in client.get(reverse("accounts:account")).content.decode()


def test_new_backup_codes_need_a_code_and_replace_the_old_ones(client, staff):
    device, old = enrol(staff.hank)
    client.force_login(staff.hank)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    refused = client.post(reverse("accounts:backup-codes"), {"renew-code": "000000"})
    assert refused.status_code == 302
    assert set(StaticToken.objects.values_list("token", flat=True)) == stored
    throttle_passes(staff.hank)
    response = client.post(reverse("accounts:backup-codes"), {"renew-code": next_code(device)})
    assert response.status_code == 200
    assert old[0] not in response.content.decode()


def test_turning_it_off_needs_a_code(client, staff):
    device, _codes = enrol(staff.hank)
    client.force_login(staff.hank)
    client.post(reverse("accounts:two-factor-remove"), {"remove-code": "000000"})
    assert TOTPDevice.objects.filter(user=staff.hank).exists()
    throttle_passes(staff.hank)
    client.post(reverse("accounts:two-factor-remove"), {"remove-code": next_code(device)})
    assert not TOTPDevice.objects.filter(user=staff.hank).exists()
    assert not StaticToken.objects.filter(device__user=staff.hank).exists()


def test_the_account_page_needs_a_signed_in_user(client):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
