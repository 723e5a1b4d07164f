"""Sealed values: only this platform's keys open them, an old key kept in the
fallbacks still does, and a changed byte is refused."""

import pytest
from pytest_django import Settings

from yankao.core.sealing import Unsealable, seal, unseal


def test_a_sealed_code_opens_to_itself_and_does_not_show_it():
    sealed = seal("K7QM2XPA")
    assert "K7QM2XPA" not in sealed
    assert unseal(sealed) == "K7QM2XPA"


def test_the_same_code_sealed_twice_reads_differently():
    assert seal("K7QM2XPA") != seal("K7QM2XPA")


def test_another_secret_key_cannot_open_it(settings: Settings):
    sealed = seal("K7QM2XPA")
    settings.SECRET_KEY = "another-key-entirely-another-key-entirely-another"
    with pytest.raises(Unsealable):
        unseal(sealed)


def test_a_rotated_key_kept_in_the_fallbacks_still_opens_it(settings: Settings):
    old_key = settings.SECRET_KEY
    sealed = seal("K7QM2XPA")
    settings.SECRET_KEY = "the-new-key-the-new-key-the-new-key-the-new-key-1"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert unseal(sealed) == "K7QM2XPA"


@pytest.mark.parametrize("tampered", ["", "not a token", "gAAAAA", "鍵"])
def test_what_was_not_sealed_here_is_refused(tampered: str):
    with pytest.raises(Unsealable):
        unseal(tampered)


def test_a_changed_character_is_refused():
    sealed = seal("K7QM2XPA")
    middle = len(sealed) // 2
    changed = sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1 :]
    with pytest.raises(Unsealable):
        unseal(changed)
