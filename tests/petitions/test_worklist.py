"""The agency petition worklist: who sees which petitions, the filters, the fixed
cost of a page, and the supervisors' bulk assigning and approving."""

from datetime import timedelta

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import agency, taipei
from tests.petitions.factories import THURSDAY, category, district, petition
from yankao.core import clock
from yankao.core.paging import CappedPaginator
from yankao.petitions.models import Channel, Petition
from yankao.petitions.services import agency_petition_settings_set
from yankao.tracking.models import Status
from yankao.tracking.services import item_accept, item_submit_reply

pytestmark = pytest.mark.django_db

URL = reverse("petitions:worklist")
BULK = reverse("petitions:worklist-bulk")
ENGLISH = {"accept-language": "en"}
PERSONAL_DATA_AND_ITS_MASKS = ("李小明", "李○明", "ming@", "m○○○@", "345-123", "光復路二段")
LATER = THURSDAY + timedelta(days=1)  # before any of the default petitions is due


def numbers(response) -> list[str]:
    return [row.number for row in response.context["rows"]]


def look(client, user, **params):
    client.force_login(user)
    with clock.frozen(LATER):
        return client.get(URL, params, headers=ENGLISH)


def awaiting_approval(handler) -> Petition:
    """A pw-maintenance petition whose reply waits for the supervisor."""
    agency_petition_settings_set(agency=agency("pw-maintenance"), reply_needs_approval=True)
    registered = petition().petition
    with clock.frozen(LATER):
        item = item_accept(item=registered.item, by=handler)
        item_submit_reply(item=item, by=handler, reply="已修復。")
    return registered


def bulk(client, user, action, petitions, **extra):
    client.force_login(user)
    data = {"action": action, "items": [p.pk for p in petitions], **extra}
    with clock.frozen(LATER):
        response = client.post(BULK, data, headers=ENGLISH)
    return response, [(m.level, str(m)) for m in messages.get_messages(response.wsgi_request)]


# --- who sees what ---------------------------------------------------------------------------


def test_the_worklist_needs_a_sign_in(client):
    assert client.get(URL).status_code == 302


def test_a_handler_sees_their_agencys_open_petitions_soonest_deadline_first(client, staff):
    later = petition(received_at=THURSDAY + timedelta(days=7)).petition
    sooner = petition().petition
    response = look(client, staff.holly)
    assert numbers(response) == [sooner.item.number, later.item.number]


def test_a_handler_does_not_see_another_agencys_petitions(client, staff):
    mine = petition().petition
    theirs = petition(code="0501", district_key="fengshan").petition
    assert numbers(look(client, staff.holly)) == [mine.item.number]
    assert numbers(look(client, staff.dora)) == [theirs.item.number]
    assert numbers(look(client, staff.hank)) == []  # a sub-agency's petitions are not his


def test_a_supervisor_sees_the_petitions_of_the_agencies_below(client, staff):
    below = petition().petition
    petition(code="0201")  # environmental protection
    assert numbers(look(client, staff.sue)) == [below.item.number]


def test_closed_petitions_are_not_on_the_worklist(client, staff):
    closed = petition(content="……").petition  # no concrete content: closed at intake
    assert closed.item.status == Status.CLOSED
    assert numbers(look(client, staff.holly)) == []


def test_each_row_links_to_the_petition_page(client, staff):
    registered = petition().petition
    html = look(client, staff.holly).content.decode()
    assert f'href="{reverse("petitions:petition", args=[registered.pk])}"' in html


def test_each_row_names_the_category_district_agency_handler_and_deadline(client, staff):
    from yankao.calendar.templatetags.roc import roc_datetime
    from yankao.tracking.services import item_assign

    registered = petition(district_key="fengshan").petition
    item_assign(item=registered.item, to_user=staff.holly, by=staff.sue)
    response = look(client, staff.sue)
    [row] = response.context["rows"]
    shown = Petition.objects.select_related(
        "category__parent", "district", "item__owner_agency"
    ).get(pk=registered.pk)
    assert row.category == f"{shown.category.parent.name} / {shown.category.name}"
    assert row.district == shown.district.name
    assert row.agency == shown.item.owner_agency.short_name
    assert row.handler == str(staff.holly)
    assert row.due == roc_datetime(shown.item.due_at)
    assert row.number == shown.item.number and row.subject == shown.subject
    html = response.content.decode()
    for label in (row.category, row.district, row.agency, row.handler, row.due):
        assert label in html


