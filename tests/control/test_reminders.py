"""Agencies are reminded of last month's reports from a few working days before
they are due, and told with the commission once they are late: one message per
agency, due day and stage, through the outbox, never twice."""

from datetime import date

import pytest

from tests.control import factories
from tests.factories import taipei
from yankao.control import tasks
from yankao.control.services import progress_reminders_send
from yankao.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


def messages() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(ref_type="control.report").order_by("pk"))


@pytest.fixture
def programmes(staff):
    """Public Works has a works project (October's report due 6 November) and a
    policy-plan item (due 10 November); Fengshan has one that already reported."""
    works = factories.programme(by=staff.hank, kind="works", title="橋梁補強工程")
    plan = factories.programme(by=staff.hank, title="人行道改善")
    done = factories.programme(by=staff.dora, owner="district-fengshan", title="鳳山計畫")
    factories.report(done, by=staff.dora, month=date(2026, 10, 1), actual=90)
    return works, plan, done


def test_nothing_is_sent_before_the_reminder_window(staff, programmes):
    assert progress_reminders_send(now=taipei(2026, 11, 2, 9)) == 0
    assert messages() == []


def test_the_agency_is_reminded_from_three_working_days_before_the_due_day(staff, programmes):
    # 3 November is three working days before 6 November (a Friday): the works
    # project only; the other is due on the 10th, reminded from the 5th.
    assert progress_reminders_send(now=taipei(2026, 11, 3, 9)) == 1
    [sent] = messages()
    assert "橋梁補強工程" in sent.body and "人行道改善" not in sent.body
    assert "115/11/06" in sent.body and "民國 115 年 10 月" in sent.subject
    assert set(sent.to) == {staff.hank.email, staff.sue.email}
    assert progress_reminders_send(now=taipei(2026, 11, 5, 9)) == 1
    assert "人行道改善" in messages()[-1].body


def test_late_reports_are_told_to_the_agency_and_the_commission_once(staff, programmes):
    assert progress_reminders_send(now=taipei(2026, 11, 11, 9)) == 4
    late = messages()
    to_commission = [m for m in late if staff.connie.email in m.to]
    assert len(to_commission) == 2  # one per due day
    assert all("逾期" in m.subject for m in late)
    assert not any("鳳山計畫" in m.body for m in late)
    assert progress_reminders_send(now=taipei(2026, 11, 12, 9)) == 0  # already queued
    assert len(messages()) == 4


def test_the_daily_task_sends_the_reminders(staff, programmes):
    from yankao.core import clock

    with clock.frozen(taipei(2026, 11, 3, 9)):
        assert tasks.send_report_reminders.call_local() == 1
