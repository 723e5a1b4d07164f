"""Private codes given to citizens: the petition tracking page's verification code
and the legal booking's code that shows or cancels a booking; and the one-time
confirmation code sent to a citizen's phone or e-mail to prove it is theirs.

A code is 8 characters of an alphabet without look-alikes (40 bits) and unlocks
one record's status, never personal data. It is stored only as a keyed
HMAC-SHA256 rather than a slow password hash: intake must stay fast (hundreds of
petitions a second), and a copy of the database alone, without the secret key,
reveals nothing. Each kind of code has its own salt, so a code of one kind never
matches a record of another; a salt is fixed for good, since changing it would
make every stored digest of that kind unmatchable.

The HMAC key is the codes key (YANKAO_CODES_KEY), not Django's secret key, so the
secret key can be rotated without touching codes citizens hold. A deployment that
sets no codes key keeps using the secret key, and its fallbacks, as before. New
digests use the current key; a code matches a digest made with the current key or
any fallback, so the codes key itself can be rotated too (docs/adr/0020).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
CODE_LENGTH = 8


def codes_keys() -> list[str]:
    """The key new digests are made with, then the older keys still accepted."""
    if settings.CODES_KEY:
        return [settings.CODES_KEY, *settings.CODES_KEY_FALLBACKS]
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


@dataclass(frozen=True)
class CodeKind:
    """One kind of private code, told apart from the others by its salt."""

    salt: str

    def digest(self, code: str) -> str:
        """What is stored: case and surrounding spaces do not matter to a match."""
        return self._digest(code, codes_keys()[0])

    def digests(self, code: str) -> list[str]:
        """The code's digest under each accepted key, the current one first."""
        return [self._digest(code, key) for key in codes_keys()]

    def matches(self, code: str, digest: str) -> bool:
        """In constant time, trying every accepted key; nothing matches an empty digest."""
        if not digest:
            return False
        found = [constant_time_compare(candidate, digest) for candidate in self.digests(code)]
        return any(found)

    def _digest(self, code: str, key: str) -> str:
        return salted_hmac(
            self.salt, code.strip().upper(), secret=key, algorithm="sha256"
        ).hexdigest()


PETITION_VERIFICATION = CodeKind(salt="yankao.petitions.verification-code")
LEGAL_BOOKING = CodeKind(salt="yankao.legal.booking-code")
# Six digits typed back from an SMS or an e-mail; a booking allows a few tries (ADR 0022).
LEGAL_CONFIRMATION = CodeKind(salt="yankao.legal.confirmation-code")

CONFIRMATION_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_confirmation_code() -> str:
    """Digits only, easy to type on a phone: a million values, so whoever checks it
    must limit the tries (one in 200,000 with five)."""
    return f"{secrets.randbelow(10**CONFIRMATION_LENGTH):0{CONFIRMATION_LENGTH}d}"