def test_each_row_has_one_cell_per_column_and_escapes_what_the_citizen_wrote(client, staff):
    import re

    hostile = petition(subject='<script>alert("x")</script>路燈').petition
    html = look(client, staff.sue).content.decode()
    head = html[html.index("<thead>") : html.index("</thead>")]
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    [row] = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    assert row.count("<td>") == head.count("<th ") == 10  # the selection column too
    assert "<script>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;路燈" in body
    assert f'<a href="{reverse("petitions:petition", args=[hostile.pk])}">' in row


def test_an_overdue_row_is_marked_and_badged_and_a_handler_sees_no_selection_column(client, staff):
    late = petition().petition
    client.force_login(staff.holly)
    with clock.frozen(late.item.due_at + timedelta(days=1)):
        html = client.get(URL, headers=ENGLISH).content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert '<tr class="overdue">' in body
    assert '<strong class="badge overdue-badge">Overdue</strong>' in body
    assert body.count("<td>") == 9 and 'type="checkbox"' not in body


def test_a_renamed_district_is_listed_under_its_new_name_at_once(client, staff):
    from yankao.organisation.models import District

    look(client, staff.sue)  # the filter choices are read and kept
    renamed = District.objects.get(key="fengshan")
    renamed.name = "鳳山新區"
    renamed.save()
    html = look(client, staff.sue).content.decode()
    assert f'<option value="{renamed.pk}">鳳山新區</option>' in html


def test_the_worklist_never_shows_the_petitioners_personal_data(client, staff):
    petition(
        petitioner_name="李小明",
        petitioner_email="ming@example.com",
        petitioner_phone="0912-345-123",
        petitioner_address="高雄市鳳山區光復路二段 120 號",
    )
    html = look(client, staff.sue).content.decode()
    for shown in PERSONAL_DATA_AND_ITS_MASKS:
        assert shown not in html


# --- filters ---------------------------------------------------------------------------------


def test_the_worklist_filters_by_status(client, staff):
    waiting = petition().petition
    started = petition().petition
    with clock.frozen(LATER):
        item_accept(item=started.item, by=staff.holly)
    response = look(client, staff.holly, status=Status.IN_PROGRESS)
    assert numbers(response) == [started.item.number]
    assert waiting.item.number not in numbers(response)


def test_the_worklist_filters_overdue_and_due_soon_petitions(client, staff):
    overdue = petition(received_at=taipei(2026, 11, 2)).petition
    soon = petition().petition
    later = petition(received_at=THURSDAY + timedelta(days=14)).petition
    client.force_login(staff.holly)
    moment = soon.item.due_at - timedelta(hours=12)
    with clock.frozen(moment):
        assert numbers(client.get(URL, {"due": "overdue"})) == [overdue.item.number]
        assert numbers(client.get(URL, {"due": "soon"})) == [soon.item.number]
        assert later.item.number in numbers(client.get(URL))


def test_a_main_category_also_finds_the_petitions_of_its_sub_categories(client, staff):
    main = petition(code="01").petition
    sub = petition(code="0103").petition
    other = petition(code="0201").petition
    response = look(client, staff.connie, category=category("01").pk)
    assert set(numbers(response)) == {main.item.number, sub.item.number}
    assert other.item.number not in numbers(response)


def test_the_worklist_filters_by_district_and_channel(client, staff):
    fengshan = petition(district_key="fengshan").petition
    by_letter = petition(channel=Channel.LETTER).petition
    response = look(client, staff.holly, district=district("fengshan").pk)
    assert numbers(response) == [fengshan.item.number]
    assert numbers(look(client, staff.holly, channel=Channel.LETTER)) == [by_letter.item.number]


def test_the_text_search_looks_at_case_number_subject_and_content(client, staff):
    lamp = petition(subject="路燈不亮", content="巷口很暗").petition
    hole = petition(subject="道路坑洞", content="機車差點摔倒").petition
    assert numbers(look(client, staff.holly, q="路燈")) == [lamp.item.number]
    assert numbers(look(client, staff.holly, q="摔倒")) == [hole.item.number]
    assert numbers(look(client, staff.holly, q=hole.item.number)) == [hole.item.number]


