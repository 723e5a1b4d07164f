"""POST requests: a request becomes a petition (or a ticket) on the agency's
worklist, with the petitioner's data stored and never shown back; every bad
input is the spec's error array, never a 500."""

import io

import pytest
from PIL import Image

from tests import factories
from tests.open311.conftest import ROOT, children, post, xml
from yankao.open311.models import ServiceRequest
from yankao.petitions.models import Channel, Petition
from yankao.petitions.worklist import petition_worklist
from yankao.tracking.models import Status


def _picture(kind: str = "JPEG") -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(data, format=kind)
    data.seek(0)
    data.name = "photo.jpg" if kind == "JPEG" else "photo.png"
    return data


def test_a_post_registers_a_petition_on_the_app_channel(client, app_key, media):
    response = post(
        client,
        app_key,
        description="鳳山區光復路二段路燈不亮已一週",
        address_string="高雄市鳳山區光復路二段120號",
        first_name="小明",
        last_name="王",
        email="wang@example.com",
        phone="0912345678",
    )
    assert response.status_code == 201
    body = response.json()
    assert list(body[0]) == ["service_request_id", "token", "service_notice", "account_id"]
    petition = Petition.objects.select_related("item", "category", "district").get(
        item__number=body[0]["service_request_id"]
    )
    assert petition.channel == Channel.APP
    assert petition.category.code == "0103"
    assert petition.content == "鳳山區光復路二段路燈不亮已一週"
    assert petition.district is not None and petition.district.key == "fengshan"  # from the address
    assert petition.petitioner_name == "王小明"
    assert petition.petitioner_email == "wang@example.com"
    assert petition.petitioner_phone == "0912345678"
    assert petition.item.status == Status.ASSIGNED
    record = ServiceRequest.objects.get(item=petition.item)
    assert record.service_code == "P-0103"
    assert record.token == body[0]["token"]
    assert record.client == app_key.client
    assert petition.item.events.get().actor == app_key.client.account


def test_the_new_petition_is_on_the_responsible_agencys_worklist(client, app_key, media):
    body = post(client, app_key, description="路燈不亮", email="a@example.com").json()
    owner = Petition.objects.get(item__number=body[0]["service_request_id"]).item.owner_agency
    handler = factories.user("pat", "handler", owner.key)
    numbers = [p.item.number for p in petition_worklist(handler)]
    assert body[0]["service_request_id"] in numbers


def test_the_district_attribute_routes_by_category_and_district(client, app_key, media):
    body = post(
        client,
        app_key,
        service_code="P-0501",
        description="里民活動中心冷氣故障",
        email="a@example.com",
        **{"attribute[district]": "fengshan"},
    ).json()
    petition = Petition.objects.select_related("item__owner_agency").get(
        item__number=body[0]["service_request_id"]
    )
    assert petition.district is not None and petition.district.key == "fengshan"


def test_the_response_in_xml_has_the_spec_elements(client, app_key, media):
    root = xml(post(client, app_key, fmt="xml", description="路燈不亮", email="a@example.com"))
    assert root.tag == "service_requests"
    assert children(root[0]) == ["service_request_id", "token", "service_notice", "account_id"]


def test_a_picture_is_attached_without_its_metadata(client, app_key, media):
    response = post(
        client, app_key, description="路燈不亮", email="a@example.com", media=_picture()
    )
    assert response.status_code == 201, response.content
    petition = Petition.objects.get(item__number=response.json()[0]["service_request_id"])
    attachment = petition.attachments.get()
    assert attachment.content_type == "image/jpeg"


