"""Petitions on the JSON API: registering (with idempotency keys), the list and a
petition scoped exactly as the pages are, masked personal data, workflow actions,
and RFC 9457 problems for bad input, never a server error."""

import re
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import agency, item
from tests.petitions.factories import THURSDAY, petition
from yankao.accounts.services import token_create
from yankao.core import clock
from yankao.core.codes import PETITION_VERIFICATION
from yankao.core.taipei import to_taipei
from yankao.petitions.models import Channel, Petition
from yankao.tracking.models import Status

pytestmark = pytest.mark.django_db
URL = "/api/v1/petitions"
PROBLEM = "application/problem+json"


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


def petition_json(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "phone",
        "category": "0501",
        "subject": "里民活動中心漏水",
        "content": "鳳山區某里活動中心屋頂漏水。",
        "district": "fengshan",
        "address": "高雄市鳳山區光復路二段 120 號",
        "latitude": 22.6273,
        "longitude": 120.3564,
        "petitioner_name": "王大同",
        "petitioner_email": "tatung@example.com",
        "petitioner_phone": "07-746-1234",
        "anonymous": False,
    }
    data.update(changes)
    return data


def post(client: Client, headers: dict[str, str], body: Any, key: str | None = None) -> Any:
    extra = {**headers, **({"HTTP_IDEMPOTENCY_KEY": key} if key else {})}
    return client.post(URL, body, content_type="application/json", **extra)


# --- registering ----------------------------------------------------------------------------


def test_an_agent_registers_a_petition_and_gets_number_code_agency_and_due_date(client, staff):
    response = post(client, bearer(staff.amy), petition_json())
    body = response.json()
    registered = Petition.objects.select_related("item").get()
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    assert body["id"] == registered.pk
    assert body["number"] == registered.item.number
    assert re.fullmatch(r"\d{7}-\d{6}", body["number"])
    assert PETITION_VERIFICATION.matches(body["verification_code"], registered.verification_hash)
    assert body["owner_agency"]["key"] == "district-fengshan"
    assert body["due_date"] == to_taipei(registered.item.due_at).date().isoformat()
    assert datetime.fromisoformat(body["due_at"]) == registered.item.due_at
    assert re.fullmatch(r"\d{3}/\d{2}/\d{2}", body["due_date_roc"])
    assert registered.item.events.get().actor == staff.amy
    assert str(registered.latitude) == "22.627300"
    assert "Idempotent-Replayed" not in response


def test_a_petition_without_any_contact_is_registered_and_closed_at_once(client, staff):
    body = post(
        client, bearer(staff.amy), petition_json(petitioner_email="", petitioner_phone="")
    ).json()
    assert body["status"] == Status.CLOSED
    assert body["disposition"] == "no_identity"


def test_the_due_date_is_given_in_iso_and_roc_form_for_the_same_day(client, staff):
    body = post(client, bearer(staff.amy), petition_json()).json()
    year, month, day = (int(part) for part in body["due_date"].split("-"))
    assert body["due_date_roc"] == f"{year - 1911}/{month:02d}/{day:02d}"
    assert body["disposition"] == "normal"


def test_resending_with_the_same_key_replays_the_first_response_and_registers_once(client, staff):
    headers = bearer(staff.amy)
    first = post(client, headers, petition_json(), key="intake-0001")
    again = post(client, headers, petition_json(), key="intake-0001")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Petition.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422_problem(client, staff):
    headers = bearer(staff.amy)
    post(client, headers, petition_json(), key="intake-0002")
    response = post(client, headers, petition_json(subject="另一件事"), key="intake-0002")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert Petition.objects.count() == 1


def test_different_keys_register_different_petitions(client, staff):
    headers = bearer(staff.amy)
    post(client, headers, petition_json(), key="intake-a")
    post(client, headers, petition_json(), key="intake-b")
    assert Petition.objects.count() == 2


