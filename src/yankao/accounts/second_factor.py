"""A second factor for staff sign-in (django-otp): an authenticator app (TOTP,
RFC 6238) and single-use backup codes for the day the phone is lost.

A user enrols from their account page: a new, unconfirmed authenticator is shown
as a QR code (and its key, for typing), and becomes the user's only authenticator
when they type a code it made; ten backup codes are then shown, once. Backup codes
are stored only as keyed digests (core.codes, rotatable with the codes key), never
as they are: django-otp would keep them in clear.

From then on the user signs in with password and code; the code is also the way
in while their username is locked or slowed for the address they are at
(accounts/signin.py). django-otp throttles each device after a wrong code (1, 2,
4 … seconds); sign-in asks a device only after the password was right.
"""

from __future__ import annotations

import logging
import unicodedata
from base64 import b32encode

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yankao.accounts.models import User
from yankao.core.codes import CodeKind, new_code

security_log = logging.getLogger("yankao.security")

BACKUP_CODE = CodeKind(salt="yankao.accounts.backup-code")
BACKUP_CODE_COUNT = 10
STORED_DIGEST_LENGTH = 16  # django-otp's token column: 64 bits of the HMAC-SHA256
AUTHENTICATOR_NAME = "authenticator"
BACKUP_CODES_NAME = "backup codes"


def normalise_code(code: str) -> str:
    """Full-width digits and letters (as typed with a Chinese input method) become
    ASCII; spaces and dashes (a backup code is shown as K7QM-2XPA) are dropped."""
    text = unicodedata.normalize("NFKC", code)
    return "".join(char for char in text if char not in " -").upper()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts the code (six digits: the authenticator; otherwise a
    backup code, used up), or None. Each device throttles its own failures."""
    code = normalise_code(code)
    if not code:
        return None
    if code.isdigit() and len(code) == 6:
        return _authenticator_verify(user, code)
    return _backup_code_use(user, code)


def _authenticator_verify(user: User, code: str) -> Device | None:
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and device.verify_token(code):
            return device
    return None


def _backup_code_use(user: User, code: str) -> Device | None:
    """As django-otp's StaticDevice.verify_token, against the digests under every
    accepted key (so rotating the codes key keeps backup codes working)."""
    stored = [digest[:STORED_DIGEST_LENGTH] for digest in BACKUP_CODE.digests(code)]
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None or not device.verify_is_allowed()[0]:
            return None
        match = device.token_set.filter(token__in=stored).first()
        if match is None:
            device.throttle_increment()
            return None
        match.delete()
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
    return device


# --- enrolment --------------------------------------------------------------------------


def second_factor_pending(user: User) -> TOTPDevice | None:
    """The authenticator being set up, not confirmed yet."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


@transaction.atomic
def second_factor_start(*, user: User) -> TOTPDevice:
    """A new authenticator key for the user to scan; unused until confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def second_factor_confirm(*, user: User, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code it made: it replaces any
    earlier one, and new backup codes are returned (shown once). None when the
    code is wrong or nothing is pending."""
    code = normalise_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None or not device.verify_token(code):
            return None
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_renew(user=user)
    security_log.info("second factor enrolled: username=%r", user.get_username())
    return codes


@transaction.atomic
def backup_codes_renew(*, user: User) -> list[str]:
    """Ten new backup codes, replacing the old ones."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": BACKUP_CODES_NAME}
    )
    device.token_set.all().delete()
    codes = [new_code() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=BACKUP_CODE.digest(code)[:STORED_DIGEST_LENGTH])
        for code in codes
    )
    return [f"{code[:4]}-{code[4:]}" for code in codes]


@transaction.atomic
def second_factor_remove(*, user: User, by: str) -> None:
    """Back to password-only sign-in (the user, or an administrator for a lost phone)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    security_log.warning("second factor removed: username=%r by=%s", user.get_username(), by)


def second_factor_throttle_reset(*, user: User) -> None:
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )


def authenticator_key(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[index : index + 4] for index in range(0, len(text), 4))
