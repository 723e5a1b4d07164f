"""The businesses' logs of looks at personal data share one shape (core's
PersonalDataAccess) and one admin: readable, never added to, changed or deleted."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.petitions.factories import petition
from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core.admin import EvidenceAdmin
from yankao.core.models import PersonalDataAccess as AccessRecord
from yankao.dispatch.models import TicketPersonalDataAccess
from yankao.hotline.models import CallerNumberAccess
from yankao.legal.models import PersonalDataAccess as LegalAccess
from yankao.messaging.models import MessageAccess
from yankao.petitions.models import PersonalDataAccess as PetitionAccess
from yankao.petitions.services import petition_personal_data_access_log

pytestmark = pytest.mark.django_db
LOGS = [PetitionAccess, LegalAccess, TicketPersonalDataAccess, CallerNumberAccess, MessageAccess]


@pytest.mark.parametrize("model", LOGS, ids=lambda m: m._meta.label)
def test_every_log_is_evidence_in_the_admin(model, rf, client):
    root = User.objects.create_superuser(username="root", password="x", role=Role.ADMIN)
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = root
    assert issubclass(model, AccessRecord)
    assert isinstance(model_admin, EvidenceAdmin)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    client.force_login(root)
    opts = model._meta
    page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert page.status_code == 200


def test_a_look_names_who_what_and_when(staff):
    looked_at = petition().petition
    record = petition_personal_data_access_log(
        petition=looked_at, by=staff.sue, reason="回覆陳情人", where="case"
    )
    assert str(record) == f"{staff.sue.pk} {looked_at.pk} {record.at:%Y-%m-%d %H:%M}"
    assert list(PetitionAccess.objects.all()) == [record]
