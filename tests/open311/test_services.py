"""Discovery, the service list and the service definitions, in JSON and in XML,
with the spec's element names in the spec's order."""

from tests.open311.conftest import ROOT, children, xml

SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
]


def test_every_active_petition_sub_category_is_a_realtime_service(client, db):
    services = client.get(f"{ROOT}/services.json").json()
    by_code = {service["service_code"]: service for service in services}
    lights = by_code["P-0103"]
    assert list(lights) == SERVICE_FIELDS
    assert lights["service_name"] == "路燈"
    assert lights["group"] == "工務"
    assert lights["type"] == "realtime"
    assert lights["metadata"] is True
    # Main categories (主項) are groups, not services: petitions are routed by sub-item.
    assert "P-01" not in by_code


def test_dispatch_classes_are_services_with_their_own_prefix(client, db):
    from yankao.dispatch.services import dispatch_reference_load

    dispatch_reference_load()
    codes = [s["service_code"] for s in client.get(f"{ROOT}/services.json").json()]
    assert any(code.startswith("D-") for code in codes)
    assert len(codes) == len(set(codes))


def test_service_list_in_xml_has_the_spec_elements_in_order(client, db):
    root = xml(client.get(f"{ROOT}/services.xml"))
    assert root.tag == "services"
    first = root[0]
    assert first.tag == "service"
    assert children(first) == SERVICE_FIELDS
    assert first.findtext("metadata") == "true"


def test_service_definition_offers_the_districts_as_a_list(client, db):
    body = client.get(f"{ROOT}/services/P-0103.json").json()
    assert body["service_code"] == "P-0103"
    district = body["attributes"][0]
    assert list(district)[: len(ATTRIBUTE_FIELDS)] == ATTRIBUTE_FIELDS
    assert district["code"] == "district"
    assert district["datatype"] == "singlevaluelist"
    assert district["required"] is False
    assert {"key": "fengshan", "name": "鳳山區"} in district["values"]
    assert len(district["values"]) == 38


def test_service_definition_in_xml(client, db):
    root = xml(client.get(f"{ROOT}/services/P-0103.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert children(attribute) == [*ATTRIBUTE_FIELDS, "values"]
    value = attribute.find("values/value")
    assert value is not None and children(value) == ["key", "name"]


def test_unknown_service_is_a_404_error_array(client, db):
    response = client.get(f"{ROOT}/services/P-9999.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": response.json()[0]["description"]}]
    root = xml(client.get(f"{ROOT}/services/nonsense.xml"))
    assert root.tag == "errors"
    assert children(root[0]) == ["code", "description"]
    assert root[0].findtext("code") == "404"


def test_discovery_names_the_endpoint_and_both_formats(client, db):
    body = client.get(f"{ROOT}/discovery.json").json()
    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = body["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{ROOT}/discovery.xml"))
    assert root.tag == "discovery"
    formats = root.findall("endpoints/endpoint/formats/format")
    assert [f.text for f in formats] == ["text/xml", "application/json"]


def test_wrong_jurisdiction_is_refused(client, db):
    response = client.get(f"{ROOT}/services.json", {"jurisdiction_id": "taipei.gov.tw"})
    assert response.status_code == 404
    assert client.get(f"{ROOT}/services.json", {"jurisdiction_id": "kcg.gov.tw"}).status_code == 200


def test_unknown_paths_and_methods_answer_error_arrays(client, db):
    assert client.get(f"{ROOT}/nothing.json").json()[0]["code"] == 404
    response = client.delete(f"{ROOT}/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()[0]["code"] == 405


def test_english_is_answered_when_asked_for(client, db):
    english = client.get(f"{ROOT}/services.json", headers={"accept-language": "en"}).json()
    chinese = client.get(f"{ROOT}/services.json", headers={"accept-language": "zh-TW"}).json()
    assert english[0]["description"].startswith("Petition about")
    assert chinese[0]["description"].startswith("陳情")
