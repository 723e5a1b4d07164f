import pytest
from django.core.management import call_command

from yankao.accounts.models import ApiToken
from yankao.accounts.services import token_authenticate, token_digest

pytestmark = pytest.mark.django_db


def test_the_token_command_prints_a_token_that_authenticates(staff, capsys):
    call_command("token", "create", "hank")
    raw = capsys.readouterr().out.strip()
    assert token_authenticate(raw) == staff.hank


def test_only_the_tokens_digest_is_stored(staff, capsys):
    call_command("token", "create", "hank")
    raw = capsys.readouterr().out.strip()
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(raw)
    assert raw not in {stored.digest, stored.prefix, stored.name}


def test_revoking_by_prefix_disables_the_token(staff, capsys):
    call_command("token", "create", "hank")
    raw = capsys.readouterr().out.strip()
    call_command("token", "revoke", ApiToken.objects.get().prefix)
    assert token_authenticate(raw) is None


def test_a_token_of_a_deactivated_account_does_not_authenticate(staff, capsys):
    call_command("token", "create", "hank")
    raw = capsys.readouterr().out.strip()
    staff.hank.is_active = False
    staff.hank.save()
    assert token_authenticate(raw) is None
