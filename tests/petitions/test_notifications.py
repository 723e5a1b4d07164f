"""What the petitioner is told by e-mail through the outbox."""

import pytest

from tests.factories import agency, taipei
from tests.petitions.factories import category, petition
from yankao.core import clock
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body
from yankao.petitions.services import petition_reroute
from yankao.tracking.services import item_accept, item_submit_reply, item_transfer

pytestmark = pytest.mark.django_db


def messages_to(address):
    return [m for m in OutboxMessage.objects.order_by("pk") if address in m.to]


def test_the_petitioner_gets_the_case_number_and_code_on_registration():
    registered = petition()
    (message,) = messages_to("ming@example.com")
    assert "1151126-000001" in message.subject
    assert registered.code in message_body(message)
    assert registered.code not in message.body  # stored with a mask in its place
    assert "高雄市政府工務局養護工程處" in message.body
    assert registered.mailed


def test_the_registration_mail_quotes_nothing_the_petitioner_typed():
    petition(subject="買便宜名牌包 http://spam.example/", petitioner_name="Spam King")
    (message,) = messages_to("ming@example.com")
    sent = message.subject + message_body(message)
    assert "spam.example" not in sent
    assert "Spam King" not in sent


def test_an_address_gets_a_limited_number_of_registration_mails_an_hour(settings):
    settings.CONFIRMATIONS_PER_HOUR = 2
    first, second, third = (petition(petitioner_email=f"Ming+{n}@example.com") for n in range(3))
    assert [first.mailed, second.mailed, third.mailed] == [True, True, False]
    assert OutboxMessage.objects.filter(ref_type="petitions.petition").count() == 2
    assert third.petition.item.number == "1151126-000003"  # registered all the same


def test_the_petitioner_is_told_of_a_transfer_with_the_new_agency(staff):
    registered = petition()
    with clock.frozen(taipei(2026, 11, 27, 9)):
        item_transfer(
            item=registered.petition.item,
            to_agency=agency("water-resources"),
            by=staff.holly,
            reason="側溝問題屬水利局",
        )
    transfer = messages_to("ming@example.com")[-1]
    assert "高雄市政府水利局" in transfer.subject
    assert "高雄市政府水利局" in transfer.body
    assert "1151126-000001" in transfer.body


def test_rerouting_with_a_corrected_category_transfers_and_restarts_the_clock(staff):
    registered = petition()
    with clock.frozen(taipei(2026, 11, 27, 9)):
        rerouted = petition_reroute(
            petition=registered.petition,
            category=category("3301"),
            by=staff.holly,
            reason="實為排水溝阻塞",
        )
    item = rerouted.item
    assert item.owner_agency.key == "water-resources"
    assert item.transfer_count == 1
    # Clock restarts on 11/27 (Fri): 6 working days from Mon 11/30 end on Mon 12/7.
    assert item.due_at == taipei(2026, 12, 7, 23, 59).replace(second=59)
    assert "高雄市政府水利局" in messages_to("ming@example.com")[-1].body


def test_a_petitioner_without_e_mail_gets_no_message(staff):
    registered = petition(petitioner_email="")
    item_transfer(
        item=registered.petition.item,
        to_agency=agency("water-resources"),
        by=staff.holly,
        reason="側溝問題屬水利局",
    )
    assert not OutboxMessage.objects.filter(ref_type="petitions.petition").exists()


def test_the_petitioner_gets_the_reply_when_the_petition_closes(staff):
    registered = petition()
    with clock.frozen(taipei(2026, 11, 27, 11)):
        item_accept(item=registered.petition.item, by=staff.holly)
        item_submit_reply(item=registered.petition.item, by=staff.holly, reply="路燈已於今日修復。")
    reply = messages_to("ming@example.com")[-1]
    assert "1151126-000001" in reply.subject
    assert "路燈已於今日修復。" in reply.body
