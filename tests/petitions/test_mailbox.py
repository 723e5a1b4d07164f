"""The citizen's web mailbox, end to end: form → confirmation e-mail → confirm →
case number and code → public tracking page."""

import re
import time

import pytest
from django.core.signing import TimestampSigner, b62_encode
from django.urls import reverse

from tests.factories import taipei
from tests.petitions.factories import category, district, petition
from yankao.core import clock
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import MASK, message_body
from yankao.petitions.models import Channel, MailboxDraft, Petition
from yankao.tracking.services import item_accept, item_submit_reply

pytestmark = pytest.mark.django_db

RECEIVED = taipei(2026, 11, 26, 10)


def form_data(**changes):
    data = {
        "category": category("0103").pk,
        "subject": "光復路路燈不亮",
        "content": "<script>alert('x')</script>光復路二段 120 號前路燈三天不亮。",
        "district": district("fengshan").pk,
        "address": "鳳山區光復路二段 120 號",
        "name": "李小明",
        "email": "ming@example.com",
        "phone": "0912-345-123",
        "website": "",
    }
    data.update(changes)
    return data


def write(client, **changes):
    return client.post(reverse("mailbox:write"), form_data(**changes))


def confirmation_link(address="ming@example.com"):
    """The link as the citizen gets it (the stored body holds a mask in its place)."""
    message = OutboxMessage.objects.get(ref_type="petitions.draft", to=[address])
    return re.search(r"https?://\S+/mailbox/confirm/(\S+)/", message_body(message)).group(0)


def path_of(link):
    return link[link.index("/mailbox/") :]


def confirm(client):
    with clock.frozen(RECEIVED):
        return client.post(path_of(confirmation_link()))


def test_the_form_offers_both_category_levels_and_the_districts(client):
    html = client.get(reverse("mailbox:write")).content.decode()
    assert '<optgroup label="工務">' in html
    assert ">路燈<" in html
    assert "鳳山區" in html


