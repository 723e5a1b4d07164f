"""The printable reply letter for petitioners without e-mail: A4, the letterhead,
the ROC date; it prints personal data, so each printing is logged."""

import pytest
from django.urls import reverse

from tests.factories import taipei
from tests.petitions.factories import petition
from yankao.core import clock
from yankao.petitions.models import PersonalDataAccess
from yankao.tracking.services import item_accept, item_submit_reply

pytestmark = pytest.mark.django_db


def answered(staff, **fields):
    values = {"petitioner_email": "", "petitioner_address": "高雄市鳳山區光復路二段 132 號"}
    values.update(fields)
    registered = petition(**values)
    item = registered.petition.item
    with clock.frozen(taipei(2026, 11, 27, 11)):
        item_accept(item=item, by=staff.holly)
        item_submit_reply(item=item, by=staff.holly, reply="路燈已於今日修復。")
    return registered.petition


def letter(client, user, case):
    client.force_login(user)
    with clock.frozen(taipei(2026, 11, 30, 9)):
        return client.get(reverse("petitions:letter", args=[case.pk]))


def test_the_letter_shows_letterhead_number_roc_date_reply_and_addressee(client, staff):
    case = answered(staff)
    response = letter(client, staff.holly, case)
    html = response.content.decode()
    assert response.status_code == 200
    assert "高雄市政府" in html
    assert "高雄市政府工務局養護工程處" in html
    assert case.item.number in html
    assert "民國 115 年 11 月 30 日" in html
    assert "路燈不亮" in html and "路燈已於今日修復。" in html
    assert "李小明" in html and "高雄市鳳山區光復路二段 132 號" in html
    assert "yankao/letter.css" in html
    assert response["Cache-Control"] == "no-store"


def test_printing_the_letter_is_logged_as_a_look_at_personal_data(client, staff):
    case = answered(staff)
    letter(client, staff.holly, case)
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.petition, access.where) == (staff.holly, case, "reply-letter")
    assert access.reason


def test_the_letter_stylesheet_sets_a4_for_print():
    from pathlib import Path

    import yankao

    css = (Path(yankao.__file__).parent / "static/yankao/letter.css").read_text()
    assert "size: A4" in css and "@media print" in css


def test_another_agencys_handler_gets_a_404_and_nothing_is_logged(client, staff):
    case = answered(staff)
    assert letter(client, staff.dora, case).status_code == 404
    assert PersonalDataAccess.objects.count() == 0


def test_who_sees_only_masks_cannot_print_the_letter(client, staff):
    case = answered(staff)
    assert letter(client, staff.connie, case).status_code == 403
    assert PersonalDataAccess.objects.count() == 0


def test_an_anonymous_visitor_is_sent_to_sign_in(client, staff):
    case = answered(staff)
    response = client.get(reverse("petitions:letter", args=[case.pk]))
    assert response.status_code == 302
    assert PersonalDataAccess.objects.count() == 0


def test_an_unanswered_petition_has_no_letter_yet(client, staff):
    case = petition().petition
    response = letter(client, staff.holly, case)
    assert response.status_code == 302
    assert PersonalDataAccess.objects.count() == 0


def test_the_petition_page_links_the_letter_once_answered(client, staff):
    case = answered(staff)
    client.force_login(staff.holly)
    html = client.get(reverse("petitions:petition", args=[case.pk])).content.decode()
    assert reverse("petitions:letter", args=[case.pk]) in html
