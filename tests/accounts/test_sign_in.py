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
    assert response["Location"] == reverse("home")


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


def test_a_signed_in_request_loads_the_user_with_their_agency_in_one_query(client, staff):
    from django.contrib.auth import get_user
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.post(reverse("accounts:login"), {"username": "hank", "password": "not-used-in-tests"})
    request = client.get(reverse("home")).wsgi_request
    request.session = client.session
    with CaptureQueriesContext(connection) as queries:
        user = get_user(request)
        agency = user.agency
    user_queries = [q["sql"] for q in queries.captured_queries if "accounts_user" in q["sql"]]
    assert len(user_queries) == 1
    assert "organisation_agency" in user_queries[0]
    assert agency == staff.hank.agency
    assert not any(
        "organisation_agency" in q["sql"] and "accounts_user" not in q["sql"]
        for q in queries.captured_queries
    )


def test_a_deactivated_user_is_signed_out_on_their_next_request(client, staff):
    client.post(reverse("accounts:login"), {"username": "hank", "password": "not-used-in-tests"})
    User.objects.filter(username="hank").update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
