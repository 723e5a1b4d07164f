"""The two formats: the same answer as JSON and as XML, UTF-8 both ways."""

import json
from datetime import UTC, datetime
from xml.etree import ElementTree

from yankao.open311.formats import ERRORS, JSON, REQUESTS, XML, respond, w3c, xml_document


def test_moments_are_w3c_in_taipei_time():
    assert w3c(datetime(2026, 11, 26, 2, 30, tzinfo=UTC)) == "2026-11-26T10:30:00+08:00"
    assert w3c(None) is None


def test_xml_keeps_chinese_text_and_order_and_writes_null_as_empty():
    body = [{"service_request_id": "派115-000001", "description": "路樹倒塌", "lat": None}]
    root = ElementTree.fromstring(xml_document(*REQUESTS, body))
    assert [child.tag for child in root[0]] == ["service_request_id", "description", "lat"]
    assert root[0].findtext("description") == "路樹倒塌"
    assert root[0].find("lat") is not None and root[0].findtext("lat") == ""


def test_characters_xml_cannot_carry_are_left_out_not_fatal():
    body = [{"description": "路燈\x0b不亮\x00"}]
    root = ElementTree.fromstring(xml_document(*REQUESTS, body))
    assert root[0].findtext("description") == "路燈不亮"


def test_both_formats_answer_the_same_error():
    errors = [{"code": 400, "description": "service_code：查無服務項目"}]
    as_json = respond(JSON, errors, ERRORS, status=400)
    as_xml = respond(XML, errors, ERRORS, status=400)
    assert json.loads(as_json.content) == errors
    assert as_json["Content-Type"] == "application/json; charset=utf-8"
    root = ElementTree.fromstring(as_xml.content)
    assert root.tag == "errors"
    assert root[0].findtext("code") == "400"
    assert root[0].findtext("description") == "service_code：查無服務項目"
