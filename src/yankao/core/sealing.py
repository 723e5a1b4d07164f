"""Sealed values: a citizen's private code (or a confirmation link) that the platform
must keep for a short while, but never in clear: until its e-mail is sent, in an
API answer kept for a replay, in a petition queued for registration.

A sealed value is a Fernet token (AES-128-CBC with an HMAC-SHA256, from the
`cryptography` package) under a key derived from SECRET_KEY, like the codes'
digests in `core.codes`: a copy of the database alone, without the key, reveals no
code. A key in SECRET_KEY_FALLBACKS still opens what it sealed, so a key can be
rotated without losing what is in flight. See docs/adr/0021.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

# Fixed for good: another salt would leave every sealed value unopenable.
_SALT = "yankao.core.sealing"


class Unsealable(Exception):
    """Not a value this platform sealed, or sealed under a key it no longer has."""


def _fernet(secret_key: str) -> Fernet:
    derived = salted_hmac(_SALT, "fernet-key", secret=secret_key, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(derived))


@lru_cache(maxsize=4)
def _keys_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in keys])


def _keys() -> MultiFernet:
    # Read each time, so a test's or a rotation's settings apply; derived once per set.
    fallbacks = getattr(settings, "SECRET_KEY_FALLBACKS", [])
    return _keys_for((settings.SECRET_KEY, *fallbacks))


def seal(value: str) -> str:
    """The value encrypted and authenticated, as ASCII text to store."""
    return _keys().encrypt(value.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    """The value `seal` was given; Unsealable if it cannot be opened."""
    try:
        return _keys().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as error:
        raise Unsealable("This sealed value cannot be opened with the present keys.") from error
