"""Rotating the secret key with the old one as a fallback keeps staff signed in
(sessions and their auth hash), and signed mailbox links valid."""

import pytest
from django.core import signing
from django.urls import reverse

from tests.accounts.conftest import OFFICE, PASSWORD, attempt

pytestmark = pytest.mark.django_db

OLD = "old-secret-key-" + "x" * 40
NEW = "new-secret-key-" + "y" * 40


def test_a_session_survives_a_rotation_with_the_old_key_as_fallback(client, staff, settings):
    settings.SECRET_KEY = OLD
    assert attempt(client, "hank", PASSWORD, address=OFFICE).status_code == 302
    settings.SECRET_KEY = NEW
    settings.SECRET_KEY_FALLBACKS = [OLD]
    assert client.get(reverse("home")).status_code == 200


def test_without_the_fallback_a_rotation_signs_everyone_out(client, staff, settings):
    settings.SECRET_KEY = OLD
    assert attempt(client, "hank", PASSWORD, address=OFFICE).status_code == 302
    settings.SECRET_KEY = NEW
    settings.SECRET_KEY_FALLBACKS = []
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_signed_links_made_with_the_old_key_still_open(settings):
    settings.SECRET_KEY = OLD
    token = signing.dumps({"d": 1}, salt="yankao.mailbox")
    settings.SECRET_KEY = NEW
    settings.SECRET_KEY_FALLBACKS = [OLD]
    assert signing.loads(token, salt="yankao.mailbox") == {"d": 1}