def test_a_refused_request_leaves_its_key_free_for_the_corrected_one(client, staff):
    headers = bearer(staff.amy)
    refused = post(client, headers, petition_json(category="9999"), key="intake-0003")
    corrected = post(client, headers, petition_json(), key="intake-0003")
    assert refused.status_code == 400
    assert corrected.status_code == 201
    assert Petition.objects.count() == 1


def test_a_malformed_idempotency_key_is_a_400_problem(client, staff):
    response = post(client, bearer(staff.amy), petition_json(), key="x" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert Petition.objects.count() == 0


@pytest.mark.parametrize("who", ["mia"])
def test_a_role_that_may_not_register_petitions_gets_403(client, staff, who):
    response = post(client, bearer(getattr(staff, who)), petition_json())
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert Petition.objects.count() == 0


def test_registering_needs_a_token(client):
    assert post(client, {}, petition_json()).status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "9999"}, "category"),
        ({"category": "01"}, "category"),  # a main category: choose a sub-item
        ({"district": "atlantis"}, "district"),
        ({"channel": "pigeon"}, "channel"),
        ({"subject": "長" * 101}, "subject"),
        ({"content": "字" * 4001}, "content"),
        ({"subject": ""}, "subject"),
        ({"petitioner_email": "not-an-address"}, "petitioner_email"),
        ({"petitioner_phone": "call me maybe"}, "petitioner_phone"),
        ({"latitude": 123.0}, "latitude"),
        ({"longitude": 1e308}, "longitude"),
    ],
)
def test_an_invalid_field_is_a_400_problem_naming_it(client, staff, changes, field):
    response = post(client, bearer(staff.amy), petition_json(**changes))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert field in {e["location"][-1] for e in response.json()["errors"]}
    assert Petition.objects.count() == 0


def test_the_problem_speaks_traditional_chinese_by_default_and_english_on_request(client, staff):
    headers = bearer(staff.amy)
    chinese = post(client, headers, petition_json(category="9999")).json()["detail"]
    english = post(
        client, {**headers, "HTTP_ACCEPT_LANGUAGE": "en"}, petition_json(category="9999")
    ).json()["detail"]
    assert "請從清單中選擇陳情類別" in chinese
    assert "Choose one of the listed categories." in english


def test_script_tags_are_kept_as_plain_text(client, staff):
    script = "<script>alert(1)</script> 路燈壞了"
    response = post(client, bearer(staff.amy), petition_json(content=script, subject=script))
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/json")
    stored = Petition.objects.get()
    assert stored.content == script
    assert stored.subject == script


@pytest.mark.parametrize(
    "body",
    [
        petition_json(subject=123),
        petition_json(subject=["路燈"]),
        petition_json(content={"text": "x"}),
        petition_json(anonymous="maybe"),
        petition_json(latitude="north"),
        petition_json(subject="路燈\x00不亮"),
        petition_json(district="fengshan\x00"),
        petition_json(category="\x00"),
        petition_json(content="長" * 200_000),
        {"subject": "只有主旨"},
        ["not", "an", "object"],
        "just a string",
        None,
    ],
    ids=[
        "number-as-text",
        "list-as-text",
        "object-as-text",
        "not-a-boolean",
        "not-a-number",
        "nul-in-text",
        "nul-in-key",
        "nul-as-code",
        "two-hundred-thousand-characters",
        "fields-missing",
        "a-list",
        "a-string",
        "null",
    ],
)
def test_hostile_input_is_a_400_problem_never_a_server_error(client, staff, body):
    response = post(client, bearer(staff.amy), body)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert Petition.objects.count() == 0


def test_a_body_that_is_not_json_is_a_400_problem(client, staff):
    response = client.post(URL, "{not json", content_type="application/json", **bearer(staff.amy))
    assert response.status_code == 400
    assert Petition.objects.count() == 0


def numbers(response: Any) -> set[str]:
    return {row["number"] for row in response.json()["items"]}


