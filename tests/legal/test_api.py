"""The /api/v1/legal router: free slots (public), booking with an Idempotency-Key,
cancelling; errors are RFC 9457 problem documents in the request's language."""

import json
from datetime import time

import pytest

from tests.factories import taipei
from tests.legal import factories
from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.accounts.services import token_create
from yankao.core import clock
from yankao.legal.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db
BASE = "/api/v1/legal"


@pytest.fixture(autouse=True)
def now(monday_morning):
    return factories.NOW


@pytest.fixture
def session(centre):
    return factories.session(centre)


def _auth(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='test').raw}"}


def _body(a_session, **changes):
    body = {
        "session": a_session.pk,
        "slot": 1,
        "name": "林美玲",
        "phone": "0912-345-678",
        "email": "mei@example.org",
        "topic": "consumer",
        "question": "網購退貨糾紛",
        "consent": True,
    }
    body.update(changes)
    return json.dumps(body)


def _post(client, path, body, user, **headers):
    return client.post(path, body, content_type="application/json", **_auth(user), **headers)


def test_sessions_with_free_slots_are_public(client, centre, session):
    factories.booking(session, 0)
    response = client.get(f"{BASE}/sessions", {"venue": centre.key})
    assert response.status_code == 200
    [listed] = response.json()
    assert listed["id"] == session.pk and listed["date_roc"] == "115/11/10"
    assert [slot["index"] for slot in listed["free_slots"]] == [1, 2, 3]
    assert client.get(f"{BASE}/venues").json()[0]["key"] == "service-centre"


def test_session_times_carry_their_offset(client, centre, session):
    # RFC 3339 (the `time` format the document states) requires an offset.
    [listed] = client.get(f"{BASE}/sessions", {"venue": centre.key}).json()
    assert (listed["starts_at"], listed["ends_at"]) == ("14:00:00+08:00", "16:00:00+08:00")


def test_an_unknown_venue_is_a_problem_document(client, venues):
    response = client.get(f"{BASE}/sessions", {"venue": "nowhere"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "沒有這個諮詢地點。"


def test_the_desk_books_with_an_idempotency_key_once(client, staff, session):
    headers = {"HTTP_IDEMPOTENCY_KEY": "call-20261102-0001"}
    first = _post(client, f"{BASE}/bookings", _body(session), staff.amy, **headers)
    again = _post(client, f"{BASE}/bookings", _body(session), staff.amy, **headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert Booking.objects.count() == 1
    booking = Booking.objects.get()
    assert (booking.number, booking.channel) == (first.json()["number"], "api")


def test_a_system_account_of_the_city_app_may_book(client, session):
    app = User.objects.create_user(username="app", role=Role.SYSTEM)
    assert _post(client, f"{BASE}/bookings", _body(session), app).status_code == 201


def test_a_taken_slot_is_a_409_problem(client, staff, session):
    factories.booking(session, 1)
    response = _post(client, f"{BASE}/bookings", _body(session), staff.amy)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "這個時段剛剛已被其他民眾預約，請改選其他時段。"


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"phone": "abc"}, 400, "phone"),
        ({"topic": "tax"}, 400, "topic"),
        ({"consent": False}, 400, "consent"),
        ({"session": 999999}, 404, None),
        ({"slot": 99}, 400, "slot"),
        ({"slot": "x"}, 400, None),
    ],
)
def test_bad_input_is_a_problem_never_a_500(client, staff, session, changes, status, field):
    response = _post(client, f"{BASE}/bookings", _body(session, **changes), staff.amy)
    assert response.status_code == status
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    if field:
        assert any(e["location"][-1] == field for e in problem["errors"])
    assert not Booking.objects.exists()


def test_a_past_slot_is_refused(client, staff, centre):
    past = factories.session(centre, day=factories.NOW.date())
    with clock.frozen(taipei(2026, 11, 2, 17)):
        response = _post(client, f"{BASE}/bookings", _body(past), staff.amy)
    assert response.status_code == 400
    assert response.json()["detail"] == "這個時段已經結束，請改選較晚的時段。"


def test_a_handler_may_not_book(client, staff, session):
    response = _post(client, f"{BASE}/bookings", _body(session), staff.hank)
    assert response.status_code == 403


def test_booking_needs_a_token(client, session):
    response = client.post(f"{BASE}/bookings", _body(session), content_type="application/json")
    assert response.status_code == 401


def test_cancelling_with_the_code_or_by_the_desk(client, staff, session):
    app = User.objects.create_user(username="app", role=Role.SYSTEM)
    one = factories.booking(session, 0)
    two = factories.booking(session, 1)
    wrong = _post(client, f"{BASE}/bookings/{one.booking.number}/cancel", '{"code": "AAAA"}', app)
    assert wrong.status_code == 404
    body = json.dumps({"code": one.code})
    right = _post(client, f"{BASE}/bookings/{one.booking.number}/cancel", body, app)
    assert right.json() == {"number": one.booking.number, "status": "cancelled"}
    desk = _post(client, f"{BASE}/bookings/{two.booking.number}/cancel", "{}", staff.amy)
    assert desk.status_code == 200
    assert factories.refresh(two.booking).status == BookingStatus.CANCELLED


def test_cancelling_after_the_cut_off_with_a_code_is_a_409(client, session):
    app = User.objects.create_user(username="app", role=Role.SYSTEM)
    one = factories.booking(session, 0)
    body = json.dumps({"code": one.code})
    with clock.frozen(taipei(2026, 11, 10, 9)):
        response = _post(client, f"{BASE}/bookings/{one.booking.number}/cancel", body, app)
    assert response.status_code == 409
    assert "24" in response.json()["detail"]


def test_the_openapi_document_describes_the_legal_router(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {f"{BASE}/sessions", f"{BASE}/bookings", f"{BASE}/bookings/{{number}}/cancel"} <= set(
        paths
    )


def test_the_citys_app_books_on_the_citizens_rules_and_the_desk_on_its_own(client, staff, centre):
    app = User.objects.create_user(username="app", role=Role.SYSTEM)
    today = factories.NOW.date()
    soon = factories.session(centre, day=today, starts=time(9, 30), ends=time(10, 30))
    refused = _post(client, f"{BASE}/bookings", _body(soon, slot=0), app)  # starts in 30 min
    assert refused.status_code == 400
    assert refused.json()["detail"] == "這個時段已過或即將開始，無法線上預約，請改選較晚的時段。"
    assert _post(client, f"{BASE}/bookings", _body(soon, slot=0), staff.amy).status_code == 201


def test_an_unknown_booking_number_answers_as_a_wrong_code_does(client, session):
    # Otherwise the two answers tell a caller which booking numbers exist.
    app = User.objects.create_user(username="app", role=Role.SYSTEM)
    one = factories.booking(session, 0)
    body = '{"code": "AAAA"}'
    wrong_code = _post(client, f"{BASE}/bookings/{one.booking.number}/cancel", body, app)
    unknown = _post(client, f"{BASE}/bookings/{one.booking.number}9/cancel", body, app)
    assert wrong_code.status_code == unknown.status_code == 404
    assert wrong_code.json() == unknown.json()
