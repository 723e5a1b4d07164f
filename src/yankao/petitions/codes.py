"""Verification codes for the public tracking page.

A code is 8 random characters (40 bits) and unlocks only the status and reply of
one case, never personal data. It is stored as a keyed HMAC-SHA256 rather than a
slow password hash: intake must stay fast (hundreds of petitions a second), and a
copy of the database alone, without the secret key, reveals nothing.
"""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
CODE_LENGTH = 8
_SALT = "yankao.petitions.verification-code"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_digest(code: str) -> str:
    return salted_hmac(_SALT, code.strip().upper(), algorithm="sha256").hexdigest()


def code_matches(code: str, digest: str) -> bool:
    return bool(digest) and constant_time_compare(code_digest(code), digest)
