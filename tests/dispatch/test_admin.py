"""Administrators adjust the classes and the agencies' duty contacts in the admin."""

import pytest
from django.urls import reverse

from tests.dispatch import factories
from yankao.accounts.models import User
from yankao.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(username="root", password="x", role=Role.ADMIN)
    client.force_login(admin)
    return client


def test_the_admin_lists_classes_and_duty_contacts(admin_client):
    for name in ("ticketclass", "dispatchcontact", "ticketpersonaldataaccess"):
        response = admin_client.get(reverse(f"admin:dispatch_{name}_changelist"))
        assert response.status_code == 200, name


def test_a_class_must_name_an_existing_agency(admin_client):
    ticket_class = factories.ticket_class("105")
    url = reverse("admin:dispatch_ticketclass_change", args=[ticket_class.pk])
    data = {
        "code": "105",
        "group": "工務",
        "name": "路樹傾倒",
        "name_en": "Fallen tree",
        "hours": "6",
        "agency_key": "no-such-agency",
        "sort_order": "4",
        "is_active": "on",
    }
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["agency_key"]
    admin_client.post(url, {**data, "agency_key": "pw-maintenance"})
    ticket_class.refresh_from_db()
    assert ticket_class.hours == 6
