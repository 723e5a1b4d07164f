"""API keys: issued and revoked by administrators on the command line, stored as
a digest only, refused once revoked; and each key's rate limit."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from tests.open311.conftest import ROOT, post
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.open311.models import ApiClient
from yankao.open311.services import key_digest


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("open311", *args, stdout=out)
    return out.getvalue().strip()


def test_key_create_prints_a_key_that_is_stored_only_as_a_digest(db):
    raw = _command("key", "create", "高雄一指通", "--rate", "30")
    client = ApiClient.objects.get(name="高雄一指通")
    assert raw.startswith("o311_") and len(raw) > 40
    assert client.digest == key_digest(raw)
    assert raw not in {client.digest, client.prefix}
    assert raw.startswith(client.prefix)
    assert client.rate_per_minute == 30
    assert client.account.role == Role.SYSTEM
    assert not client.account.has_usable_password()


def test_key_list_shows_prefixes_never_keys(db):
    raw = _command("key", "create", "第三方 App")
    listing = _command("key", "list")
    assert "第三方 App" in listing and raw[:12] in listing
    assert raw not in listing


def test_two_clients_cannot_share_a_name(db):
    _command("key", "create", "App")
    with pytest.raises(CommandError):
        _command("key", "create", "App")


def test_a_revoked_key_is_refused_at_once(client, db, media):
    raw = _command("key", "create", "App")
    assert post(client, raw, description="路燈", email="a@example.com").status_code == 201
    _command("key", "revoke", raw[:12])
    response = post(client, raw, description="路燈", email="a@example.com")
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    assert "revoked" in _command("key", "list")
    # Its system account is switched off too.
    assert not ApiClient.objects.get(name="App").account.is_active


def test_revoking_an_unknown_prefix_says_so(db):
    with pytest.raises(CommandError):
        _command("key", "revoke", "o311_nothing")


def test_a_key_past_its_rate_gets_429_with_retry_after(client, db, media):
    raw = _command("key", "create", "Slow app", "--rate", "2")
    # All within one minute, whatever the real clock does meanwhile.
    with clock.frozen(datetime(2026, 11, 26, 2, 0, 30, tzinfo=UTC)):
        for _ in range(2):
            assert client.get(f"{ROOT}/services.json", {"api_key": raw}).status_code == 200
        response = client.get(f"{ROOT}/services.json", {"api_key": raw})
        refused = post(client, raw, fmt="xml", description="路燈")
    assert response.status_code == 429
    assert response.json()[0]["code"] == 429
    assert int(response["Retry-After"]) == 30
    assert refused.status_code == 429
    assert b"<code>429</code>" in refused.content


def test_callers_without_a_key_are_limited_by_address(client, db, settings):
    settings.YANKAO_OPEN311_ANONYMOUS_RATE = 1
    with clock.frozen(datetime(2026, 11, 26, 2, 0, 30, tzinfo=UTC)):
        assert client.get(f"{ROOT}/services.json").status_code == 200
        assert client.get(f"{ROOT}/services.json").status_code == 429
        other = client.get(f"{ROOT}/services.json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
