"""Who may do what: role × scope × state."""

import pytest

from tests.factories import agency, item
from yankao.tracking import services
from yankao.tracking.models import Action
from yankao.tracking.policy import allowed_actions
from yankao.tracking.selectors import pending_cohandler_agency_ids

pytestmark = pytest.mark.django_db


def test_a_handler_may_accept_transfer_and_ask_for_help_on_a_new_item(staff):
    allowed = allowed_actions(staff.hank, item())
    assert {
        Action.ACCEPT,
        Action.TRANSFER,
        Action.COHANDLER_ADD,
        Action.EXTENSION_REQUEST,
    } <= allowed
    assert Action.EXTENSION_APPROVE not in allowed
    assert Action.CLOSE not in allowed


def test_a_handler_of_another_agency_may_do_nothing(staff):
    assert allowed_actions(staff.dora, item(owner="public-works")) == set()


def test_a_supervisor_approves_what_a_handler_cannot(staff):
    tracked = item()
    allowed = allowed_actions(staff.sue, tracked)
    assert {Action.EXTENSION_APPROVE, Action.ASSIGN, Action.WITHDRAW} <= allowed


def test_a_supervisor_may_act_on_a_sub_agencys_item(staff):
    assert Action.ACCEPT in allowed_actions(staff.sue, item(owner="pw-maintenance"))


def test_the_commission_may_transfer_or_withdraw_but_not_reply(staff):
    tracked = item(owner="water-resources")
    allowed = allowed_actions(staff.connie, tracked)
    assert {Action.TRANSFER, Action.WITHDRAW, Action.NOTE} <= allowed
    assert Action.ACCEPT not in allowed
    assert Action.REPLY_SUBMIT not in allowed


def test_the_mayors_office_only_reads(staff):
    assert allowed_actions(staff.mia, item()) == set()


def test_a_co_handler_may_only_send_its_contribution(staff):
    tracked = item()
    services.item_add_cohandler(item=tracked, agency=agency("district-fengshan"), by=staff.hank)
    allowed = allowed_actions(
        staff.dora, tracked, pending_cohandlers=pending_cohandler_agency_ids(tracked)
    )
    assert allowed == {Action.COHANDLER_REPLY}


def test_nothing_but_notes_and_reopening_on_a_closed_item(staff):
    tracked = item()
    services.item_accept(item=tracked, by=staff.hank)
    services.item_submit_reply(item=tracked, by=staff.hank, reply="完成")
    tracked.refresh_from_db()
    assert allowed_actions(staff.sue, tracked) == {Action.REOPEN, Action.NOTE}
    assert allowed_actions(staff.hank, tracked) == {Action.NOTE}
