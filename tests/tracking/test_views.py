"""The staff pages: the worklist and the item page, as a signed-in user sees them."""

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import item, taipei
from yankao.organisation.models import Agency
from yankao.tracking.models import Status

pytestmark = pytest.mark.django_db


def test_the_home_page_needs_a_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_worklist_shows_own_items_and_marks_overdue_ones(client, staff):
    overdue = item(received_at=taipei(2020, 6, 1), time_limit=1)
    fresh = item(received_at=taipei(2026, 12, 20), time_limit=6)
    other = item(owner="water-resources")
    client.force_login(staff.hank)
    html = client.get(reverse("home")).content.decode()
    assert overdue.number in html and fresh.number in html
    assert other.number not in html
    assert html.index(overdue.number) < html.index(fresh.number)
    assert html.count('class="overdue"') == 1


def test_the_worklist_costs_the_same_queries_for_5_or_60_items(client, staff):
    client.force_login(staff.sue)
    for _ in range(5):
        item()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for _ in range(55):
        item()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_item_page_offers_only_the_users_allowed_actions(client, staff):
    tracked = item()
    client.force_login(staff.hank)
    html = client.get(reverse("tracking:item", args=[tracked.pk])).content.decode()
    assert reverse("tracking:item-action", args=[tracked.pk, "accept"]) in html
    assert reverse("tracking:item-action", args=[tracked.pk, "extension_approve"]) not in html


def test_an_item_of_another_agency_is_not_found(client, staff):
    tracked = item(owner="water-resources")
    client.force_login(staff.hank)
    assert client.get(reverse("tracking:item", args=[tracked.pk])).status_code == 404


def test_accepting_from_the_item_page_changes_the_item(client, staff):
    tracked = item()
    client.force_login(staff.hank)
    url = reverse("tracking:item-action", args=[tracked.pk, "accept"])
    response = client.post(url, {"accept-version": tracked.version})
    assert response.status_code == 302
    tracked.refresh_from_db()
    assert tracked.status == Status.IN_PROGRESS


def test_a_transfer_without_a_reason_shows_the_form_again_with_an_error(client, staff):
    tracked = item()
    client.force_login(staff.hank)
    url = reverse("tracking:item-action", args=[tracked.pk, "transfer"])
    response = client.post(url, {"transfer-version": tracked.version, "transfer-reason": ""})
    assert response.status_code == 400
    tracked.refresh_from_db()
    assert tracked.owner_agency.key == "public-works"


def test_an_action_the_user_may_not_take_changes_nothing(client, staff):
    tracked = item()
    client.force_login(staff.mia)
    url = reverse("tracking:item-action", args=[tracked.pk, "withdraw"])
    client.post(url, {"withdraw-version": tracked.version, "withdraw-reason": "x"})
    tracked.refresh_from_db()
    assert tracked.status == Status.ASSIGNED


def test_a_stale_form_is_refused_and_the_item_keeps_the_newer_change(client, staff):
    tracked = item()
    stale = tracked.version
    client.force_login(staff.hank)
    client.post(
        reverse("tracking:item-action", args=[tracked.pk, "accept"]), {"accept-version": stale}
    )
    water = Agency.objects.get(key="water-resources")
    response = client.post(
        reverse("tracking:item-action", args=[tracked.pk, "transfer"]),
        {"transfer-version": stale, "transfer-reason": "移文", "transfer-to_agency": water.pk},
        follow=True,
    )
    tracked.refresh_from_db()
    assert tracked.owner_agency.key == "public-works"
    assert tracked.status == Status.IN_PROGRESS
    levels = [m.level for m in response.context["messages"]]
    assert levels == [messages.SUCCESS, messages.ERROR]  # the accept, then the refusal


def test_the_worklist_filters_by_text_and_deadline(client, staff):
    overdue = item(received_at=taipei(2020, 6, 1), time_limit=1)
    fresh = item(received_at=taipei(2026, 12, 20), time_limit=6)
    client.force_login(staff.hank)
    html = client.get(reverse("home"), {"due": "overdue"}).content.decode()
    assert overdue.number in html and fresh.number not in html
    html = client.get(reverse("home"), {"q": fresh.number}).content.decode()
    assert fresh.number in html and overdue.number not in html


