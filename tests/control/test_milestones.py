"""Milestones (里程碑) are tracked items of the engine: due at the end of their
planned day (the next working day when it is a day off), on time or late by the
engine's verdict, late by working days on the office calendar, completed by the
responsible agency with evidence; the programme's light follows them."""

from datetime import date

import pytest

from tests.control import factories
from tests.factories import taipei
from yankao.calendar.models import CalendarDay
from yankao.control.kinds import MILESTONE
from yankao.control.models import Milestone, Programme
from yankao.control.selectors import milestone_days_late
from yankao.control.services import (
    ControlConflict,
    ControlError,
    milestone_complete,
    programme_lights_refresh,
)
from yankao.core import clock
from yankao.core.taipei import end_of_day, to_taipei
from yankao.tracking.models import Action, Outcome, Status
from yankao.tracking.policy import allowed_actions
from yankao.tracking.services import item_reopen

pytestmark = pytest.mark.django_db


def working_days_after(first: date, last: date) -> int:
    """Counted here from the calendar table: working days d with first < d <= last."""
    return CalendarDay.objects.filter(date__gt=first, date__lte=last, is_working_day=True).count()


def complete(milestone: Milestone, by, day: date, at=None):
    with clock.frozen(at or taipei(day.year, day.month, day.day, 16)):
        return milestone_complete(
            milestone=milestone, by=by, completed_on=day, evidence="審定函文號 1150213001"
        )


def test_a_milestone_is_due_at_the_end_of_its_planned_day(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 2, 13))
    assert made.item.kind == "milestone"
    assert made.item.due_at == end_of_day(date(2026, 2, 13))
    assert made.item.owner_agency.key == "public-works"
    assert made.item.number == f"{found.number}-01"


def test_a_milestone_planned_on_a_day_off_is_due_the_next_working_day(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 2, 17))  # 春節
    assert to_taipei(made.item.due_at).date() == date(2026, 2, 23)


def test_met_by_the_deadline_is_on_time(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 2, 13))
    done = complete(made, staff.hank, date(2026, 2, 13))
    assert done.item.status == Status.CLOSED
    assert done.item.outcome == Outcome.ON_TIME
    assert milestone_days_late(done, date(2026, 3, 1)) == 0


def test_lateness_is_counted_in_working_days_across_the_new_year_holidays(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 2, 13))
    done = complete(made, staff.hank, date(2026, 2, 24))
    assert done.item.outcome == Outcome.LATE
    # Eleven days after the deadline, but only two working days (23 and 24 February).
    assert (
        milestone_days_late(done, date(2026, 3, 1))
        == working_days_after(date(2026, 2, 13), date(2026, 2, 24))
        == 2
    )


def test_an_open_milestone_grows_late_by_working_days_only(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 2, 13))
    assert milestone_days_late(made, date(2026, 2, 22)) == 0  # holidays only so far
    assert milestone_days_late(made, date(2026, 3, 2)) == working_days_after(
        date(2026, 2, 13), date(2026, 3, 2)
    )


def test_an_overdue_milestone_turns_the_light_yellow_then_red_after_the_working_days(
    staff, settings
):
    settings.YANKAO_PROGRAMME_MILESTONE_RED_DAYS = 5
    found = factories.programme(by=staff.hank)
    factories.milestone(found, by=staff.hank, planned=date(2026, 2, 13))
    with clock.frozen(taipei(2026, 2, 20)):
        programme_lights_refresh()
    assert Programme.objects.get(pk=found.pk).light == "yellow"
    # 23–26 February are four working days (27 February is a holiday): still yellow.
    programme_lights_refresh(now=taipei(2026, 3, 1))
    assert Programme.objects.get(pk=found.pk).light == "yellow"
    programme_lights_refresh(now=taipei(2026, 3, 2))
    assert Programme.objects.get(pk=found.pk).light == "red"
    assert Programme.objects.get(pk=found.pk).light_reasons == ["milestone"]


def test_meeting_the_milestone_clears_the_light(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 2, 13))
    programme_lights_refresh(now=taipei(2026, 2, 24))
    assert Programme.objects.get(pk=found.pk).light == "yellow"
    complete(made, staff.hank, date(2026, 2, 24))
    assert Programme.objects.get(pk=found.pk).light == "none"


def test_completion_needs_evidence_and_a_day_not_in_the_future(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 3, 31))
    with clock.frozen(taipei(2026, 3, 10)), pytest.raises(ControlError) as refused:
        milestone_complete(
            milestone=made, by=staff.hank, completed_on=date(2026, 3, 11), evidence=" "
        )
    assert set(refused.value.errors) == {""}
    assert len(refused.value.errors[""]) == 2
    made.refresh_from_db()
    assert made.completed_on is None and made.item.status == Status.ASSIGNED


def test_a_met_milestone_cannot_be_met_again(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 3, 31))
    complete(made, staff.hank, date(2026, 3, 20))
    with pytest.raises(ControlConflict):
        complete(Milestone.objects.get(pk=made.pk), staff.hank, date(2026, 3, 25))


def test_the_engine_offers_no_generic_reply_or_transfer_on_a_milestone(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 3, 31))
    assert Action.REPLY_SUBMIT not in MILESTONE.transitions
    allowed = allowed_actions(staff.sue, made.item)
    assert Action.TRANSFER not in allowed and Action.CLOSE not in allowed
    assert Action.EXTENSION_REQUEST in allowed


def test_reopening_a_met_milestone_clears_its_completion(staff):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(found, by=staff.hank, planned=date(2026, 3, 31))
    done = complete(made, staff.hank, date(2026, 3, 20))
    with clock.frozen(taipei(2026, 4, 2)):
        item_reopen(item=done.item, by=staff.connie, reason="佐證不足")
    made.refresh_from_db()
    assert made.completed_on is None and made.evidence == ""
    assert Programme.objects.get(pk=found.pk).light == "yellow"  # open and past its deadline


def test_a_milestone_outside_the_programme_dates_is_refused(staff):
    found = factories.programme(by=staff.hank)
    with pytest.raises(ControlError) as refused:
        factories.milestone(found, by=staff.hank, planned=date(2027, 1, 15))
    assert "planned_date" in refused.value.errors
    assert not Milestone.objects.exists()


def test_a_milestone_registered_late_in_a_running_programme_starts_its_clock_with_the_programme(
    staff,
):
    found = factories.programme(by=staff.hank)
    made = factories.milestone(
        found, by=staff.hank, planned=date(2026, 2, 13), at=taipei(2026, 6, 1)
    )
    assert made.item.received_at == taipei(2026, 1, 5, 9)
    assert made.item.due_at == end_of_day(date(2026, 2, 13))
    complete(made, staff.hank, date(2026, 2, 13), at=taipei(2026, 6, 2))
    assert Milestone.objects.get(pk=made.pk).item.outcome == Outcome.ON_TIME
