"""The petition kind: time limits from the category, approval per agency."""

import pytest

from tests.factories import agency, taipei
from tests.petitions.factories import category, petition
from yankao.petitions.services import agency_petition_settings_set
from yankao.tracking.kinds import get_kind
from yankao.tracking.models import Status
from yankao.tracking.services import item_accept, item_close, item_submit_reply

pytestmark = pytest.mark.django_db


def test_the_kind_is_registered_with_the_petition_page():
    kind = get_kind("petition")
    assert kind.default_time_limit == 6
    assert kind.restart_clock_on_transfer is True
    assert kind.commission_escalation_after == 3
    assert kind.detail_url_name == "petitions:petition"


def test_the_deadline_is_six_working_days_after_the_day_of_receipt():
    item = petition(received_at=taipei(2026, 11, 26, 10)).petition.item
    # Thu 11/26 received; counting Fri 11/27, Mon 11/30, 12/1, 12/2, 12/3, Fri 12/4.
    assert item.time_limit == 6
    assert item.due_at == taipei(2026, 12, 4, 23, 59).replace(second=59)


def test_the_category_time_limit_is_used():
    lamps = category("0103")
    lamps.time_limit_days = 3
    lamps.save()
    item = petition(received_at=taipei(2026, 11, 26, 10)).petition.item
    assert item.time_limit == 3
    assert item.due_at == taipei(2026, 12, 1, 23, 59).replace(second=59)


def test_a_reply_closes_directly_by_default(staff):
    item = petition().petition.item
    item_accept(item=item, by=staff.holly)
    item = item_submit_reply(item=item, by=staff.holly, reply="已修復。")
    assert item.status == Status.CLOSED


def test_an_agency_that_wants_approval_gets_the_reply_awaiting_it(staff):
    agency_petition_settings_set(agency=agency("pw-maintenance"), reply_needs_approval=True)
    item = petition().petition.item
    item_accept(item=item, by=staff.holly)
    item = item_submit_reply(item=item, by=staff.holly, reply="已修復。")
    assert item.status == Status.AWAITING_APPROVAL
    item = item_close(item=item, by=staff.sue)
    assert item.status == Status.CLOSED
