"""Reply templates per category, offered on the petition page without script."""

import pytest
from django.urls import reverse

from tests.petitions.factories import category, petition
from yankao.petitions.models import ReplyTemplate
from yankao.petitions.selectors import reply_template_text, reply_templates_for

pytestmark = pytest.mark.django_db


def template(title, code=None, body="{案號} 由 {承辦機關} 回覆：已派員處理。", **fields):
    return ReplyTemplate.objects.create(
        category=category(code) if code else None, title=title, body=body, **fields
    )


def test_the_category_its_main_category_and_general_templates_are_offered(db):
    streetlight = template("路燈已修復", "0103")
    public_works = template("工務通用", "01")
    general = template("通用回覆")
    template("停用的", "0103", is_active=False)
    template("別的類別", "0501")
    case = petition(code="0103").petition
    assert reply_templates_for(case) == [streetlight, public_works, general]


def test_placeholders_are_filled_from_the_petition(db):
    case = petition(code="0103").petition
    text = reply_template_text(
        template("t", "0103", body="案號 {案號}，{承辦機關}，{主旨}，{x}"), case
    )
    assert text == f"案號 {case.item.number}，{case.item.owner_agency.name}，路燈不亮，{{x}}"


def test_the_handler_sees_the_templates_with_a_link_to_use_each(client, staff):
    chosen = template("路燈已修復", "0103")
    case = petition(code="0103").petition
    from yankao.tracking.services import item_accept

    item_accept(item=case.item, by=staff.holly)
    client.force_login(staff.holly)
    html = client.get(reverse("petitions:petition", args=[case.pk])).content.decode()
    assert "路燈已修復" in html
    assert f"?template={chosen.pk}" in html


def test_using_a_template_prefills_the_reply(client, staff):
    chosen = template("路燈已修復", "0103")
    case = petition(code="0103").petition
    from yankao.tracking.services import item_accept

    item_accept(item=case.item, by=staff.holly)
    client.force_login(staff.holly)
    url = reverse("petitions:petition", args=[case.pk])
    html = client.get(url, {"template": chosen.pk}).content.decode()
    assert (
        f"{case.item.number} 由 {case.item.owner_agency.name} 回覆：已派員處理。</textarea>" in html
    )
    assert reverse("tracking:item-action", args=[case.pk, "reply_submit"]) in html


def test_no_templates_are_offered_to_someone_who_cannot_reply(client, staff):
    template("路燈已修復", "0103")
    case = petition(code="0103").petition
    client.force_login(staff.connie)
    html = client.get(reverse("petitions:petition", args=[case.pk])).content.decode()
    assert "路燈已修復" not in html


def test_a_template_of_another_category_cannot_be_used(client, staff):
    other = template("別的類別", "0501")
    case = petition(code="0103").petition
    from yankao.tracking.services import item_accept

    item_accept(item=case.item, by=staff.holly)
    client.force_login(staff.holly)
    html = client.get(
        reverse("petitions:petition", args=[case.pk]), {"template": other.pk}
    ).content.decode()
    assert "已派員處理" not in html