def test_an_invalid_filter_is_ignored(client, staff):
    registered = petition().petition
    response = look(client, staff.holly, channel="pigeon", category="nope")
    assert response.status_code == 200
    assert numbers(response) == [registered.item.number]


# --- cost ------------------------------------------------------------------------------------


def test_a_page_costs_the_same_queries_for_5_or_60_petitions(client, staff):
    client.force_login(staff.sue)
    for _ in range(5):
        petition()
    client.get(URL)  # the reference snapshot (names, filter choices) is read once a process
    with clock.frozen(LATER), CaptureQueriesContext(connection) as few:
        response = client.get(URL)
    assert len(response.context["rows"]) == 5
    for _ in range(55):
        petition()
    with clock.frozen(LATER), CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.num_pages == 2
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_supervisors_pages_merge_the_agencies_below_and_cohandled_petitions_by_deadline(
    client, staff
):
    from tests.factories import agency as agency_named
    from yankao.organisation.models import Agency
    from yankao.tracking.models import CoHandler, TrackedItem

    tree = list(Agency.objects.filter(path__startswith=staff.sue.agency.path).order_by("pk"))
    assert len(tree) > 2  # several partitions, each read in deadline order
    elsewhere = agency_named("environmental-protection")
    made = [petition(received_at=THURSDAY - timedelta(hours=7 * n)).petition for n in range(57)]
    for n, one in enumerate(made):
        owner = elsewhere if n % 9 == 0 else tree[n % len(tree)]
        TrackedItem.objects.filter(pk=one.pk).update(owner_agency=owner)
    cohandled = made[9]  # another bureau's petition, public works asked to help
    CoHandler.objects.create(item_id=cohandled.pk, agency=staff.sue.agency, requested_at=THURSDAY)
    expected = [
        number
        for number, owner in TrackedItem.objects.filter(pk__in=[p.pk for p in made])
        .order_by("due_at", "pk")
        .values_list("number", "owner_agency")
        if owner != elsewhere.pk or number == cohandled.item.number
    ]
    first, second = look(client, staff.sue), look(client, staff.sue, page=2)
    assert numbers(first) + numbers(second) == expected
    assert cohandled.item.number in numbers(first) + numbers(second)


def test_without_petition_filters_the_keys_come_from_the_items_alone_and_are_the_same(staff):
    from tests.factories import item
    from yankao.petitions.worklist import (
        PetitionFilters,
        petition_worklist,
        petition_worklist_paginator,
    )

    made = {petition(received_at=THURSDAY - timedelta(hours=5 * n)).petition.pk for n in range(7)}
    other_kind = item(owner="public-works")  # a tracked item of another kind, in scope
    with clock.frozen(LATER):
        paginator = petition_worklist_paginator(staff.sue, PetitionFilters(), per_page=3)
        with CaptureQueriesContext(connection) as queries:
            keys = [row.pk for n in paginator.page_range for row in paginator.page(n)]
        joined = list(petition_worklist(staff.sue).values_list("pk", flat=True))
        by_channel = petition_worklist_paginator(
            staff.sue, PetitionFilters(channel=Channel.PHONE), per_page=3
        )
        assert by_channel.count == 7 and by_channel.object_list.model is Petition
    assert keys == joined and set(keys) == made and other_kind.pk not in keys
    assert paginator.count == 7 and paginator.num_pages == 3
    rows_read = '"petitions_petition"."subject"'
    counting_and_ordering = [
        q["sql"] for q in queries.captured_queries if rows_read not in q["sql"]
    ]
    assert counting_and_ordering
    assert not any("petitions_petition" in sql for sql in counting_and_ordering)


# --- bulk actions ----------------------------------------------------------------------------


def test_a_supervisor_gets_a_labelled_checkbox_for_each_petition_in_scope(client, staff):
    registered = petition().petition
    html = look(client, staff.sue).content.decode()
    assert f'<label for="select-{registered.pk}" class="visually-hidden">' in html
    assert f"Select {registered.item.number}</label>" in html


