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


def test_a_use_is_recorded_at_most_once_a_minute(staff, capsys):
    from datetime import timedelta

    from yankao.core import clock

    call_command("token", "create", "hank")
    raw = capsys.readouterr().out.strip()
    start = clock.now().replace(microsecond=0)
    with clock.frozen(start):
        assert token_authenticate(raw) == staff.hank
    assert ApiToken.objects.get().last_used_at == start
    with clock.frozen(start + timedelta(seconds=59)):
        token_authenticate(raw)
    assert ApiToken.objects.get().last_used_at == start
    with clock.frozen(start + timedelta(seconds=61)):
        token_authenticate(raw)
    assert ApiToken.objects.get().last_used_at == start + timedelta(seconds=61)


def test_the_user_comes_whole_with_their_agency_readable(staff, capsys):
    call_command("token", "create", "hank")
    raw = capsys.readouterr().out.strip()
    user = token_authenticate(raw)
    assert user.pk == staff.hank.pk and user.role == staff.hank.role
    assert user.agency == staff.hank.agency and user.is_active


def test_the_user_read_by_token_has_every_field_as_the_orm_reads_it(staff, capsys):
    from django.utils import timezone

    from yankao.accounts.models import User

    User.objects.filter(pk=staff.hank.pk).update(last_login=timezone.now(), phone="07-1234567")
    call_command("token", "create", "hank")
    user = token_authenticate(capsys.readouterr().out.strip())
    expected = User.objects.get(pk=staff.hank.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert user.last_login is not None and user.last_login.tzinfo is not None
    assert not user._state.adding and user._state.db == "default"


def test_a_revoked_token_of_the_same_user_does_not_stand_for_a_live_one(staff, capsys):
    call_command("token", "create", "hank")
    first = capsys.readouterr().out.strip()
    call_command("token", "create", "hank")
    second = capsys.readouterr().out.strip()
    call_command("token", "revoke", ApiToken.objects.order_by("pk").first().prefix)
    assert token_authenticate(first) is None
    assert token_authenticate(second) == staff.hank
    assert token_authenticate("yk_not-a-token") is None
