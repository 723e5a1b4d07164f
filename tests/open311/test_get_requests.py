"""GET requests, one request and tokens: the published requests (see also
test_publication.py) with the spec's filters, in JSON and XML, at a fixed query
count, and never the petitioner's personal data."""

from datetime import timedelta

import pytest

from tests import factories
from tests.open311.conftest import ROOT, children, post, xml
from yankao.core import clock
from yankao.petitions.models import Category
from yankao.petitions.services import petition_create
from yankao.tracking.services import item_accept, item_close

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def _posted(client, key, **fields) -> str:
    response = post(client, key, email="chen@example.com", **fields)
    assert response.status_code == 201, response.content
    return response.json()[0]["service_request_id"]


def _listed(client, **query) -> list[dict]:
    response = client.get(f"{ROOT}/requests.json", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_posted_request_is_listed_with_the_spec_fields(client, app_key, media):
    number = _posted(
        client,
        app_key,
        description="路燈不亮，請修理。高雄市鳳山區",
        address_string="高雄市鳳山區光復路二段120號",
        first_name="大文",
        last_name="陳",
        phone="0911222333",
    )
    [row] = _listed(client)
    assert list(row) == REQUEST_FIELDS
    assert row["service_request_id"] == number
    assert row["status"] == "open"
    assert row["service_code"] == "P-0103"
    assert row["service_name"] == "路燈"
    assert row["description"] == "路燈不亮，請修理。高雄市鳳山區"
    assert row["address"] == "高雄市鳳山區光復路二段120號"
    assert row["zipcode"] == "830"
    assert row["lat"] == 22.627 and row["long"] == 120.301
    assert row["requested_datetime"].endswith("+08:00")
    assert row["expected_datetime"].endswith("+08:00")
    assert row["expected_datetime"] > row["requested_datetime"]


def test_personal_data_is_never_returned(client, app_key, media):
    _posted(
        client, app_key, description="路燈", first_name="大文", last_name="陳", phone="0911222333"
    )
    for path in ("requests.json", "requests.xml"):
        content = client.get(f"{ROOT}/{path}").content.decode()
        for secret in ("陳大文", "大文", "0911222333", "chen@example.com"):
            assert secret not in content


def test_status_and_agency_follow_the_tracked_item(client, app_key, media, staff):
    number = _posted(client, app_key, description="路燈不亮")
    from yankao.petitions.models import Petition

    item = Petition.objects.get(item__number=number).item
    row = _listed(client)[0]
    assert row["agency_responsible"] == item.owner_agency.name
    handler = factories.user("pat", "handler", item.owner_agency.key)
    item = item_accept(item=item, by=handler)
    assert _listed(client)[0]["status_notes"] == "辦理中"
    item_close(item=item, by=handler, reason="已修復")
    row = _listed(client)[0]
    assert row["status"] == "closed"
    assert _listed(client, status="open") == []
    assert [r["service_request_id"] for r in _listed(client, status="closed")] == [number]
    assert "已修復" not in row["status_notes"]  # the reply goes to the petitioner only


def test_counter_and_phone_petitions_are_not_public(client, app_key, media, staff):
    petition_create(
        channel="phone",
        category=Category.objects.get(code="0103"),
        subject="電話陳情",
        content="電話陳情的內容",
        by=staff.amy,
        petitioner_phone="0911000000",
    )
    assert _listed(client) == []


def test_filters_by_service_code_date_and_ids(client, app_key, media):
    lights = _posted(client, app_key, description="路燈")
    holes = _posted(client, app_key, service_code="P-0101", description="坑洞")
    codes = lambda **q: [r["service_request_id"] for r in _listed(client, **q)]  # noqa: E731
    assert codes(service_code="P-0103") == [lights]
    assert sorted(codes(service_code="P-0103,P-0101")) == sorted([lights, holes])
    assert codes(service_request_id=holes) == [holes]
    # The ids override the other filters, as the spec says.
    assert codes(service_request_id=holes, service_code="P-0103") == [holes]
    future = (clock.now() + timedelta(days=1)).isoformat()
    assert codes(start_date=future) == []
    past = (clock.now() - timedelta(days=1)).isoformat()
    assert len(codes(start_date=past)) == 2
    assert len(codes(start_date=past.replace("+00:00", "Z"))) == 2


def test_page_and_page_size_walk_the_list_newest_first(client, app_key, media):
    numbers = [_posted(client, app_key, description=f"路燈 {n}") for n in range(3)]
    first = _listed(client, page_size="2")
    second = _listed(client, page_size="2", page="2")
    assert [r["service_request_id"] for r in first + second] == numbers[::-1]


def test_the_list_costs_the_same_queries_for_one_or_many(
    client, app_key, media, django_assert_max_num_queries
):
    from yankao.dispatch.services import dispatch_reference_load

    dispatch_reference_load()
    for n in range(6):
        _posted(client, app_key, description=f"路燈 {n}")
    # Auth (key look-up) and the list itself; nothing per row.
    with django_assert_max_num_queries(3):
        assert len(_listed(client, api_key=app_key.raw)) == 6


def test_the_list_in_xml_has_the_spec_elements_in_order(client, app_key, media):
    _posted(client, app_key, description="路燈不亮")
    root = xml(client.get(f"{ROOT}/requests.xml"))
    assert root.tag == "service_requests"
    assert root[0].tag == "request"
    assert children(root[0]) == REQUEST_FIELDS
    assert root[0].findtext("service_name") == "路燈"


def test_one_request_is_an_array_of_one(client, app_key, media):
    number = _posted(client, app_key, description="路燈不亮")
    body = client.get(f"{ROOT}/requests/{number}.json").json()
    assert len(body) == 1 and body[0]["service_request_id"] == number
    root = xml(client.get(f"{ROOT}/requests/{number}.xml"))
    assert len(root.findall("request")) == 1
    assert client.get(f"{ROOT}/requests/1150101-999999.json").status_code == 404


def test_a_token_resolves_to_its_request(client, app_key, media):
    body = post(client, app_key, description="路燈", email="a@example.com").json()[0]
    answer = client.get(f"{ROOT}/tokens/{body['token']}.json").json()
    assert answer == [{"service_request_id": body["service_request_id"], "token": body["token"]}]
    root = xml(client.get(f"{ROOT}/tokens/{body['token']}.xml"))
    assert children(root[0]) == ["service_request_id", "token"]
    assert client.get(f"{ROOT}/tokens/nope.json").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "yesterday"},
        {"start_date": "2026-13-45T00:00:00Z"},
        {"end_date": "2026-11-01T00:00:00Z", "start_date": "2026-11-02T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"},
        {"status": "pending"},
        {"service_code": "Z-1"},
        {"page": "0"},
        {"page_size": "5000"},
        {"page_size": "-1"},
        {"service_request_id": ",".join(str(n) for n in range(101))},
        {"api_key": "o311_wrong"},
    ],
)
def test_bad_filters_get_an_error_array(client, db, query):
    response = client.get(f"{ROOT}/requests.json", query)
    assert response.status_code in (400, 403)
    assert response.json()[0]["code"] == response.status_code