def test_a_handler_gets_no_checkboxes(client, staff):
    petition()
    response = look(client, staff.holly)
    assert 'name="items"' not in response.content.decode()
    assert response.context["bulk_form"] is None


def test_a_supervisor_assigns_several_petitions_to_a_handler(client, staff):
    first, second = petition().petition, petition().petition
    response, sent = bulk(client, staff.sue, "assign", [first, second], handler=staff.holly.pk)
    assert response.status_code == 302
    for registered in (first, second):
        registered.item.refresh_from_db()
        assert registered.item.assignee == staff.holly
    assert sent == [(messages.SUCCESS, "2 petitions were given to Holly.")]


def test_a_bulk_assign_reports_each_petition_that_failed_and_why(client, staff):
    maintenance = petition().petition
    bureau = petition(code="01").petition  # the Public Works Bureau's own
    _, sent = bulk(client, staff.sue, "assign", [maintenance, bureau], handler=staff.holly.pk)
    maintenance.item.refresh_from_db()
    bureau.item.refresh_from_db()
    assert maintenance.item.assignee == staff.holly
    assert bureau.item.assignee is None
    assert sent == [
        (messages.SUCCESS, "1 petition was given to Holly."),
        (
            messages.ERROR,
            f"{bureau.item.number} was left unchanged: "
            "The handler must belong to the responsible agency.",
        ),
    ]


def test_a_bulk_assign_needs_a_handler(client, staff):
    registered = petition().petition
    _, sent = bulk(client, staff.sue, "assign", [registered])
    registered.item.refresh_from_db()
    assert registered.item.assignee is None
    assert [level for level, _text in sent] == [messages.ERROR]


def test_petitions_outside_the_supervisors_scope_are_ignored_and_reported(client, staff):
    mine = petition().petition
    theirs = petition(code="0201").petition
    _, sent = bulk(client, staff.sue, "assign", [mine, theirs], handler=staff.holly.pk)
    theirs.item.refresh_from_db()
    assert theirs.item.assignee is None
    assert sent[-1] == (
        messages.WARNING,
        "1 selected petition is not within your scope and was left alone.",
    )


def test_a_supervisor_approves_and_closes_replies_awaiting_approval(client, staff):
    waiting = awaiting_approval(staff.holly)
    started = petition().petition
    with clock.frozen(LATER):
        item_accept(item=started.item, by=staff.holly)
    _, sent = bulk(client, staff.sue, "close", [waiting, started])
    waiting.item.refresh_from_db()
    started.item.refresh_from_db()
    assert waiting.item.status == Status.CLOSED
    assert started.item.status == Status.IN_PROGRESS
    assert sent == [
        (messages.SUCCESS, "1 petition was approved and closed."),
        (
            messages.ERROR,
            f"{started.item.number} was left unchanged: "
            "Only a reply awaiting approval can be approved and closed.",
        ),
    ]


def test_a_handlers_crafted_bulk_post_is_forbidden_and_changes_nothing(client, staff):
    waiting = awaiting_approval(staff.holly)
    response, _ = bulk(client, staff.holly, "close", [waiting])
    assert response.status_code == 403
    waiting.item.refresh_from_db()
    assert waiting.item.status == Status.AWAITING_APPROVAL


def test_after_a_bulk_action_the_supervisor_returns_to_the_same_filters(client, staff):
    registered = petition().petition
    client.force_login(staff.sue)
    data = {
        "action": "assign",
        "items": [registered.pk],
        "handler": staff.holly.pk,
        "back": "channel=phone&page=1&next=https://evil.example",
    }
    response = client.post(BULK, data)
    assert response["Location"] == f"{URL}?channel=phone&page=1"


def test_beyond_a_thousand_open_petitions_the_page_says_more_than_a_thousand(
    client, staff, monkeypatch
):
    monkeypatch.setattr("yankao.core.paging.WORKLIST_COUNT_CAP", 3)
    monkeypatch.setattr(CappedPaginator.__init__, "__kwdefaults__", {"cap": 3})
    for _ in range(5):
        petition()
    response = look(client, staff.sue)
    assert response.context["page"].paginator.capped
    assert "More than 3 open petitions" in response.content.decode()
