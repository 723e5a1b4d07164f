"""Administrators see the clients and the requests in the admin, never a key."""

from django.urls import reverse

from tests.open311.conftest import post


def test_the_admin_lists_clients_with_prefixes_and_requests(admin_client, app_key, media):
    post(admin_client, app_key, description="路燈不亮", email="a@example.com")
    clients = admin_client.get(reverse("admin:open311_apiclient_changelist"))
    assert clients.status_code == 200
    assert app_key.client.prefix in clients.content.decode()
    assert app_key.raw not in clients.content.decode()
    page = admin_client.get(reverse("admin:open311_apiclient_change", args=[app_key.client.pk]))
    assert page.status_code == 200 and app_key.raw not in page.content.decode()
    requests = admin_client.get(reverse("admin:open311_servicerequest_changelist"))
    assert requests.status_code == 200
    assert "P-0103" in requests.content.decode()
