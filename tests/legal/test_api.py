"""The /api/v1/legal router: free slots (public), booking with an Idempotency-Key,
cancelling; errors are RFC 9457 problem documents in the request's language."""

import json
import re
from datetime import time

import pytest

from tests.factories import taipei
from tests.legal import factories
from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.accounts.services import token_create
from yankao.core import clock
from yankao.legal.models import Booking, BookingStatus
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body

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
    response = _post(client, f"{BASE}/bookings", _body(session), app)
    assert response.status_code == 201 and response.json()["status"] == "pending"


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


# --- confirmation and limits (ADR 0022) ---------------------------------------------------


@pytest.fixture
def app():
    return User.objects.create_user(username="app", role=Role.SYSTEM)


def _confirm(client, number, body, user):
    return _post(client, f"{BASE}/bookings/{number}/confirm", json.dumps(body), user)


def _sent_code(number: str) -> str:
    booking = Booking.objects.get(number=number)
    message = OutboxMessage.objects.get(dedupe_key=f"legal-booking-{booking.pk}-confirm-code")
    return re.search(r"確認碼：(\d{6})", message_body(message))[1]  # type: ignore[index]


def test_the_citys_app_books_pending_and_confirms_with_the_citizens_code(client, app, session):
    made = _post(client, f"{BASE}/bookings", _body(session), app)
    assert made.status_code == 201
    body = made.json()
    assert (body["status"], body["confirm_via"]) == ("pending", "email")
    assert body["hold_until"].startswith("2026-11-02T09:20:00")
    assert _sent_code(body["number"]) not in made.content.decode()
    confirmed = _confirm(
        client,
        body["number"],
        {"code": body["code"], "confirmation": _sent_code(body["number"])},
        app,
    )
    assert confirmed.status_code == 200
    assert confirmed.json() == {"number": body["number"], "status": "booked"}


def test_a_wrong_code_is_a_400_problem_and_too_many_a_409(client, app, session, settings):
    settings.YANKAO_LEGAL_CONFIRM_ATTEMPTS = 2
    body = _post(client, f"{BASE}/bookings", _body(session), app).json()
    wrong = "000000" if _sent_code(body["number"]) != "000000" else "111111"
    first = _confirm(client, body["number"], {"code": body["code"], "confirmation": wrong}, app)
    assert first.status_code == 400
    assert first["Content-Type"] == "application/problem+json"
    assert "還可再試 1 次" in first.json()["detail"]
    second = _confirm(client, body["number"], {"code": body["code"], "confirmation": wrong}, app)
    assert second.status_code == 409
    right = {"code": body["code"], "confirmation": _sent_code(body["number"])}
    assert _confirm(client, body["number"], right, app).status_code == 409
    assert Booking.objects.get().status == BookingStatus.CANCELLED


def test_confirming_an_unknown_booking_or_with_a_wrong_private_code_is_a_404(client, app, session):
    body = _post(client, f"{BASE}/bookings", _body(session), app).json()
    code = _sent_code(body["number"])
    wrong_private = _confirm(
        client, body["number"], {"code": "AAAAAAAA", "confirmation": code}, app
    )
    unknown = _confirm(client, "L1151102-999999", {"code": body["code"], "confirmation": code}, app)
    assert wrong_private.status_code == unknown.status_code == 404
    assert Booking.objects.get().confirm_attempts == 0


def test_confirming_needs_the_right_to_book(client, staff, app, session):
    body = _post(client, f"{BASE}/bookings", _body(session), app).json()
    code = _sent_code(body["number"])
    refused = _confirm(
        client, body["number"], {"code": body["code"], "confirmation": code}, staff.hank
    )
    assert refused.status_code == 403


def test_the_desk_books_at_once_without_a_code(client, staff, session):
    body = _post(client, f"{BASE}/bookings", _body(session, email=""), staff.amy).json()
    assert (body["status"], body["hold_until"], body["confirm_via"]) == ("booked", None, None)


def test_the_apps_bookings_from_one_citizen_address_stop_at_the_limit_with_a_429(
    client, app, centre, settings
):
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    answers = []
    for n in range(4):
        target = factories.session(centre, day=factories.TUESDAY.replace(day=10 + n))
        body = _body(
            target,
            slot=0,
            phone=f"0912-{n:03d}-000",
            email=f"c{n}@example.org",
            client_address="2001:db8:5:6::1",
        )
        answers.append(_post(client, f"{BASE}/bookings", body, app))
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[3]["Content-Type"] == "application/problem+json"
    assert "網路連線" in answers[3].json()["detail"]
    # Another citizen of the app, from another address, still books.
    other = factories.session(centre, day=factories.TUESDAY.replace(day=16))
    body = _body(
        other, slot=0, phone="0955-123-456", email="d@example.org", client_address="192.0.2.1"
    )
    assert _post(client, f"{BASE}/bookings", body, app).status_code == 201


def test_without_a_client_address_the_callers_own_counts(client, app, centre, settings):
    settings.YANKAO_LEGAL_OPEN_PER_ADDRESS = 1
    first = factories.session(centre)
    second = factories.session(centre, day=factories.TUESDAY.replace(day=11))
    assert _post(client, f"{BASE}/bookings", _body(first), app).status_code == 201
    again = _body(second, phone="0955-000-000", email="other@example.org")
    assert _post(client, f"{BASE}/bookings", again, app).status_code == 429


def test_a_phone_numbers_limit_is_a_409(client, staff, centre, settings):
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    for day in (10, 11):
        target = factories.session(centre, day=factories.TUESDAY.replace(day=day))
        factories.booking(target, phone="0912-345-678")
    third = factories.session(centre, day=factories.TUESDAY.replace(day=12))
    response = _post(client, f"{BASE}/bookings", _body(third), staff.amy)
    assert response.status_code == 409
    assert "這支電話" in response.json()["detail"]


@pytest.mark.parametrize("address", ["not-an-address", "999.1.1.1", "\u0000"])
def test_a_bad_client_address_is_a_400_problem(client, app, session, address):
    response = _post(client, f"{BASE}/bookings", _body(session, client_address=address), app)
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_without_an_sms_gateway_the_app_must_send_an_e_mail_address(client, app, session):
    response = _post(client, f"{BASE}/bookings", _body(session, email=""), app)
    assert response.status_code == 400
    assert any(e["location"][-1] == "email" for e in response.json()["errors"])


@pytest.mark.parametrize("number", ["%00", "L1151102-000001%00", "%ED%A0%80"])
def test_a_bad_number_to_confirm_is_a_problem_never_a_500(client, app, session, number):
    body = {"code": "AAAAAAAA", "confirmation": "123456"}
    response = _confirm(client, number, body, app)
    assert response.status_code in (400, 404, 422)
    assert response["Content-Type"] == "application/problem+json"