def test_writing_sends_a_confirmation_link_and_registers_nothing_yet(client):
    response = write(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("mailbox:sent")
    assert MailboxDraft.objects.count() == 1
    assert Petition.objects.count() == 0
    assert "/mailbox/confirm/" in confirmation_link()


def test_opening_the_link_asks_for_a_press_of_the_button_before_registering(client):
    write(client)
    response = client.get(path_of(confirmation_link()))
    assert response.status_code == 200
    assert Petition.objects.count() == 0


def test_confirming_registers_the_petition_and_shows_number_and_code_once(client):
    write(client)
    response = confirm(client)
    html = response.content.decode()
    petition = Petition.objects.select_related("item__owner_agency").get()
    assert response.status_code == 200
    assert petition.channel == Channel.WEB
    assert petition.item.number == "1151126-000001"
    assert petition.item.owner_agency.key == "pw-maintenance"
    assert petition.petitioner_email == "ming@example.com"
    assert "1151126-000001" in html
    code = re.search(r"<strong>([A-Z2-9]{8})</strong>", html).group(1)
    registered_mail = OutboxMessage.objects.get(ref_type="petitions.petition")
    assert code in message_body(registered_mail)
    assert code not in registered_mail.body
    assert MailboxDraft.objects.get().data == {}
    again = confirm(client).content.decode()
    assert Petition.objects.count() == 1
    assert "1151126-000001" in again and code not in again


def registered_with_code(client):
    write(client)
    html = confirm(client).content.decode()
    return re.search(r"<strong>([A-Z2-9]{8})</strong>", html).group(1)


def track(client, number, code):
    return client.post(reverse("mailbox:track"), {"number": number, "code": code})


def test_the_tracking_page_shows_status_agency_and_due_date_but_no_personal_data(client):
    code = registered_with_code(client)
    html = track(client, "1151126-000001", code.lower()).content.decode()
    assert "高雄市政府工務局養護工程處" in html
    assert "民國 115 年 12 月 4 日" in html
    assert "待簽收" in html
    for secret in ("李", "ming@", "m○○○", "0912", "123"):
        assert secret not in html.split("<h1>")[1], secret
    assert "<script>alert" not in html


def test_the_tracking_page_shows_the_reply_once_closed(client, staff):
    code = registered_with_code(client)
    item = Petition.objects.get().item
    with clock.frozen(taipei(2026, 11, 27, 11)):
        item_accept(item=item, by=staff.holly)
        item_submit_reply(item=item, by=staff.holly, reply="路燈已於今日修復。")
    html = track(client, "1151126-000001", code).content.decode()
    assert "路燈已於今日修復。" in html
    assert "已結案" in html


def test_a_wrong_code_shows_nothing_of_the_case(client):
    registered_with_code(client)
    html = track(client, "1151126-000001", "WRONGCDE").content.decode()
    assert "查無符合" in html
    assert "養護工程處" not in html


def test_a_tampered_link_gets_a_clear_message_not_an_error(client):
    write(client)
    link = path_of(confirmation_link())
    for method in (client.get, client.post):
        response = method(link[:-3] + "xx/")
        assert response.status_code == 400
        assert "此確認連結無效" in response.content.decode()
    assert Petition.objects.count() == 0


def test_an_expired_link_gets_a_clear_message_not_an_error(client, monkeypatch):
    day_ago = int(time.time()) - 24 * 3600 - 60
    monkeypatch.setattr(TimestampSigner, "timestamp", lambda self: b62_encode(day_ago))
    write(client)
    monkeypatch.undo()
    response = client.post(path_of(confirmation_link()))
    assert response.status_code == 400
    assert "此確認連結已逾期" in response.content.decode()
    assert Petition.objects.count() == 0


def test_missing_fields_get_clear_messages_in_chinese(client):
    response = write(client, subject="", email="not-an-address", category="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "請填寫簡短的主旨。" in html
    assert "請輸入有效的電子郵件地址" in html
    assert "請選擇最符合的陳情類別。" in html
    assert MailboxDraft.objects.count() == 0


def test_too_long_a_subject_is_refused_with_its_length(client):
    html = write(client, subject="長" * 101).content.decode()
    assert "最多 100 個字（目前 101 個字）" in html


def test_a_robot_filling_the_hidden_field_is_thanked_and_ignored(client):
    response = write(client, website="http://spam.example")
    assert response.status_code == 302
    assert MailboxDraft.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_expired_drafts_are_purged(client):
    from yankao.petitions.services import mailbox_drafts_purge

    with clock.frozen(RECEIVED):
        write(client)
    assert mailbox_drafts_purge(now=taipei(2026, 11, 27, 9)) == 0
    assert mailbox_drafts_purge(now=taipei(2026, 11, 27, 11)) == 1
    assert MailboxDraft.objects.count() == 0


def test_a_category_nobody_handles_gets_a_clear_message_not_an_error(client):
    from yankao.petitions.models import RoutingRule

    write(client)
    RoutingRule.objects.all().delete()
    response = client.post(path_of(confirmation_link()))
    assert response.status_code == 400
    assert "此陳情類別尚未設定承辦機關" in response.content.decode()
    assert Petition.objects.count() == 0


def test_citizens_choose_categories_by_name_without_the_citys_codes(client):
    html = client.get(reverse("mailbox:write")).content.decode()
    assert ">路燈<" in html
    assert "0103" not in html


# --- the mailbox is no mail relay (issue 15) ----------------------------------------------------


def test_the_confirmation_quotes_nothing_the_sender_typed(client):
    write(client, subject="買便宜名牌包 http://spam.example/", name="Spam King")
    message = OutboxMessage.objects.get(ref_type="petitions.draft")
    sent = message.subject + message_body(message)
    assert "買便宜名牌包" not in sent
    assert "spam.example" not in sent
    assert "Spam King" not in sent
    assert "光復路二段" not in sent
    assert "/mailbox/confirm/" in sent


def test_the_registration_mail_quotes_nothing_the_sender_typed(client):
    write(client, subject="買便宜名牌包 http://spam.example/")
    confirm(client)
    message = OutboxMessage.objects.get(ref_type="petitions.petition")
    sent = message.subject + message_body(message)
    assert "1151126-000001" in sent
    assert "買便宜名牌包" not in sent
    assert "spam.example" not in sent


def test_the_link_is_masked_in_the_stored_message(client):
    write(client)
    message = OutboxMessage.objects.get(ref_type="petitions.draft")
    assert "/mailbox/confirm/" not in message.body
    assert MASK in message.body


def test_an_address_gets_a_limited_number_of_links_an_hour(client, settings):
    settings.CONFIRMATIONS_PER_HOUR = 2
    with clock.frozen(RECEIVED):
        assert [write(client).status_code for _ in range(2)] == [302, 302]
        refused = write(client, email="MING@example.com")
        other = write(client, email="mei@example.com")

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "一小時內收到的確認連結已達上限" in html
    assert "光復路路燈不亮" in html  # the form comes back as typed
    assert refused["Retry-After"] == "3600"
    assert MailboxDraft.objects.filter(email="ming@example.com").count() == 2  # none kept
    assert other.status_code == 302  # another address has its own count
    links = OutboxMessage.objects.filter(ref_type="petitions.draft")
    assert sorted(m.to[0] for m in links) == ["mei@example.com", *["ming@example.com"] * 2]


def test_beyond_the_hours_confirmations_the_page_still_shows_the_number_and_code(client, settings):
    settings.CONFIRMATIONS_PER_HOUR = 1
    with clock.frozen(RECEIVED):
        write(client)
    petition(received_at=RECEIVED)  # the address's one registration mail this hour
    html = confirm(client).content.decode()
    assert "1151126-000002" in html
    assert re.search(r"<strong>([A-Z2-9]{8})</strong>", html)
    assert "本次不另寄送電子郵件" in html
    assert OutboxMessage.objects.filter(ref_type="petitions.petition").count() == 1
