"""What Open311 publishes: only the requests their senders chose to publish (an
Open311 post, unless it says attribute[public]=no; the mailbox's box), never one
because of the channel a member of staff or an API client named; and of those,
the citizen's and the agency's words with ID, phone, e-mail and plate numbers
masked, while the agency keeps them as typed."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.open311.conftest import ROOT, post, xml
from yankao.accounts.services import token_create
from yankao.petitions.models import Category, Petition
from yankao.petitions.services import petition_create

DESCRIPTION = "路燈不亮。我是陳先生，身分證A123456789，手機0912-345-678，有事請聯絡。"
MASKED = "路燈不亮。我是陳先生，身分證○○○，手機○○○，有事請聯絡。"
SECRETS = ("A123456789", "0912-345-678", "0912345678")
# The mailbox tests confirm on 2026-11-26 (tests.petitions.test_mailbox.RECEIVED).
AROUND_RECEIPT = {"start_date": "2026-11-01", "end_date": "2026-12-01"}


def _posted(client, key, **fields) -> str:
    response = post(client, key, email="chen@example.com", **fields)
    assert response.status_code == 201, response.content
    return response.json()[0]["service_request_id"]


def _listed(client, **query) -> list[str]:
    response = client.get(f"{ROOT}/requests.json", query)
    assert response.status_code == 200, response.content
    return [row["service_request_id"] for row in response.json()]


def _bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


# --- the description, address and notes are published masked --------------------------------


def test_an_id_number_and_a_phone_in_the_description_are_published_masked(client, app_key, media):
    number = _posted(client, app_key, description=DESCRIPTION)
    [row] = client.get(f"{ROOT}/requests.json").json()
    assert row["description"] == MASKED
    [one] = client.get(f"{ROOT}/requests/{number}.json").json()
    assert one["description"] == MASKED
    assert xml(client.get(f"{ROOT}/requests.xml")).findtext("request/description") == MASKED
    for path in ("requests.json", "requests.xml", f"requests/{number}.json"):
        content = client.get(f"{ROOT}/{path}").content.decode()
        for secret in SECRETS:
            assert secret not in content, (path, secret)
    # The agency keeps what the citizen wrote.
    assert Petition.objects.get(item__number=number).content == DESCRIPTION


def test_identifiers_typed_into_the_address_are_masked_and_the_place_is_kept(
    client, app_key, media
):
    _posted(client, app_key, description="路燈", address_string="光復路二段120號 電話07-3368333")
    [row] = client.get(f"{ROOT}/requests.json").json()
    assert row["address"] == "光復路二段120號 電話○○○"
    assert row["lat"] == 22.627 and row["long"] == 120.301


def test_a_plate_and_an_e_mail_in_a_hazard_report_are_masked(client, app_key, media):
    from yankao.dispatch.services import dispatch_reference_load

    dispatch_reference_load()
    _posted(
        client,
        app_key,
        service_code="D-105",
        description="路樹倒在 ABC-1234 車上，車主信箱 owner@example.com",
    )
    [row] = client.get(f"{ROOT}/requests.json").json()
    assert row["description"] == "路樹倒在 ○○○ 車上，車主信箱 ○○○"


def test_an_agencys_report_back_is_published_with_its_identifiers_masked(client, app_key, media):
    from yankao.dispatch.models import Ticket
    from yankao.dispatch.services import dispatch_reference_load, ticket_report_back

    dispatch_reference_load()
    number = _posted(client, app_key, service_code="D-105", description="路樹倒塌")
    ticket = Ticket.objects.select_related("item__owner_agency").get(item__number=number)
    handler = factories.user("pat", "handler", ticket.item.owner_agency.key)
    ticket_report_back(
        ticket=ticket, by=handler, status_text="已聯絡車主 0933-111-222 移車", done=False
    )
    [row] = client.get(f"{ROOT}/requests.json").json()
    assert "已聯絡車主 ○○○ 移車" in row["status_notes"]
    assert "0933-111-222" not in row["status_notes"]


# --- only what the citizen chose to publish --------------------------------------------------


def test_a_citizens_open311_post_is_listed(client, app_key, media):
    number = _posted(client, app_key, description="路燈不亮")
    assert _listed(client) == [number]
    assert _listed(client, service_code="P-0103") == [number]
    assert Petition.objects.get(item__number=number).published is True


def test_a_staff_api_client_sending_channel_app_does_not_publish_a_petition(
    client, app_key, media, staff
):
    body = {
        "channel": "app",
        "category": "0103",
        "subject": "路燈不亮",
        "content": "光復路二段路燈不亮",
        "district": "fengshan",
        "petitioner_email": "a@example.com",
        "published": True,  # not a field of the API: ignored
    }
    response = client.post(
        "/api/v1/petitions", body, content_type="application/json", **_bearer(staff.amy)
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert _listed(client) == []
    assert _listed(client, service_code="P-0103") == []
    assert client.get(f"{ROOT}/requests/{number}.json").status_code == 404
    assert Petition.objects.get(item__number=number).published is False
    detail = client.get(f"/api/v1/petitions/{response.json()['id']}", **_bearer(staff.amy))
    assert detail.json()["published"] is False


def test_a_staff_ticket_on_the_app_or_open311_channel_is_not_published(
    client, app_key, media, staff
):
    from yankao.dispatch.services import dispatch_reference_load

    dispatch_reference_load()
    flags = []
    for channel in ("app", "open311"):
        body = {
            "ticket_class": "105",
            "description": "路樹倒塌",
            "district": "sanmin",
            "channel": channel,
        }
        response = client.post(
            "/api/v1/tickets", body, content_type="application/json", **_bearer(staff.amy)
        )
        assert response.status_code == 201, response.content
        flags.append(response.json().get("published"))
    assert _listed(client) == []
    assert _listed(client, service_code="D-105") == []
    assert flags == [False, False]


def test_a_petition_registered_by_a_service_on_the_app_channel_is_not_published(
    client, app_key, media, staff
):
    petition_create(
        channel="app",
        category=Category.objects.get(code="0103"),
        subject="路燈",
        content="路燈不亮",
        by=staff.amy,
        petitioner_email="a@example.com",
    )
    assert _listed(client) == []


def test_a_sender_can_post_without_publishing(client, app_key, media):
    response = post(
        client,
        app_key,
        description="家門口路燈不亮",
        email="a@example.com",
        **{"attribute[public]": "no"},
    )
    assert response.status_code == 201, response.content
    [body] = response.json()
    number = body["service_request_id"]
    assert _listed(client) == []
    assert client.get(f"{ROOT}/requests/{number}.json").status_code == 404
    assert Petition.objects.get(item__number=number).published is False
    # The token still gives the client its id, to follow the request otherwise.
    token = client.get(f"{ROOT}/tokens/{body['token']}.json").json()
    assert token[0]["service_request_id"] == number
    published = _posted(client, app_key, description="路燈", **{"attribute[public]": "YES"})
    assert _listed(client) == [published]


def test_an_unknown_public_value_is_refused_with_the_spec_error(client, app_key, media):
    response = post(client, app_key, description="路燈", **{"attribute[public]": "maybe"})
    assert response.status_code == 400
    assert "attribute[public]" in response.json()[0]["description"]
    assert Petition.objects.count() == 0


def test_the_service_definition_offers_the_public_choice(client, db):
    from yankao.dispatch.services import dispatch_reference_load

    dispatch_reference_load()
    for code in ("P-0103", "D-105"):
        attributes = client.get(f"{ROOT}/services/{code}.json").json()["attributes"]
        public = next(a for a in attributes if a["code"] == "public")
        assert public["required"] is False
        assert [v["key"] for v in public["values"]] == ["yes", "no"]
        assert "遮蔽" in public["description"]


def test_a_mailbox_petition_is_listed_only_when_its_sender_ticked_the_box(client, db, media):
    from tests.petitions.test_mailbox import confirm, write

    write(client, published="on")
    confirm(client)
    [number] = _listed(client, **AROUND_RECEIPT)
    assert Petition.objects.get(item__number=number).channel == "web"
    [row] = client.get(f"{ROOT}/requests.json", AROUND_RECEIPT).json()
    assert "0912-345-123" not in str(row) and "李小明" not in str(row)


def test_a_mailbox_petition_without_the_box_ticked_is_not_listed(client, db, media):
    from tests.petitions.test_mailbox import confirm, write

    write(client)
    confirm(client)
    assert _listed(client, **AROUND_RECEIPT) == []
    assert Petition.objects.get().published is False


# --- the existing requests, when the flag arrived -----------------------------------------------


def test_the_migration_publishes_only_what_came_through_an_open311_post(
    client, app_key, media, staff
):
    from yankao.dispatch.models import Ticket
    from yankao.dispatch.services import dispatch_reference_load, ticket_create

    dispatch_reference_load()
    posted = _posted(client, app_key, description="路燈")
    ticket = _posted(client, app_key, service_code="D-105", description="路樹")
    staff_app = petition_create(
        channel="app",
        category=Category.objects.get(code="0103"),
        subject="路燈",
        content="路燈不亮",
        by=staff.amy,
        petitioner_email="a@example.com",
    ).petition
    staff_ticket = ticket_create(
        by=staff.amy,
        ticket_class=Ticket.objects.get(item__number=ticket).ticket_class,
        description="路樹",
        district=None,
        address="九如一路",
        channel="open311",
    )
    # As the rows stood before the flag: none published.
    Petition.objects.update(published=False)
    Ticket.objects.update(published=False)
    migration = importlib.import_module("yankao.open311.migrations.0002_publish_open311_posts")
    migration.publish_posted(apps, None)
    assert set(Petition.objects.filter(published=True).values_list("item__number", flat=True)) == {
        posted
    }
    assert set(Ticket.objects.filter(published=True).values_list("item__number", flat=True)) == {
        ticket
    }
    staff_app.refresh_from_db()
    staff_ticket.refresh_from_db()
    assert not staff_app.published and not staff_ticket.published


# --- the list of one service still reads its own index ----------------------------------------


def test_one_service_is_read_from_the_published_index_without_a_sort(db):
    """A page of one petition service walks (category, published, received_at) newest
    first and stops at the page's end, as it walked the channel's index before."""
    from django.http import QueryDict

    from yankao.open311.inputs import request_filters
    from yankao.open311.selectors import public_requests

    if connection.vendor != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    with CaptureQueriesContext(connection) as queries:
        public_requests(request_filters(QueryDict("service_code=P-0103&page_size=50")))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[-1]["sql"])
        plan = " | ".join(row[3] for row in cursor.fetchall())
    assert "petitions_petition USING INDEX petition_published_time" in plan
    assert "TEMP B-TREE" not in plan
