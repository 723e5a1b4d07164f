"""The agent console: one form per call, ended by the button of its outcome."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.urls import reverse

from tests.dispatch import files as photo_files
from tests.factories import agency, taipei
from tests.petitions.factories import category, district
from yankao.core import clock
from yankao.hotline import integrations
from yankao.hotline.forms import TOKEN_SALT, new_call_token
from yankao.hotline.models import Call, Language, Outcome
from yankao.hotline.services import NOTES_MAX
from yankao.petitions.models import Channel, Petition

pytestmark = pytest.mark.django_db

URL = reverse("hotline:console")
STARTED = taipei(2026, 11, 26, 9, 58)


def token() -> str:
    with clock.frozen(STARTED):
        return new_call_token()


def typed(**changes):
    data = {
        "call": token(),
        "caller_number": "0912-345-678",
        "language": Language.TAIWANESE,
        "caller_name": "王大同",
        "subject": "路燈不亮",
        "notes": "鳳山區光復路二段 120 號前路燈已經三天不亮。",
        "district": district("fengshan").pk,
        "address": "高雄市鳳山區光復路二段120號",
        "q": "",
        "category": "",
        "ticket_class": "",
        "agency": "",
    }
    data.update(changes)
    return data


def post(client, data, at=STARTED + timedelta(seconds=75)):
    with clock.frozen(at):
        return client.post(URL, data)


def test_the_console_opens_a_new_call_with_focus_in_the_callers_number(client, staff):
    client.force_login(staff.amy)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<input[^>]*name="caller_number"[^>]*autofocus', html)
    assert response["Cache-Control"] == "no-store"
    # Enter in any field searches the knowledge base: the first submit button does.
    console = html[html.index('id="console"') :]
    first_submit = re.search(r'<button type="submit"[^>]*>', console)
    assert first_submit and 'value="search"' in first_submit.group(0)


def test_only_agents_may_take_calls(client, staff):
    for user in (staff.hank, staff.connie, staff.mia):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, typed(action="other")).status_code == 403
    assert Call.objects.count() == 0


def test_answered_from_an_article_records_the_outcome_and_the_article(client, staff, knowledge):
    client.force_login(staff.amy)
    lamp = knowledge["lamp"]
    response = post(client, typed(article=str(lamp.pk)))
    call = Call.objects.get()
    assert response.status_code == 201
    assert call.outcome == Outcome.KNOWLEDGE
    assert call.article_id == lamp.pk
    assert call.article_question == "路燈不亮要找哪個單位？"
    assert call.agent == staff.amy
    assert call.language == Language.TAIWANESE
    assert call.started_at == STARTED
    assert call.duration_seconds == 75
    assert call.item is None
    assert "路燈不亮要找哪個單位？" in response.content.decode()


def test_an_article_that_does_not_exist_records_nothing(client, staff, knowledge):
    client.force_login(staff.amy)
    missing = max(article.pk for article in knowledge.values()) + 1
    response = post(client, typed(article=str(missing)))
    assert response.status_code == 400
    assert "知識" in response.content.decode() or "article" in response.content.decode()
    assert Call.objects.count() == 0


def test_searching_keeps_the_call_as_typed_and_lists_answers(client, staff, knowledge):
    client.force_login(staff.amy)
    data = typed(action="search", q="路燈")
    response = post(client, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert Call.objects.count() == 0
    assert "路燈不亮要找哪個單位？" in html
    assert f'name="article" value="{knowledge["lamp"].pk}"' in html
    assert 'value="0912-345-678"' in html
    assert data["call"] in html  # the same call goes on: its timer is not restarted


def test_the_knowledge_partial_searches_the_subject_when_the_box_is_empty(client, staff, knowledge):
    client.force_login(staff.amy)
    response = client.get(
        reverse("hotline:knowledge"), {"q": "", "subject": "低收入戶"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "如何申請低收入戶？" in html
    assert "<html" not in html


def test_a_petition_is_registered_from_what_the_agent_typed_and_linked(client, staff):
    client.force_login(staff.amy)
    response = post(client, typed(action="petition", category=category("0103").pk))
    call = Call.objects.select_related("item").get()
    petition = Petition.objects.get()
    html = response.content.decode()
    assert response.status_code == 201
    assert call.outcome == Outcome.PETITION
    assert call.item == petition.item
    assert petition.channel == Channel.PHONE
    assert petition.subject == "路燈不亮"
    assert petition.content == "鳳山區光復路二段 120 號前路燈已經三天不亮。"
    assert petition.petitioner_phone == "0912-345-678"
    assert petition.petitioner_name == "王大同"
    assert petition.district == district("fengshan")
    assert petition.item.events.get().actor == staff.amy
    assert petition.item.number in html
    assert response["Cache-Control"] == "no-store"


def test_a_call_in_english_registers_a_petition_answered_in_english(client, staff):
    client.force_login(staff.amy)
    data = typed(action="petition", category=category("0103").pk, language=Language.ENGLISH)
    assert post(client, data).status_code == 201
    assert Petition.objects.get().language == "en"


def test_a_petition_needs_a_category_and_content(client, staff):
    client.force_login(staff.amy)
    response = post(client, typed(action="petition"))
    assert response.status_code == 400
    assert "id_category_error" in response.content.decode()
    response = post(client, typed(action="petition", notes="", category=category("0103").pk))
    assert response.status_code == 400
    assert Call.objects.count() == 0
    assert Petition.objects.count() == 0


def test_a_dispatch_ticket_is_raised_and_linked_or_clearly_refused(client, staff):
    client.force_login(staff.amy)
    classes = integrations.ticket_classes()
    assert classes, "dispatch has no active classes"
    chosen = classes[0]
    response = post(client, typed(action="ticket", ticket_class=str(chosen.pk)))
    assert response.status_code == 201, response.content.decode()[:2000]
    call = Call.objects.select_related("item").get()
    ticket = call.item.ticket
    assert call.outcome == Outcome.TICKET
    assert ticket.ticket_class == chosen
    assert ticket.channel == "phone"
    assert ticket.reporter_phone == "0912-345-678"
    assert "三天不亮" in ticket.description
    assert call.item.number in response.content.decode()


def _ticket_class_pk() -> str:
    return str(integrations.ticket_classes()[0].pk)


def test_the_console_offers_a_map_pin_and_photos_for_a_ticket(client, staff):
    _ticket_class_pk()
    client.force_login(staff.amy)
    html = client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in html
    # The inputs are the keyboard's way in; the map fills them in on a click.
    assert re.search(r'<input[^>]*name="latitude"[^>]*id="id_latitude"', html)
    assert re.search(r'<input[^>]*name="longitude"[^>]*id="id_longitude"', html)
    assert 'data-pick-lat="id_latitude" data-pick-lon="id_longitude"' in html
    assert "yankao/map.js" in html
    assert re.search(r'<input type="file" name="photos"[^>]*accept="image/jpeg,image/png"', html)


def test_a_ticket_from_a_call_carries_its_map_point_and_photos(client, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    chosen = _ticket_class_pk()
    client.force_login(staff.amy)
    data = typed(action="ticket", ticket_class=chosen, latitude="22.6273", longitude="120.3014")
    data["photos"] = [photo_files.upload("tree.jpg", photo_files.jpeg())]
    response = post(client, data)
    assert response.status_code == 201, response.content.decode()[:2000]
    ticket = Call.objects.select_related("item").get().item.ticket
    assert (ticket.latitude, ticket.longitude) == (Decimal("22.627300"), Decimal("120.301400"))
    photo = ticket.photos.get()
    assert photo.report_back_id is None  # an intake photo, as on the dispatch form
    assert photo.content_type == "image/jpeg"
    assert (tmp_path / photo.file.name).exists()


@pytest.mark.parametrize(
    ("latitude", "longitude", "says"),
    [
        ("25.0330", "121.5654", "高雄市"),  # Taipei: outside the city's box
        ("22.6273", "", "經度"),  # one without the other
        ("north", "120.3014", "緯度"),
    ],
)
def test_a_wrong_map_point_is_refused_at_the_field_and_records_nothing(
    client, staff, latitude, longitude, says
):
    chosen = _ticket_class_pk()
    client.force_login(staff.amy)
    data = typed(action="ticket", ticket_class=chosen, latitude=latitude, longitude=longitude)
    response = post(client, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "latitude" in errors and says in " ".join(errors["latitude"])
    assert Call.objects.count() == 0
    # What the agent typed is still there to correct.
    assert f'value="{latitude}"' in response.content.decode()


def test_a_pdf_is_refused_as_a_ticket_photo_and_records_nothing(client, staff):
    chosen = _ticket_class_pk()
    client.force_login(staff.amy)
    data = typed(action="ticket", ticket_class=chosen)
    data["photos"] = [photo_files.upload("a.pdf", photo_files.pdf())]
    response = post(client, data)
    assert response.status_code == 400
    assert "photos" in response.context["form"].errors
    assert Call.objects.count() == 0


def test_a_call_too_large_to_read_is_refused_before_its_body_is_read(client, staff):
    client.force_login(staff.amy)
    with clock.frozen(STARTED):
        response = client.post(URL, typed(action="other"), CONTENT_LENGTH=str(60 * 1024 * 1024))
    assert response.status_code == 413
    assert "照片總大小過大" in response.content.decode()
    assert Call.objects.count() == 0


def test_a_transfer_names_the_agency(client, staff):
    client.force_login(staff.amy)
    police = agency("police")
    response = post(client, typed(action="transfer", agency=police.pk))
    call = Call.objects.get()
    assert response.status_code == 201
    assert call.outcome == Outcome.TRANSFER
    assert call.transferred_to == police


def test_a_transfer_to_an_unknown_agency_is_refused_with_a_message(client, staff):
    client.force_login(staff.amy)
    response = post(client, typed(action="transfer", agency="987654"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "id_agency_error" in html
    assert 'aria-describedby="id_agency_error"' in html
    response = post(client, typed(action="transfer"))
    assert response.status_code == 400
    assert Call.objects.count() == 0


def test_other_ends_the_call_and_opens_the_next(client, staff):
    client.force_login(staff.amy)
    data = typed(action="other")
    response = post(client, data)
    html = response.content.decode()
    assert response.status_code == 201
    assert Call.objects.get().outcome == Outcome.OTHER
    new_token = re.search(r'name="call" value="([^"]+)"', html)
    assert new_token and new_token.group(1) != data["call"]
    assert 'value="0912-345-678"' not in html  # the next call starts empty


def test_the_same_call_is_not_recorded_twice(client, staff):
    client.force_login(staff.amy)
    data = typed(action="petition", category=category("0103").pk)
    assert post(client, data).status_code == 201
    again = post(client, data)
    assert again.status_code == 400
    assert Call.objects.count() == 1
    assert Petition.objects.count() == 1  # the petition went back with the refused call


def test_huge_notes_are_refused_with_a_message(client, staff):
    client.force_login(staff.amy)
    response = post(client, typed(action="other", notes="字" * (NOTES_MAX + 1)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "id_notes_error" in html
    assert Call.objects.count() == 0


def test_a_forged_or_stale_call_form_is_refused(client, staff):
    client.force_login(staff.amy)
    assert post(client, typed(action="other", call="forged")).status_code == 400
    with clock.frozen(STARTED - timedelta(hours=7)):
        old = new_call_token()
    assert post(client, typed(action="other", call=old)).status_code == 400
    assert Call.objects.count() == 0
    signing.loads(token(), salt=TOKEN_SALT)  # a fresh one is valid


def test_a_bad_phone_number_is_refused(client, staff):
    client.force_login(staff.amy)
    response = post(client, typed(action="other", caller_number="call me"))
    assert response.status_code == 400
    assert Call.objects.count() == 0


def test_a_post_without_an_outcome_asks_for_one(client, staff):
    client.force_login(staff.amy)
    response = post(client, typed())
    assert response.status_code == 400
    assert Call.objects.count() == 0
