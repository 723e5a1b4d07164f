"""Queued intake (`Prefer: respond-async`): the API answers 202 with the case number
and code, a worker registers the petition through the same path as every channel,
and nothing accepted is lost: a refusal or an error stays on the row, visible and
retryable."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from tests.petitions.test_api import URL, bearer, petition_json, post
from yankao.core import clock
from yankao.core.codes import PETITION_VERIFICATION
from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body
from yankao.petitions import intake as intake_module
from yankao.petitions.api import prefers_async
from yankao.petitions.intake import (
    MAX_ATTEMPTS,
    petition_intake_register,
    petition_intake_retry,
    petition_intakes_register,
)
from yankao.petitions.models import IntakeState, Petition, PetitionIntake, RoutingRule

pytestmark = pytest.mark.django_db
ASYNC = {"HTTP_PREFER": "respond-async"}


def post_async(client, user, body: Any = None, key: str | None = None):
    headers = {**bearer(user), **ASYNC}
    return post(client, headers, body or petition_json(), key=key)


def test_an_async_create_answers_202_with_number_code_and_where_to_follow_it(client, staff):
    response = post_async(client, staff.amy)
    body = response.json()
    intake = PetitionIntake.objects.get()
    assert response.status_code == 202
    assert response["Preference-Applied"] == "respond-async"
    assert response["Cache-Control"] == "no-store"
    assert response["Location"] == body["status_url"]
    assert body["status_url"] == reverse("api_v1:petition_queued", args=[intake.number])
    assert body["number"] == intake.number
    assert body["state"] == "queued"
    assert PETITION_VERIFICATION.matches(body["verification_code"], intake.verification_hash)
    # Accepted, not yet registered: no petition, no tracked item, no notice.
    assert not Petition.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_worker_registers_it_with_the_number_code_time_and_actor_it_was_given(client, staff):
    body = post_async(client, staff.amy).json()
    queued = PetitionIntake.objects.get()

    assert petition_intakes_register() == 1

    petition = Petition.objects.select_related("item__owner_agency").get()
    queued.refresh_from_db()
    assert petition.item.number == body["number"]
    assert PETITION_VERIFICATION.matches(body["verification_code"], petition.verification_hash)
    assert petition.item.received_at == queued.received_at
    assert petition.item.owner_agency.key == "district-fengshan"
    assert petition.item.events.get().actor == staff.amy
    assert str(petition.latitude) == "22.627300"
    assert (petition.petitioner_name, petition.channel) == ("王大同", "phone")
    assert queued.state == IntakeState.REGISTERED
    assert queued.petition == petition
    assert queued.code == ""  # the code lives on only as the petition's hash
    # The petitioner's registration notice carries the code they were given.
    (notice,) = [m for m in OutboxMessage.objects.all() if "tatung@example.com" in m.to]
    assert body["verification_code"] in message_body(notice)
    assert body["number"] in notice.body


def test_after_the_commit_the_queue_registers_it_at_once(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        body = post_async(client, staff.amy).json()
    petition = Petition.objects.get()
    state = client.get(body["status_url"], **bearer(staff.amy)).json()
    assert state["state"] == "registered"
    assert state["petition_id"] == petition.pk
    assert state["error"] == ""


def test_registering_twice_registers_once(client, staff):
    post_async(client, staff.amy)
    queued = PetitionIntake.objects.get()
    assert petition_intake_register(queued.pk) is not None
    assert petition_intake_register(queued.pk) is None
    assert petition_intakes_register() == 0
    assert Petition.objects.count() == 1


def test_a_resent_async_request_replays_the_202_and_queues_once(client, staff):
    first = post_async(client, staff.amy, key="app-0001")
    again = post_async(client, staff.amy, key="app-0001")
    assert first.status_code == again.status_code == 202
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert PetitionIntake.objects.count() == 1


def test_bad_fields_are_refused_at_once_and_nothing_is_queued(client, staff):
    response = post_async(client, staff.amy, petition_json(category="9999", subject=""))
    assert response.status_code == 400
    fields = {error["location"][1] for error in response.json()["errors"]}
    assert {"category", "subject"} <= fields
    assert not PetitionIntake.objects.exists()


def test_a_category_no_agency_handles_is_refused_at_once(client, staff):
    RoutingRule.objects.filter(category__code__in=["0501", "05"]).delete()
    response = post_async(client, staff.amy)
    assert response.status_code == 400
    assert not PetitionIntake.objects.exists()


def test_one_that_cannot_be_registered_stays_failed_with_the_reason_and_can_be_retried(
    client, staff, django_capture_on_commit_callbacks
):
    post_async(client, staff.amy)
    queued = PetitionIntake.objects.get()
    rules = list(RoutingRule.objects.filter(category__code__in=["0501", "05"]))
    RoutingRule.objects.filter(pk__in=[rule.pk for rule in rules]).delete()

    assert petition_intakes_register() == 0
    queued.refresh_from_db()
    assert queued.state == IntakeState.FAILED
    assert queued.error  # the refusal's message, for the commission
    assert not Petition.objects.exists()
    assert petition_intakes_register() == 0  # set aside: the sweep leaves it

    RoutingRule.objects.bulk_create(rules)
    with django_capture_on_commit_callbacks(execute=True):
        assert petition_intake_retry(intake=queued)
    queued.refresh_from_db()
    assert queued.state == IntakeState.REGISTERED
    assert Petition.objects.get().item.number == queued.number
    assert not petition_intake_retry(intake=queued)  # only failed ones go back


def test_an_unexpected_error_is_retried_then_set_aside_never_dropped(client, staff, monkeypatch):
    post_async(client, staff.amy)
    queued = PetitionIntake.objects.get()

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(intake_module, "petition_create", broken)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert petition_intake_register(queued.pk) is None
        queued.refresh_from_db()
        assert queued.attempts == attempt
        assert "database went away" in queued.error
        expected = IntakeState.FAILED if attempt == MAX_ATTEMPTS else IntakeState.QUEUED
        assert queued.state == expected
    assert PetitionIntake.objects.filter(pk=queued.pk).exists()


def test_the_status_is_for_its_sender_and_the_commission_only(client, staff):
    body = post_async(client, staff.amy).json()
    assert client.get(body["status_url"], **bearer(staff.amy)).json()["state"] == "queued"
    assert client.get(body["status_url"], **bearer(staff.connie)).status_code == 200
    hidden = client.get(body["status_url"], **bearer(staff.hank))
    assert hidden.status_code == 404
    assert hidden["Content-Type"] == "application/problem+json"
    assert client.get(f"{URL}/queued/1150101-999999", **bearer(staff.amy)).status_code == 404


def test_queued_and_direct_creates_share_one_sequence_of_case_numbers(client, staff):
    queued = post_async(client, staff.amy).json()["number"]
    direct = post(client, bearer(staff.amy), petition_json()).json()["number"]
    petition_intakes_register()
    numbers = sorted(Petition.objects.values_list("item__number", flat=True))
    assert numbers == sorted([queued, direct])
    assert int(direct.split("-")[1]) == int(queued.split("-")[1]) + 1


def test_the_public_tracking_page_says_a_queued_petition_is_being_registered(client, staff):
    body = post_async(client, staff.amy).json()
    page = client.post(
        reverse("mailbox:track"), {"number": body["number"], "code": body["verification_code"]}
    )
    assert page.status_code == 200
    assert "登記中" in page.content.decode()
    wrong = client.post(reverse("mailbox:track"), {"number": body["number"], "code": "X" * 10})
    assert "登記中" not in wrong.content.decode()


@pytest.mark.parametrize(
    ("header", "wanted"),
    [
        ("respond-async", True),
        ("Respond-Async, wait=10", True),
        ("return=minimal; foo=bar, respond-async", True),
        ("respond-async=1", True),
        ("handling=lenient", False),
        ("", False),
        ("respond-asyncx", False),
    ],
)
def test_the_prefer_header_is_read_as_rfc_7240_says(rf, header, wanted):
    request = rf.post(URL, HTTP_PREFER=header) if header else rf.post(URL)
    assert prefers_async(request) is wanted


def test_registration_counts_from_the_time_it_was_received(client, staff):
    thursday = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in Taipei
    with clock.frozen(thursday):
        post_async(client, staff.amy)
    with clock.frozen(thursday + timedelta(days=1, hours=7)):  # after a long outage
        assert petition_intakes_register() == 1
        direct = post(client, bearer(staff.amy), petition_json()).json()
    queued = Petition.objects.select_related("item").get(intake__isnull=False)
    assert queued.item.received_at == thursday
    # Due by the calendar's count from its receipt, a working day before one received now.
    assert queued.item.due_at < Petition.objects.get(pk=direct["id"]).item.due_at


def test_the_reference_snapshot_routes_every_category_and_district_as_the_database_does():
    from yankao.organisation.models import District
    from yankao.petitions.models import Category
    from yankao.petitions.reference_cache import reference
    from yankao.petitions.selectors import petition_route

    snapshot = reference()
    districts = [None, *District.objects.all()]
    categories = Category.objects.filter(parent__isnull=False, is_active=True)
    assert set(snapshot.categories) == {category.code for category in categories}
    for category in categories:
        for district in districts:
            assert snapshot.route(category, district) == petition_route(category, district)


def test_an_edit_saved_in_this_process_reaches_the_api_at_once(client, staff):
    from yankao.petitions.models import Category

    assert post_async(client, staff.amy).status_code == 202  # the snapshot is taken
    category = Category.objects.get(code="0501")
    category.is_active = False
    category.save()
    refused = post_async(client, staff.amy)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["location"] == ["body", "category"]


def test_a_refusal_inside_a_batch_keeps_the_rest_of_the_batch(client, staff):
    post_async(client, staff.amy, petition_json(subject="第一件"))
    post_async(client, staff.amy, petition_json(category="0103", subject="第二件"))
    post_async(client, staff.amy, petition_json(subject="第三件"))
    RoutingRule.objects.filter(category__code__in=["0103", "01"]).delete()

    assert petition_intakes_register(batch=10) == 2

    states = dict(PetitionIntake.objects.values_list("data__subject", "state"))
    assert states == {
        "第一件": IntakeState.REGISTERED,
        "第二件": IntakeState.FAILED,
        "第三件": IntakeState.REGISTERED,
    }
    assert sorted(Petition.objects.values_list("subject", flat=True)) == ["第一件", "第三件"]


@pytest.mark.django_db(transaction=True)  # the closest mark: ordered with the transactional tests
def test_workers_draining_at_once_register_each_petition_once(monkeypatch):
    from tests.concurrency import at_once, needs_shared_database

    needs_shared_database()
    from tests.factories import Staff
    from yankao.calendar.services import calendar_load_shipped, invalidate_cache
    from yankao.organisation.services import city_load
    from yankao.petitions.intake import petition_intake_queue
    from yankao.petitions.services import petition_reference_load

    # Queued only: the tests' queue would run each wake-up at once, on commit.
    monkeypatch.setattr(intake_module._WakeWorker, "schedule", lambda self: None)
    city_load()  # a transactional test starts from an empty database
    calendar_load_shipped()
    invalidate_cache()
    petition_reference_load()
    staff = Staff.create()
    data = {
        "channel": "app", "category": "0501", "district": "fengshan", "subject": "漏水",
        "content": "活動中心屋頂漏水。", "address": "", "latitude": None, "longitude": None,
        "name": "王大同", "email": "tatung@example.com", "phone": "", "anonymous": False,
    }  # fmt: skip
    numbers = {petition_intake_queue(data=data, by=staff.amy).intake.number for _ in range(30)}
    counts: list[int] = []
    assert at_once(lambda: counts.append(petition_intakes_register(batch=3)), threads=3) == []
    assert list(PetitionIntake.objects.values_list("error", flat=True).distinct()) == [""]
    assert sum(counts) == 30
    assert set(Petition.objects.values_list("item__number", flat=True)) == numbers
    assert not PetitionIntake.objects.exclude(state=IntakeState.REGISTERED).exists()
