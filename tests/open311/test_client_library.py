"""An independent Open311 client, the `georeport` library from PyPI, against the
live server: what it reads must be what was posted, Chinese text included, in
both formats. (`georeport` only reads; the posts go through `requests`, form-
encoded and multipart, as the spec describes them. The other candidate, `three`
0.8.0, imports `itertools.ifilter` and so cannot run on Python 3.)"""

from __future__ import annotations

import io

import pytest
import requests
from georeport import GeoReport
from PIL import Image

from yankao.open311.services import IssuedKey, client_create

DESCRIPTION = "前鎮區中山三路與一心一路口路燈閃爍不定，夜間行人危險，請儘速修復。"
ADDRESS = "高雄市前鎮區中山三路100號"


@pytest.fixture
def city(transactional_db, settings, tmp_path):
    """The live server's database is flushed after each test: load the city again."""
    from yankao.calendar.services import calendar_load_shipped, invalidate_cache
    from yankao.dispatch.services import dispatch_reference_load
    from yankao.organisation.services import city_load
    from yankao.petitions.services import petition_reference_load

    settings.MEDIA_ROOT = tmp_path / "files"
    city_load()
    calendar_load_shipped()
    invalidate_cache()
    petition_reference_load()
    dispatch_reference_load()


@pytest.fixture
def key(city) -> IssuedKey:
    return client_create(name="live app", rate_per_minute=1000)


@pytest.fixture
def root(live_server) -> str:
    return f"{live_server.url}/open311/v2"


def _post(root: str, key: IssuedKey, fmt: str = "json", **fields: object) -> requests.Response:
    files = fields.pop("files", None)
    data = {
        "api_key": key.raw,
        "jurisdiction_id": "kcg.gov.tw",
        "service_code": "P-0103",
        "lat": "22.5956",
        "long": "120.3142",
        "address_string": ADDRESS,
        "description": DESCRIPTION,
        "first_name": "美玲",
        "last_name": "林",
        "email": "lin@example.com",
        **fields,
    }
    return requests.post(f"{root}/requests.{fmt}", data=data, files=files, timeout=30)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_library_reads_the_services_and_a_definition(root, city, fmt):
    report = GeoReport(root, jurisdiction="kcg.gov.tw", output_format=fmt)
    services = report.get_service_list()
    lights = next(s for s in services if s["service_code"] == "P-0103")
    assert lights["service_name"] == "路燈"
    assert lights["group"] == "工務"
    assert any(s["service_code"].startswith("D-") for s in services)
    definition = report.get_service_definition("P-0103")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    district = attributes[0] if isinstance(attributes, list) else attributes
    assert district["code"] == "district"
    values = district["values"] if fmt == "json" else district["values"]["value"]
    assert {"key": "qianzhen", "name": "前鎮區"} in values


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_posted_request_reads_back_through_the_library(root, key, fmt):
    posted = _post(root, key, fmt="json")
    assert posted.status_code == 201, posted.text
    number = posted.json()[0]["service_request_id"]
    report = GeoReport(root, jurisdiction="kcg.gov.tw", output_format=fmt)
    listed = report.get_service_requests(service_code="P-0103", status="open")
    row = listed if isinstance(listed, dict) else listed[0]  # xmltodict: one is a dict
    assert row["service_request_id"] == number
    assert row["description"] == DESCRIPTION
    assert row["address"] == ADDRESS
    assert row["status"] == "open"
    one = report.get_service_request(number)
    assert one["service_request_id"] == number
    assert one["service_name"] == "路燈"
    assert one["requested_datetime"].endswith("+08:00")
    assert "林美玲" not in str(one) and "lin@example.com" not in str(one)


def test_multipart_with_a_picture_and_a_hazard_class(root, key):
    picture = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(picture, format="PNG")
    from yankao.dispatch.models import TicketClass

    code = (
        TicketClass.objects.filter(is_active=True)
        .order_by("code")
        .values_list("code", flat=True)[0]
    )
    posted = _post(
        root,
        key,
        fmt="xml",
        service_code=f"D-{code}",
        description="路樹倒塌擋住車道",
        files={"media": ("樹.png", picture.getvalue(), "image/png")},
    )
    assert posted.status_code == 201, posted.text
    assert "<service_request_id>派" in posted.text
    report = GeoReport(root, jurisdiction="kcg.gov.tw")
    [row] = report.get_service_requests(service_code=f"D-{code}")
    assert row["description"] == "路樹倒塌擋住車道"


def test_errors_reach_the_client_as_the_spec_array(root, key):
    refused = _post(root, key, service_code="P-0000")
    assert refused.status_code == 400
    assert refused.json()[0]["code"] == 400
    report = GeoReport(root, jurisdiction="kcg.gov.tw")
    with pytest.raises(requests.HTTPError):
        report.get_service_requests(start_date="not-a-date")
    # A resend with the same Idempotency-Key is one request.
    headers = {"Idempotency-Key": "live-resend-1"}
    data = {"api_key": key.raw, "service_code": "P-0103", "address_string": ADDRESS}
    data["description"] = DESCRIPTION
    first = requests.post(f"{root}/requests.json", data=data, headers=headers, timeout=30)
    again = requests.post(f"{root}/requests.json", data=data, headers=headers, timeout=30)
    assert first.json() == again.json()
    assert len(report.get_service_requests()) == 1
