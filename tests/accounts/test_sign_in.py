import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from yankao.accounts.models import User

pytestmark = pytest.mark.django_db


def test_staff_sign_in_leads_to_the_worklist(client, staff):
    response = client.post(
        reverse("accounts:login"), {"username": "hank", "password": "not-used-in-tests"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_five_failed_attempts_lock_the_account_even_with_the_right_password(client, staff):
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "hank", "password": "wrong-password"})
    response = client.post(url, {"username": "hank", "password": "not-used-in-tests"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_production_settings_hash_passwords_with_argon2(settings):
    from yankao import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = User(username="new")
    user.set_password("a long enough password")
    assert identify_hasher(user.password).algorithm == "argon2"