@pytest.fixture
def three_agencies():
    """A street lamp (Public Works' Maintenance Office), a district matter (the
    Fengshan district office), and litter (Environmental Protection)."""
    return [
        petition(code="0103"),
        petition(code="0501", district_key="fengshan", channel=Channel.COUNTER),
        petition(code="0202", subject="垃圾未清", content="巷口垃圾三天未清。"),
    ]


@pytest.mark.parametrize("who", ["hank", "holly", "sue", "dora", "connie", "mia", "amy"])
def test_the_list_and_the_detail_are_scoped_exactly_like_the_pages(
    client, staff, three_agencies, who
):
    user = getattr(staff, who)
    headers = bearer(user)
    listed = numbers(client.get(URL, **headers))
    client.force_login(user)
    for registered in three_agencies:
        pk = registered.petition.pk
        page = client.get(reverse("petitions:petition", args=[pk])).status_code
        detail = client.get(f"{URL}/{pk}", **headers).status_code
        assert page in {200, 404}
        assert detail == page
        assert (registered.petition.item.number in listed) == (page == 200)


def test_another_agencys_petition_is_a_404_problem(client, staff):
    registered = petition(code="0103")
    response = client.get(f"{URL}/{registered.petition.pk}", **bearer(staff.dora))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_personal_data_is_masked_in_the_list_and_the_detail(client, staff):
    registered = petition(code="0103")
    headers = bearer(staff.holly)  # may unmask on the page, but the API never does
    listed = client.get(URL, **headers)
    detail = client.get(f"{URL}/{registered.petition.pk}", **headers)
    masked = {"name": "李○明", "email": "m○○○@example.com", "phone": "09xx-xxx-123"}
    assert listed.json()["items"][0]["petitioner"] == masked
    assert detail.json()["petitioner"] == masked
    for response in (listed, detail):
        text = response.content.decode()
        assert "李小明" not in text
        assert "ming@example.com" not in text
        assert "345" not in text
        assert "verification_code" not in text


def test_the_detail_shows_the_facts_the_allowed_actions_and_the_history(client, staff):
    registered = petition(code="0103")
    body = client.get(f"{URL}/{registered.petition.pk}", **bearer(staff.holly)).json()
    assert body["subject"] == "路燈不亮"
    assert body["category"]["code"] == "0103"
    assert body["owner_agency"]["key"] == "pw-maintenance"
    assert "accept" in body["allowed_actions"]
    assert [event["action"] for event in body["history"]] == ["create"]
    assert body["history"][0]["to_agency"] == "pw-maintenance"
    assert body["due_at_closing"] is None  # open
    assert (body["extension_count"], body["transfer_count"]) == (0, 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "0103"}, ["0103"]),
        ({"category": "02"}, ["0202"]),
        ({"district": "fengshan"}, ["0501"]),
        ({"channel": "counter"}, ["0501"]),
        ({"q": "垃圾"}, ["0202"]),
        ({"status": Status.ASSIGNED}, ["0103", "0202", "0501"]),
        ({"status": Status.CLOSED}, []),
    ],
)
def test_the_list_filters(client, staff, three_agencies, query, expected):
    rows = client.get(URL, query, **bearer(staff.connie)).json()["items"]
    assert sorted(row["category"]["code"] for row in rows) == expected


def test_the_text_search_finds_a_case_number(client, staff, three_agencies):
    number = three_agencies[1].petition.item.number
    rows = client.get(URL, {"q": number[-6:]}, **bearer(staff.connie)).json()["items"]
    assert [row["number"] for row in rows] == [number]


def test_the_overdue_filter_keeps_open_petitions_past_their_deadline(client, staff):
    late = petition(code="0103", received_at=THURSDAY.replace(year=2025))
    petition(code="0103", received_at=clock.now())
    rows = client.get(URL, {"overdue": "true"}, **bearer(staff.connie)).json()["items"]
    assert [row["number"] for row in rows] == [late.petition.item.number]
    assert rows[0]["overdue"] is True


