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
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
CODE_LENGTH = 8


@dataclass(frozen=True)
class CodeKind:
    """One kind of private code, told apart from the others by its salt."""

    salt: str

    def digest(self, code: str) -> str:
        """What is stored: case and surrounding spaces do not matter to a match."""
        return salted_hmac(self.salt, code.strip().upper(), algorithm="sha256").hexdigest()

    def matches(self, code: str, digest: str) -> bool:
        """In constant time; nothing matches an empty digest."""
        return bool(digest) and constant_time_compare(self.digest(code), digest)


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
