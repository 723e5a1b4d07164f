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


# --- rotating keys (docs/adr/0020) ----------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_without_a_codes_key_codes_are_keyed_as_before_with_the_secret_key(kind, settings):
    settings.CODES_KEY = ""
    stored = salted_hmac(kind.salt, "ABCD2345", algorithm="sha256").hexdigest()
    assert kind.digest("ABCD2345") == stored


@pytest.mark.parametrize("kind", KINDS)
def test_codes_survive_a_secret_key_rotation_with_the_old_key_as_fallback(kind, settings):
    settings.CODES_KEY = ""
    settings.SECRET_KEY = "old-secret-key-" + "x" * 40
    stored = kind.digest("ABCD2345")
    settings.SECRET_KEY = "new-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = ["old-secret-key-" + "x" * 40]
    assert kind.matches("abcd2345", stored)
    assert kind.digest("ABCD2345") != stored  # new codes use the new key
    settings.SECRET_KEY_FALLBACKS = []
    assert not kind.matches("abcd2345", stored)  # the old key dropped: no longer


@pytest.mark.parametrize("kind", KINDS)
def test_pinning_the_codes_key_to_the_old_secret_keeps_codes_across_a_rotation(kind, settings):
    old_secret = "old-secret-key-" + "x" * 40
    settings.CODES_KEY = ""
    settings.SECRET_KEY = old_secret
    stored = kind.digest("ABCD2345")
    settings.CODES_KEY = old_secret
    settings.SECRET_KEY = "new-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = []
    assert kind.matches("ABCD2345", stored)


@pytest.mark.parametrize("kind", KINDS)
def test_a_rotated_codes_key_matches_old_codes_and_makes_new_ones(kind, settings):
    settings.CODES_KEY = "codes-key-2025-" + "a" * 40
    stored = kind.digest("ABCD2345")
    settings.CODES_KEY = "codes-key-2026-" + "b" * 40
    settings.CODES_KEY_FALLBACKS = ["codes-key-2025-" + "a" * 40]
    assert kind.matches("ABCD2345", stored)
    new = kind.digest("ABCD2345")
    assert new != stored
    settings.CODES_KEY_FALLBACKS = []
    assert kind.matches("ABCD2345", new)
    assert not kind.matches("ABCD2345", stored)


def test_the_secret_key_is_not_a_fallback_of_a_codes_key(settings):
    settings.CODES_KEY = "codes-key-" + "c" * 40
    made_with_secret = salted_hmac(
        PETITION_VERIFICATION.salt, "ABCD2345", algorithm="sha256"
    ).hexdigest()
    assert not PETITION_VERIFICATION.matches("ABCD2345", made_with_secret)
