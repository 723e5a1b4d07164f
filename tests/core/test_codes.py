"""Private codes: unambiguous characters, keyed digests per kind, constant-time
matches, and digests stored before the codes moved to the core still matching."""

import pytest
from django.utils.crypto import salted_hmac

from yankao.core.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LEGAL_BOOKING,
    PETITION_VERIFICATION,
    new_code,
)

KINDS = [PETITION_VERIFICATION, LEGAL_BOOKING]


def test_a_new_code_uses_only_unambiguous_characters():
    code = new_code()
    assert len(code) == CODE_LENGTH
    assert set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("01OI")


@pytest.mark.parametrize("kind", KINDS)
def test_a_code_matches_its_digest_whatever_the_case_and_spaces(kind):
    digest = kind.digest("ABCD2345")
    assert kind.matches(" abcd2345 ", digest)
    assert not kind.matches("ABCD2346", digest)


@pytest.mark.parametrize("kind", KINDS)
def test_no_code_matches_an_empty_digest(kind):
    assert not kind.matches("ABCD2345", "")


@pytest.mark.parametrize("kind", KINDS)
def test_the_digest_is_not_the_code(kind):
    assert "ABCD2345" not in kind.digest("ABCD2345")


def test_a_code_of_one_kind_never_matches_a_record_of_another():
    assert not LEGAL_BOOKING.matches("ABCD2345", PETITION_VERIFICATION.digest("ABCD2345"))
    assert not PETITION_VERIFICATION.matches("ABCD2345", LEGAL_BOOKING.digest("ABCD2345"))


@pytest.mark.parametrize(
    ("kind", "salt"),
    [
        (PETITION_VERIFICATION, "yankao.petitions.verification-code"),
        (LEGAL_BOOKING, "yankao.legal.booking-code"),
    ],
)
def test_a_digest_stored_before_the_move_still_matches(kind, salt):
    # How petitions/codes.py and legal/codes.py made digests: codes already given
    # to citizens must keep working.
    stored = salted_hmac(salt, "ABCD2345", algorithm="sha256").hexdigest()
    assert kind.matches(" abcd2345", stored)