def test_chinese_text_round_trips_in_both_formats(client, app_key, media):
    text = "三民區建國二路與中山一路口紅綠燈故障，車輛回堵「嚴重」～請儘速處理！"
    number = _posted(client, app_key, description=text, address_string="三民區建國二路")
    assert _listed(client)[0]["description"] == text
    root = xml(client.get(f"{ROOT}/requests/{number}.xml"))
    assert root.findtext("request/description") == text


def test_the_default_list_walks_the_receipt_index_newest_first(db):
    """At a million items the list must stop after its page, not read every petition:
    on SQLite the plan searches the received_at index and needs no sort."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from yankao.open311.inputs import request_filters
    from yankao.open311.selectors import public_requests

    if connection.vendor != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    with CaptureQueriesContext(connection) as queries:
        public_requests(request_filters(QueryDict("")))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[-1]["sql"])
        plan = " | ".join(row[3] for row in cursor.fetchall())
    assert "tracking_trackeditem USING INDEX item_received" in plan
    assert "TEMP B-TREE" not in plan


def _ticket_item(number: str):
    from yankao.dispatch.models import Ticket

    return Ticket.objects.select_related("item__owner_agency").get(item__number=number)


def test_a_tickets_status_notes_carry_the_agencys_acknowledgement_and_report_backs(
    client, app_key, media
):
    from yankao.dispatch.services import (
        dispatch_reference_load,
        ticket_acknowledge,
        ticket_report_back,
    )

    dispatch_reference_load()
    number = _posted(client, app_key, service_code="D-105", description="路樹倒塌擋住車道")
    ticket = _ticket_item(number)
    handler = factories.user("pat", "handler", ticket.item.owner_agency.key)
    [row] = _listed(client)
    assert row["service_code"] == "D-105"
    assert "主辦機關" not in row["status_notes"]  # the agency has said nothing yet
    received = row["requested_datetime"]

    with clock.frozen(clock.now() + timedelta(minutes=20)):
        ticket_acknowledge(ticket=ticket, by=handler)
    [row] = _listed(client)
    assert row["status_notes"].startswith("主辦機關已於 ")
    assert "確認受理" in row["status_notes"]
    acknowledged = row["updated_datetime"]
    assert acknowledged > received

    with clock.frozen(clock.now() + timedelta(hours=1)):
        ticket_report_back(ticket=ticket, by=handler, status_text="已派員前往現場鋸除", done=False)
    [row] = _listed(client)
    assert row["status"] == "open"
    assert "回報處理進度：已派員前往現場鋸除" in row["status_notes"]
    assert row["updated_datetime"] > acknowledged

    with clock.frozen(clock.now() + timedelta(hours=2)):
        ticket_report_back(
            ticket=ticket, by=handler, status_text="倒木已移除，車道恢復通行", done=True
        )
    [row] = _listed(client)
    assert row["status"] == "closed"
    assert "回報已處理完成：倒木已移除，車道恢復通行" in row["status_notes"]
    # The same in XML and for the one request.
    root = xml(client.get(f"{ROOT}/requests.xml"))
    assert root[0].findtext("status_notes") == row["status_notes"]
    assert root[0].findtext("updated_datetime") == row["updated_datetime"]
    [one] = client.get(f"{ROOT}/requests/{number}.json").json()
    assert one["status_notes"] == row["status_notes"]


def test_a_page_of_petitions_and_tickets_costs_the_same_queries_for_one_or_many(
    client, app_key, media, django_assert_max_num_queries
):
    from yankao.dispatch.services import dispatch_reference_load, ticket_report_back

    dispatch_reference_load()
    _posted(client, app_key, description="路燈 0", district="fengshan")
    number = _posted(client, app_key, service_code="D-105", description="路樹 0", district="lingya")
    with django_assert_max_num_queries(20) as one:
        assert len(_listed(client, api_key=app_key.raw)) == 2
    queries = len(one)  # now: the next request starts a new query log
    for n in range(1, 5):
        _posted(client, app_key, description=f"路燈 {n}", district="sanmin")
        _posted(client, app_key, service_code="D-101", description=f"坑洞 {n}", district="nanzi")
    ticket = _ticket_item(number)
    handler = factories.user("pat", "handler", ticket.item.owner_agency.key)
    ticket_report_back(ticket=ticket, by=handler, status_text="處理中", done=False)
    with django_assert_max_num_queries(queries):
        assert len(_listed(client, api_key=app_key.raw)) == 10


def test_one_service_lists_its_requests_newest_first_in_the_window(client, app_key, media):
    numbers = [_posted(client, app_key, description=f"路燈 {n}") for n in range(3)]
    other = _posted(client, app_key, service_code="P-0101", description="道路坑洞")
    listed = _listed(client, service_code="P-0103")
    assert [r["service_request_id"] for r in listed] == numbers[::-1]
    paged = _listed(client, service_code="P-0103", page_size="2", page="2")
    assert [r["service_request_id"] for r in paged] == [numbers[0]]
    assert [r["service_request_id"] for r in _listed(client, service_code="P-0101")] == [other]
    both = _listed(client, service_code="P-0103,P-0101")
    assert [r["service_request_id"] for r in both] == [other, *numbers[::-1]]
    later = (clock.now() + timedelta(days=1)).isoformat()
    assert _listed(client, service_code="P-0103", start_date=later) == []
    assert _listed(client, service_code="P-9999") == []


def test_one_ticket_service_is_found_whether_rare_or_common(client, app_key, media, monkeypatch):
    from yankao.dispatch.services import dispatch_reference_load
    from yankao.open311 import catalogue

    dispatch_reference_load()
    numbers = [
        _posted(client, app_key, service_code="D-105", description=f"路樹 {n}") for n in range(3)
    ]
    _posted(client, app_key, service_code="D-101", description="坑洞")
    for few in (10, 2):  # found from the class's own rows, or by walking the window
        monkeypatch.setattr(catalogue, "FEW_REQUESTS", few)
        listed = _listed(client, service_code="D-105")
        assert [r["service_request_id"] for r in listed] == numbers[::-1]