def test_a_hazard_class_becomes_a_dispatch_ticket(client, app_key, media):
    from yankao.dispatch.models import Channel as TicketChannel
    from yankao.dispatch.models import Ticket, TicketClass
    from yankao.dispatch.services import dispatch_reference_load

    dispatch_reference_load()
    ticket_class = TicketClass.objects.filter(is_active=True).order_by("code").first()
    assert ticket_class is not None
    response = post(
        client,
        app_key,
        service_code=f"D-{ticket_class.code}",
        description="路樹倒塌擋住車道",
        first_name="小明",
        last_name="王",
        phone="0912345678",
        media=_picture("PNG"),
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(item__number=response.json()[0]["service_request_id"])
    assert ticket.channel == TicketChannel.OPEN311
    assert ticket.ticket_class == ticket_class
    assert ticket.reporter_phone == "0912345678"
    assert ticket.photos.count() == 1


def test_the_same_idempotency_key_creates_one_request(client, app_key, media):
    headers = {"Idempotency-Key": "app-7f3a-0001"}
    first = post(client, app_key, description="路燈不亮", email="a@example.com", headers=headers)
    again = post(client, app_key, description="路燈不亮", email="a@example.com", headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ServiceRequest.objects.count() == 1


def test_the_same_client_token_creates_one_request_even_as_multipart(client, app_key, media):
    for _ in range(2):
        response = post(
            client,
            app_key,
            description="路燈不亮",
            email="a@example.com",
            client_token="phone-42-report-9",
            media=_picture(),
        )
        assert response.status_code == 201
    assert ServiceRequest.objects.count() == 1


def test_a_reused_key_with_another_request_is_refused(client, app_key, media):
    headers = {"Idempotency-Key": "app-7f3a-0002"}
    post(client, app_key, description="路燈不亮", email="a@example.com", headers=headers)
    other = post(client, app_key, description="另一盞路燈", email="a@example.com", headers=headers)
    assert other.status_code == 422
    assert other.json()[0]["code"] == 422
    assert ServiceRequest.objects.count() == 1


def _refused(response, status: int = 400) -> str:
    assert response.status_code == status, response.content
    errors = response.json()
    assert errors and all(set(e) == {"code", "description"} for e in errors)
    assert errors[0]["code"] == status
    return errors[0]["description"]


def test_a_post_without_an_api_key_is_refused(client, db):
    assert "api_key" in _refused(post(client, None, description="路燈"), 403)


def test_a_post_with_a_wrong_key_is_refused(client, db):
    _refused(post(client, "o311_not-a-key", description="路燈"), 403)


@pytest.mark.parametrize(
    ("fields", "mentions"),
    [
        ({"service_code": "P-9999"}, "service_code"),
        ({"service_code": "X-1"}, "service_code"),
        ({"service_code": ""}, "service_code"),
        ({"description": "很長" * 2001}, "description"),
        ({"lat": "91", "long": "120.3"}, "lat"),
        ({"lat": "25.04", "long": "121.56"}, "lat"),  # Taipei: outside the city
        ({"long": ""}, "lat"),
        ({"lat": "", "long": ""}, "address_string"),
        ({"lat": "nan", "long": "inf"}, "lat"),
        ({"email": "not an e-mail"}, "email"),
        ({"phone": "call me maybe"}, "phone"),
        ({"attribute[district]": "atlantis"}, "district"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"client_token": "空白 token"}, "client_token"),
    ],
)
def test_bad_input_gets_a_400_error_array(client, app_key, media, fields, mentions):
    description = _refused(post(client, app_key, **{"description": "路燈不亮", **fields}))
    assert mentions in description
    assert ServiceRequest.objects.count() == 0


def test_a_file_that_is_not_a_picture_is_refused(client, app_key, media):
    fake = io.BytesIO(b"MZ\x90\x00 not a picture")
    fake.name = "photo.jpg"
    assert "media" in _refused(post(client, app_key, description="路燈", media=fake))
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    pdf.name = "a.pdf"
    assert "media" in _refused(post(client, app_key, description="路燈", media=pdf))


def test_a_json_body_is_refused_with_the_spec_error(client, app_key):
    response = client.post(
        f"{ROOT}/requests.json",
        {"api_key": app_key.raw, "service_code": "P-0103"},
        content_type="application/json",
    )
    _refused(response)


def test_a_huge_body_is_refused_without_reading_it(client, app_key, settings):
    response = client.post(
        f"{ROOT}/requests.xml",
        "x" * 100,
        content_type="application/x-www-form-urlencoded",
        headers={"content-length": str(200 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert xml(response).tag == "errors"


def test_the_api_key_may_come_in_the_query_string(client, app_key, media):
    response = client.post(
        f"{ROOT}/requests.json?api_key={app_key.raw}",
        {"service_code": "P-0103", "lat": "22.62", "long": "120.3", "description": "路燈"},
    )
    assert response.status_code == 201


def test_a_required_attribute_is_declared_and_enforced(client, app_key, media, monkeypatch):
    from yankao.open311.petitions import PetitionBusiness

    monkeypatch.setattr(PetitionBusiness, "required", ("district",))
    definition = client.get(f"{ROOT}/services/P-0103.json").json()
    assert definition["attributes"][0]["required"] is True
    description = _refused(post(client, app_key, description="路燈", email="a@example.com"))
    assert "attribute[district]" in description
    done = post(
        client,
        app_key,
        description="路燈",
        email="a@example.com",
        **{"attribute[district]": "鳳山區"},  # by name as well as by key
    )
    assert done.status_code == 201


def test_a_body_over_the_form_limit_is_refused_as_too_large(client, app_key):
    response = client.post(
        f"{ROOT}/requests.json",
        {"api_key": app_key.raw, "service_code": "P-0103", "description": "路" * 3_000_000},
    )
    _refused(response, 413)


def test_a_broken_multipart_body_is_a_400(client, app_key):
    response = client.post(
        f"{ROOT}/requests.json",
        b"--not-the-boundary\r\ngarbage",
        content_type="multipart/form-data; boundary=",
    )
    _refused(response)


def test_a_petition_nobody_can_be_answered_on_says_so_at_once(client, app_key, media):
    """Without an e-mail or a phone the petition is registered and closed (要點
    第14點); the client is told in the service notice, not left waiting."""
    response = post(client, app_key, description="路燈不亮")
    assert response.status_code == 201
    notice = response.json()[0]["service_notice"]
    assert "不予處理" in notice
    number = response.json()[0]["service_request_id"]
    assert client.get(f"{ROOT}/requests/{number}.json").json()[0]["status"] == "closed"


def test_hazard_classes_have_english_names_when_asked(client, db):
    from yankao.dispatch.models import TicketClass
    from yankao.dispatch.services import dispatch_reference_load

    dispatch_reference_load()
    named = TicketClass.objects.exclude(name_en="").order_by("code").first()
    assert named is not None
    code = f"D-{named.code}"
    english = client.get(f"{ROOT}/services.json", headers={"accept-language": "en"}).json()
    chinese = client.get(f"{ROOT}/services.json").json()
    assert next(s for s in english if s["service_code"] == code)["service_name"] == named.name_en
    assert next(s for s in chinese if s["service_code"] == code)["service_name"] == named.name


def test_jurisdiction_in_the_body_is_checked_too(client, app_key, media):
    wrong = post(client, app_key, description="路燈", jurisdiction_id="tainan.gov.tw")
    _refused(wrong, 404)
    right = post(
        client, app_key, description="路燈", email="a@example.com", jurisdiction_id="kcg.gov.tw"
    )
    assert right.status_code == 201
