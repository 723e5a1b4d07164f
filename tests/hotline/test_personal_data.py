"""Callers' numbers: masked on every page and in the API, unmasked only for those
who call back, with a reason, and each look logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.hotline.factories import MORNING, call
from yankao.hotline.models import CallerNumberAccess

pytestmark = pytest.mark.django_db


def test_the_call_list_masks_numbers(client, staff):
    made = call(staff.amy, caller_number="0912-345-123")
    client.force_login(staff.connie)
    response = client.get(reverse("hotline:calls"), {"day": "115/11/26"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "09xx-xxx-123" in html
    assert "0912-345-123" not in html
    assert reverse("hotline:call", args=[made.pk]) in html


def test_the_call_list_filters_by_agent_outcome_and_language(client, staff):
    call(staff.amy, outcome="other", language="nan", caller_number="0911-111-111")
    call(staff.amy, outcome="other", language="cmn", caller_number="0922-222-222")
    client.force_login(staff.connie)
    params = {"day": "2026-11-26", "agent": staff.amy.pk, "outcome": "other", "language": "nan"}
    html = client.get(reverse("hotline:calls"), params).content.decode()
    assert "09xx-xxx-111" in html
    assert "09xx-xxx-222" not in html


def test_a_bad_filter_is_a_clear_400(client, staff):
    client.force_login(staff.connie)
    response = client.get(reverse("hotline:calls"), {"day": "not a day", "outcome": "x"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_a_controller_sees_the_number_with_a_reason_and_the_look_is_logged(client, staff):
    made = call(staff.amy, caller_number="0912-345-123")
    client.force_login(staff.connie)
    page = client.get(reverse("hotline:call", args=[made.pk])).content.decode()
    assert "09xx-xxx-123" in page and "0912-345-123" not in page
    url = reverse("hotline:call-number", args=[made.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert CallerNumberAccess.objects.count() == 0
    shown = client.post(url, {"reason": "回電民眾補充資料"})
    assert shown.status_code == 200
    assert "0912-345-123" in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    access = CallerNumberAccess.objects.get()
    assert (access.user, access.call, access.reason) == (staff.connie, made, "回電民眾補充資料")


def test_the_mayors_office_and_supervisors_never_see_numbers(client, staff):
    made = call(staff.amy)
    client.force_login(staff.mia)
    assert (
        client.post(reverse("hotline:call-number", args=[made.pk]), {"reason": "x"}).status_code
        == 403
    )
    client.force_login(staff.sue)  # Public Works: not her agents' call
    assert client.get(reverse("hotline:call", args=[made.pk])).status_code == 404
    assert CallerNumberAccess.objects.count() == 0


def test_handlers_do_not_see_the_call_log(client, staff):
    call(staff.amy, started_at=MORNING)
    client.force_login(staff.hank)
    assert client.get(reverse("hotline:calls")).status_code == 403


def test_the_call_list_costs_the_same_queries_for_few_or_many_calls(
    client, staff, django_assert_max_num_queries
):
    from tests.factories import agency

    client.force_login(staff.connie)
    url = reverse("hotline:calls")
    call(staff.amy, outcome="transfer", transferred_to=agency("police"))
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"day": "2026-11-26"})
    for n in range(20):
        call(
            staff.amy,
            caller_number=f"0912-345-{n:03d}",
            outcome="transfer",
            transferred_to=agency("fire"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"day": "2026-11-26"})
