"""Open311's date filters read by the platform's one date parser: moments that
Taipei or UTC time cannot hold are the spec's error array (400), in JSON and XML,
never a server error; a plain day in any ISO form means the whole day."""

import pytest

from tests.open311.conftest import ROOT, post, xml
from yankao.core import clock
from yankao.core.taipei import to_taipei

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("start_date", "9999-12-31T23:00:00-10:00"),
        ("end_date", "0001-01-01T00:00:00+14:00"),
        ("start_date", "9999-12-31"),
        ("end_date", "0001-01-01"),
        ("start_date", "0001-01-01T00:00:00"),
        ("end_date", "9998-12-31T23:00:00-10:00"),
    ],
)
def test_moments_out_of_range_are_an_error_array_in_json(client, name, value):
    response = client.get(f"{ROOT}/requests.json", {name: value})
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400
    assert error["description"].startswith(f"{name}:")
    assert value in error["description"]


def test_an_end_date_out_of_range_is_an_error_document_in_xml(client):
    response = client.get(f"{ROOT}/requests.xml", {"end_date": "0001-01-01T00:00:00+14:00"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml")
    root = xml(response)
    assert root.tag == "errors"
    assert root.find("error/code").text == "400"
    assert root.find("error/description").text.startswith("end_date:")


def test_an_unencoded_plus_sign_is_read_as_the_offset(client):
    # "+" in a query string arrives as a space when the client did not encode it.
    response = client.get(f"{ROOT}/requests.xml?end_date=0001-01-01T00:00:00+14:00")
    assert response.status_code == 400
    assert xml(response).find("error/code").text == "400"


def test_a_broken_date_keeps_its_w3c_message(client):
    response = client.get(f"{ROOT}/requests.json", {"start_date": "2024-02-07T25:00"})
    assert response.status_code == 400
    assert "W3C" in response.json()[0]["description"] or "W3C" in response.content.decode()


@pytest.mark.parametrize("form", ["basic", "week", "ordinal"])
def test_a_plain_day_in_any_iso_form_is_the_whole_day(client, app_key, form):
    response = post(client, app_key, email="chen@example.com")
    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    today = to_taipei(clock.now()).date()
    written = {
        "basic": today.strftime("%Y%m%d"),
        "week": "{}-W{:02d}-{}".format(*today.isocalendar()),
        "ordinal": f"{today.year}-{today.timetuple().tm_yday:03d}",
    }[form]
    extended = client.get(
        f"{ROOT}/requests.json", {"start_date": today.isoformat(), "end_date": today.isoformat()}
    ).json()
    compact = client.get(f"{ROOT}/requests.json", {"start_date": written, "end_date": written})
    assert compact.status_code == 200
    assert [r["service_request_id"] for r in compact.json()] == [number]
    assert compact.json() == extended


def test_the_405_message_is_one_sentence_in_one_language(client, db):
    chinese = client.delete(f"{ROOT}/requests.json").json()[0]["description"]
    english = client.delete(f"{ROOT}/requests.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert " or " not in chinese
    assert "GET, HEAD, POST" in chinese
    assert chinese.startswith("此")
    assert english[0]["description"] == "This address takes only these methods: GET, HEAD, POST."
