"""Agencies hear once a week of their articles due for review or expired."""

from datetime import date, datetime, timedelta

import pytest

from tests.knowledge.conftest import published
from yankao.knowledge import tasks
from yankao.knowledge.reminders import review_reminders_send
from yankao.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


def reminders():
    return list(OutboxMessage.objects.filter(ref_type="knowledge.review").order_by("pk"))


def test_each_agency_is_told_of_its_own_articles_due_for_review(staff):
    due = published("路燈報修", "撥打1999。", staff=staff, review_on=TODAY + timedelta(days=10))
    published("坑洞修補", "4小時內。", staff=staff, review_on=TODAY + timedelta(days=200))
    stale = published(
        "戶籍謄本", "至戶政事務所。", staff=staff, owner="district-fengshan",
        valid_until=TODAY - timedelta(days=1), review_on=TODAY - timedelta(days=30),
    )  # fmt: skip
    assert review_reminders_send(today=TODAY) == 2
    by_agency = {m.ref_id: m for m in reminders()}
    public_works = by_agency[str(due.owner_id)]
    assert "路燈報修" in public_works.body and "坑洞修補" not in public_works.body
    assert "115/12/06" in public_works.body  # the review date, in ROC form
    assert "請儘速更新或封存" in public_works.body
    assert staff.hank.email in public_works.to and staff.sue.email in public_works.to
    fengshan = by_agency[str(stale.owner_id)]
    assert "戶籍謄本" in fengshan.body and "已過期" in fengshan.body
    assert staff.dora.email in fengshan.to


def test_the_same_week_sends_nothing_twice_and_the_next_week_again(staff):
    published("路燈報修", "撥打1999。", staff=staff, review_on=TODAY)
    review_reminders_send(today=TODAY)
    review_reminders_send(today=TODAY + timedelta(days=1))
    assert len(reminders()) == 1
    review_reminders_send(today=TODAY + timedelta(days=7))
    assert len(reminders()) == 2


def test_the_reminder_runs_on_monday_mornings():
    from huey.contrib.djhuey import HUEY

    due = {
        task.name
        for task in HUEY.read_periodic(datetime(2026, 11, 30, 8, 0))  # a Monday
    }
    assert "send_review_reminders" in due
    assert tasks.send_review_reminders.name not in {
        task.name for task in HUEY.read_periodic(datetime(2026, 11, 26, 8, 0))
    }