@pytest.mark.parametrize("query", [{"channel": "pigeon"}, {"q": "x" * 101}, {"q": "a\x00"}])
def test_a_bad_filter_is_a_400_problem(client, staff, query):
    response = client.get(URL, query, **bearer(staff.connie))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_the_cursor_walks_every_petition_once_in_deadline_order(client, staff):
    made = [
        petition(code=("0103", "0202", "0501")[n % 3], received_at=THURSDAY.replace(day=2 + n))
        for n in range(7)
    ]
    headers = bearer(staff.connie)
    seen, cursor = [], None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(URL, query, **headers).json()
        seen += [(row["due_at"], row["number"]) for row in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(number for _, number in seen) == sorted(r.petition.item.number for r in made)
    assert [due for due, _ in seen] == sorted(due for due, _ in seen)


def test_a_broken_cursor_is_a_400_problem(client, staff):
    response = client.get(URL, {"cursor": "%%%"}, **bearer(staff.connie))
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def test_the_list_costs_the_same_queries_for_one_petition_or_many(
    client, staff, django_assert_max_num_queries
):
    headers = bearer(staff.connie)
    petition(code="0103")
    with django_assert_max_num_queries(4) as one:
        client.get(URL, **headers)
    for _ in range(5):
        petition(code="0501", district_key="fengshan")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(URL, **headers)


# --- actions --------------------------------------------------------------------------------


def test_an_action_on_a_petition_runs_the_items_workflow(client, staff):
    registered = petition(code="0103")
    response = client.post(
        f"{URL}/{registered.petition.pk}/actions/accept",
        {"version": registered.petition.item.version},
        content_type="application/json",
        **bearer(staff.holly),
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.IN_PROGRESS
    assert response.json()["subject"] == "路燈不亮"
    assert [h["action"] for h in response.json()["history"]] == ["create", "accept"]


def test_an_action_the_role_may_not_take_is_403(client, staff):
    registered = petition(code="0103")
    response = client.post(
        f"{URL}/{registered.petition.pk}/actions/withdraw",
        {"version": 1, "reason": "x"},
        content_type="application/json",
        **bearer(staff.mia),
    )
    assert response.status_code == 403


def test_an_action_on_another_agencys_petition_is_404(client, staff):
    registered = petition(code="0103")
    response = client.post(
        f"{URL}/{registered.petition.pk}/actions/accept",
        {"version": 1},
        content_type="application/json",
        **bearer(staff.dora),
    )
    assert response.status_code == 404
    assert registered.petition.item.events.count() == 1


def test_an_action_with_a_stale_version_is_409_and_with_bad_fields_400(client, staff):
    registered = petition(code="0103")
    url = f"{URL}/{registered.petition.pk}/actions/"
    headers = bearer(staff.holly)
    client.post(url + "accept", {"version": 1}, content_type="application/json", **headers)
    stale = client.post(
        url + "transfer",
        {"version": 1, "reason": "非本處權責", "to_agency": agency("public-works").pk},
        content_type="application/json",
        **headers,
    )
    invalid = client.post(
        url + "extension_request",
        {"version": 2, "reason": "", "amount": 0},
        content_type="application/json",
        **headers,
    )
    assert stale.status_code == 409
    assert invalid.status_code == 400


def test_an_item_that_is_not_a_petition_is_not_found_here(client, staff):

    other = item(owner="pw-maintenance")
    response = client.get(f"{URL}/{other.pk}", **bearer(staff.holly))
    assert response.status_code == 404


# --- the document ---------------------------------------------------------------------------


def test_the_openapi_document_lists_the_petition_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/petitions"])
    assert "get" in paths["/api/v1/petitions/{petition_id}"]
    assert "post" in paths["/api/v1/petitions/{petition_id}/actions/{action}"]


def test_a_body_over_the_upload_limit_is_a_413_problem(client, staff, settings):
    from yankao.accounts.services import token_create

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    token = token_create(user=staff.amy, name="t").raw
    response = client.post(
        "/api/v1/petitions",
        '{"subject": "' + "x" * 5000 + '"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