def test_a_supervisor_can_narrow_the_worklist_to_a_sub_agency(client, staff):
    own = item(owner="public-works")
    sub = item(owner="pw-maintenance")
    client.force_login(staff.sue)
    maintenance = Agency.objects.get(key="pw-maintenance")
    html = client.get(reverse("home"), {"agency": maintenance.pk}).content.decode()
    assert sub.number in html and own.number not in html


def test_a_handler_cannot_filter_on_an_agency_outside_their_scope(client, staff):
    item(owner="public-works")
    water = Agency.objects.get(key="water-resources")
    client.force_login(staff.hank)
    response = client.get(reverse("home"), {"agency": water.pk})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1  # the invalid filter is ignored


def test_the_overview_counts_open_and_overdue_items_per_agency(client, staff):
    item(owner="public-works", received_at=taipei(2020, 6, 1), time_limit=1)
    item(owner="public-works", received_at=taipei(2026, 12, 20))
    item(owner="water-resources", received_at=taipei(2026, 12, 20))
    client.force_login(staff.connie)
    rows = {
        r["owner_agency__key"]: r
        for r in client.get(reverse("tracking:overview")).context["agencies"]
    }
    assert (rows["public-works"]["open"], rows["public-works"]["overdue"]) == (2, 1)
    assert (rows["water-resources"]["open"], rows["water-resources"]["overdue"]) == (1, 0)
    assert next(iter(rows)) == "public-works"  # most overdue first


def test_the_overview_is_not_for_handlers(client, staff):
    client.force_login(staff.hank)
    assert client.get(reverse("tracking:overview")).status_code == 403


def test_the_item_page_reads_co_handlers_and_extensions_once_and_judges_from_them(client, staff):
    from yankao.tracking.services import extension_request, item_accept, item_add_cohandler

    tracked = item_accept(item=item(), by=staff.hank)
    item_add_cohandler(item=tracked, agency=Agency.objects.get(key="water-resources"), by=staff.sue)
    page = reverse("tracking:item", args=[tracked.pk])
    action = lambda name: reverse("tracking:item-action", args=[tracked.pk, name])  # noqa: E731
    client.force_login(staff.sue)
    html = client.get(page).content.decode()
    assert action("extension_request") in html and action("extension_approve") not in html

    extension_request(item=tracked, by=staff.hank, reason="需會同廠商勘查", amount=5)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(page).content.decode()
    assert action("extension_approve") in html and action("extension_request") not in html
    assert "需會同廠商勘查" in html and "水利局" in html
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in queries.captured_queries]
    assert tables.count('"tracking_extension"') == 1
    assert tables.count('"tracking_cohandler"') == 1


def test_worklist_rows_link_each_item_and_escape_its_title(client, staff):
    from yankao.tracking.models import TrackedItem

    tracked = item()
    TrackedItem.objects.filter(pk=tracked.pk).update(title='<img src=x onerror="alert(1)">橋')
    client.force_login(staff.hank)
    html = client.get(reverse("home"), headers={"accept-language": "en"}).content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert f'<a href="{reverse("tracking:item", args=[tracked.pk])}">{tracked.number}</a>' in body
    assert "<img" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;橋" in body
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert body.count("<td>") == head.count("<th ") == 6
    assert f"<td>{tracked.owner_agency.short_name}</td>" in body


def test_the_history_shows_the_time_an_extension_added_and_each_deadline_move(client, staff):
    from yankao.calendar.roc import format_roc_short_datetime
    from yankao.tracking import services

    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.item_accept(item=tracked, by=staff.hank)
    extension = services.extension_request(item=tracked, by=staff.hank, reason="需會勘", amount=3)
    services.extension_decide(extension=extension, by=staff.sue, approve=True)
    services.item_close(item=tracked, by=staff.sue, at=taipei(2026, 11, 12, 9))
    tracked.refresh_from_db()
    client.force_login(staff.hank)
    html = client.get(reverse("tracking:item", args=[tracked.pk])).content.decode()
    before = format_roc_short_datetime(tracked.original_due_at)
    after = format_roc_short_datetime(tracked.due_at)
    assert "展延 3 個工作日" in html
    assert f"辦理期限由 {before} 改為 {after}" in html
    assert f"當時辦理期限：{after}" in html
