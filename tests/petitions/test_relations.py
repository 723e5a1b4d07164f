"""Merging another citizen's petition on the same matter into the case that answers
it (併案), relating petitions, and telling petitioners of extensions."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import taipei
from tests.petitions.factories import THURSDAY, petition
from yankao.core import clock
from yankao.messaging.models import OutboxMessage
from yankao.petitions.models import Disposition, Petition
from yankao.petitions.services import PetitionError, petition_link, petition_merge
from yankao.tracking.models import Action, Status
from yankao.tracking.services import (
    extension_decide,
    extension_request,
    item_accept,
    item_submit_reply,
)

pytestmark = pytest.mark.django_db


def messages_to(address):
    return [m for m in OutboxMessage.objects.order_by("pk") if address in m.to]


def two_lamp_petitions():
    main = petition(petitioner_email="first@example.com", district_key="fengshan").petition
    later = petition(
        petitioner_email="second@example.com",
        district_key="fengshan",
        petitioner_name="陳大文",
        received_at=THURSDAY + timedelta(hours=2),
    ).petition
    return main, later


def test_merging_closes_the_duplicate_and_the_main_reply_reaches_both_petitioners(staff):
    main, later = two_lamp_petitions()
    with clock.frozen(THURSDAY + timedelta(hours=3)):
        petition_merge(petition=later, into=main, by=staff.holly)
    later.refresh_from_db()
    assert later.disposition == Disposition.MERGED and later.merged_into == main
    assert later.item.status == Status.CLOSED
    told = messages_to("second@example.com")[-1]
    assert main.item.number in told.body  # the petitioner learns which case answers them
    assert main.item.events.filter(action=Action.NOTE, reason__contains=later.item.number).exists()

    with clock.frozen(taipei(2026, 11, 27, 11)):
        item_accept(item=main.item, by=staff.holly)
        item_submit_reply(item=main.item, by=staff.holly, reply="路燈已於今日修復。")
    assert "路燈已於今日修復。" in messages_to("first@example.com")[-1].body
    second = messages_to("second@example.com")[-1]
    assert "路燈已於今日修復。" in second.body
    assert f"已與同一事項之案號 {main.item.number} 併案處理" in second.body
    assert later.item.number in second.subject


def test_merging_into_an_answered_case_sends_its_reply_at_once(staff):
    main, later = two_lamp_petitions()
    with clock.frozen(taipei(2026, 11, 27, 11)):
        item_accept(item=main.item, by=staff.holly)
        item_submit_reply(item=main.item, by=staff.holly, reply="已更換燈具。")
        petition_merge(petition=later, into=main, by=staff.holly)
    assert "已更換燈具。" in messages_to("second@example.com")[-1].body


@pytest.mark.parametrize("case", ["itself", "chain", "closed"])
def test_impossible_merges_are_refused_with_a_reason(staff, case):
    main, later = two_lamp_petitions()
    if case == "itself":
        target, source = later, later
    elif case == "chain":
        third = petition(petitioner_email="third@example.com").petition
        petition_merge(petition=later, into=main, by=staff.holly)
        target, source = later, third
    else:
        petition_merge(petition=later, into=main, by=staff.holly)
        target, source = main, Petition.objects.get(pk=later.pk)
    with pytest.raises(PetitionError):
        petition_merge(petition=source, into=target, by=staff.holly)


def test_relating_is_noted_in_both_histories_and_shown_on_both_pages(client, staff):
    main, later = two_lamp_petitions()
    petition_link(petition=later, other=main, by=staff.holly)
    assert list(main.related.all()) == [later]
    for one, other in ((main, later), (later, main)):
        assert one.item.events.filter(action=Action.NOTE, reason__contains=other.item.number)
    client.force_login(staff.holly)
    html = client.get(reverse("petitions:petition", args=[main.pk])).content.decode()
    assert f'href="/petitions/{later.pk}/"' in html
    with pytest.raises(PetitionError):
        petition_link(petition=main, other=later, by=staff.holly)


def test_the_handler_merges_from_the_page_by_case_number(client, staff):
    main, later = two_lamp_petitions()
    client.force_login(staff.holly)
    url = reverse("petitions:relate", args=[later.pk])
    suggestions = reverse("petitions:suggestions", args=[later.pk])
    page = client.get(suggestions, headers={"HX-Request": "true"}).content.decode()
    assert f"併入 {main.item.number}" in page  # the suggestion offers the merge
    response = client.post(
        url, {"number": main.item.number, "how": "merge", "version": later.item.version}
    )
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.merged_into == main


def test_an_unknown_or_invisible_number_gets_a_clear_message(client, staff):
    _main, later = two_lamp_petitions()
    client.force_login(staff.holly)
    response = client.post(
        reverse("petitions:relate", args=[later.pk]), {"number": "1159999-999999", "how": "link"}
    )
    assert response.status_code == 400
    assert "1159999-999999" in response.content.decode()


def test_another_agencys_handler_may_not_merge(client, staff):
    main, later = two_lamp_petitions()
    client.force_login(staff.dora)  # a district office: cannot even see the case
    response = client.post(
        reverse("petitions:relate", args=[later.pk]), {"number": main.item.number, "how": "merge"}
    )
    assert response.status_code == 404
    later.refresh_from_db()
    assert later.merged_into is None


def test_the_petitioner_is_told_of_an_approved_extension_with_the_new_date(staff):
    registered = petition()
    item = registered.petition.item
    with clock.frozen(taipei(2026, 11, 27, 9)):
        item_accept(item=item, by=staff.holly)
        extension = extension_request(item=item, by=staff.holly, reason="需會勘現場", amount=5)
    before = len(messages_to("ming@example.com"))
    with clock.frozen(taipei(2026, 11, 27, 10)):
        extension_decide(extension=extension, by=staff.sue, approve=True)
    notice = messages_to("ming@example.com")
    assert len(notice) == before + 1
    item.refresh_from_db()
    assert "需會勘現場" in notice[-1].body
    assert "展延理由：需會勘現場" in notice[-1].body  # the notice is written in zh-Hant
    roc = f"{item.due_at.year - 1911}/{item.due_at.month:02d}/{item.due_at.day:02d}"
    assert roc in notice[-1].body


def test_the_case_page_says_by_when_a_misrouted_petition_must_be_transferred(client, staff):
    registered = petition()  # Thursday 2026-11-26, 10:00
    client.force_login(staff.holly)
    with clock.frozen(taipei(2026, 11, 30, 9)):  # the next Monday: the day has passed
        html = client.get(reverse("petitions:petition", args=[registered.petition.pk]))
    text = html.content.decode()
    assert "移文期限" in text
    assert "115/11/27 23:59" in text  # Friday, the next working day
    assert "已逾期" in text


def test_the_case_page_loads_similar_past_cases_from_the_search(client, staff):
    main, later = two_lamp_petitions()
    client.force_login(staff.holly)
    html = client.get(reverse("petitions:petition", args=[later.pk])).content.decode()
    partial = (
        f"/search/cases/partial/?q=%E8%B7%AF%E7%87%88%E4%B8%8D%E4%BA%AE&amp;exclude={later.pk}"
    )
    assert partial in html  # loaded by htmx; the link below works without script
    found = client.get(partial.replace("&amp;", "&")).content.decode()
    assert main.item.number in found and later.item.number not in found


def test_the_page_lists_merged_and_related_cases_in_a_fixed_number_of_queries(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    main, later = two_lamp_petitions()
    client.force_login(staff.holly)
    url = reverse("petitions:petition", args=[main.pk])
    with CaptureQueriesContext(connection) as alone:
        client.get(url)
    extra = [
        petition(district_key="fengshan", received_at=THURSDAY + timedelta(hours=h)).petition
        for h in (3, 4, 5)
    ]
    petition_merge(petition=later, into=main, by=staff.holly)
    petition_merge(petition=extra[0], into=main, by=staff.holly)
    for other in extra[1:]:
        petition_link(petition=other, other=main, by=staff.holly)
    with CaptureQueriesContext(connection) as linked:
        html = client.get(url).content.decode()
    for case in (later, *extra):
        case.item.refresh_from_db()
        assert case.item.number in html and case.subject in html
    for case in extra[1:]:
        assert f"{case.item.number}</a> {case.subject} · {case.item.get_status_display()}" in html
    assert len(linked.captured_queries) == len(alone.captured_queries)
