"""One address cannot hammer the public pages: guessing verification codes on the
tracking page or sending the mailbox's confirmation e-mails without end."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.petitions.test_mailbox import form_data
from yankao.petitions.models import MailboxDraft

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(settings):
    settings.PUBLIC_RATE = "3/m"
    cache.clear()
    yield
    cache.clear()


def test_the_fourth_guess_in_a_minute_is_refused_with_a_clear_page(client, three_a_minute):
    url = reverse("mailbox:track")
    for _ in range(3):
        assert client.post(url, {"number": "1151126-000001", "code": "WRONG123"}).status_code == 200
    refused = client.post(url, {"number": "1151126-000001", "code": "WRONG124"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "請稍候一分鐘" in refused.content.decode()
    assert client.get(url).status_code == 200  # reading the page is never limited


def test_another_address_is_not_held_back(client, three_a_minute):
    url = reverse("mailbox:track")
    for _ in range(4):
        client.post(url, {"number": "1", "code": "x"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(url, {"number": "1", "code": "x"}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 200


def test_the_mailbox_stops_sending_confirmations_after_the_limit(client, three_a_minute):
    for _ in range(5):
        client.post(reverse("mailbox:write"), form_data())
    assert MailboxDraft.objects.count() == 3
