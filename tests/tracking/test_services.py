"""The tracking engine's writes: deadlines on the official calendar, the workflow
table, history, extensions, transfers, verdicts and timed follow-ups. Expected
dates are worked out by hand from the 2026 office calendar (November 2026 has no
holidays; Fri 9 Oct is the National Day make-up holiday)."""

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import agency, item, taipei
from yankao.calendar.services import calendar_declare_day_off
from yankao.core import clock
from yankao.messaging.models import OutboxMessage
from yankao.tracking import services
from yankao.tracking.models import Action, Escalation, Outcome, Status, TrackedItem

pytestmark = pytest.mark.django_db


def end_of(year: int, month: int, day: int):
    return taipei(year, month, day, 23, 59).replace(second=59)


def actions_of(tracked):
    return list(tracked.events.values_list("action", flat=True))


def test_a_new_item_is_due_at_the_end_of_its_nth_working_day_after_receipt(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10), time_limit=6, by=staff.connie)
    assert tracked.due_at == end_of(2026, 11, 10)
    assert tracked.status == Status.ASSIGNED
    assert actions_of(tracked) == [Action.CREATE]


def test_the_deadline_skips_the_national_day_make_up_holiday(staff):
    tracked = item(received_at=taipei(2026, 10, 8, 10), time_limit=3)
    assert tracked.due_at == end_of(2026, 10, 14)


def test_an_item_received_after_office_hours_counts_from_the_next_working_day(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 18), time_limit=1)
    # Effective receipt Tue 3 Nov, so the first counted day is Wed 4 Nov.
    assert tracked.due_at == end_of(2026, 11, 4)


def test_creation_tells_the_agency_through_the_outbox(staff):
    tracked = item(owner="public-works")
    recipients = OutboxMessage.objects.filter(ref_id=str(tracked.pk)).values_list("to", flat=True)
    flat = {address for to in recipients for address in to}
    assert flat == {"hank@example.test", "sue@example.test"}


def test_accepting_assigns_the_handler_and_starts_work(staff):
    tracked = item()
    services.item_accept(item=tracked, by=staff.hank)
    tracked.refresh_from_db()
    assert tracked.status == Status.IN_PROGRESS
    assert tracked.assignee == staff.hank
    assert actions_of(tracked) == [Action.CREATE, Action.ACCEPT]


def test_an_item_cannot_be_accepted_twice(staff):
    tracked = item()
    services.item_accept(item=tracked, by=staff.hank)
    with pytest.raises(services.TransitionNotAllowed):
        services.item_accept(item=tracked, by=staff.hank)


def test_a_stale_version_is_refused_so_no_change_is_lost(staff):
    tracked = item()
    seen = tracked.version
    services.item_accept(item=tracked, by=staff.hank)
    with pytest.raises(services.StaleItem):
        services.item_transfer(
            item=tracked,
            to_agency=agency("water-resources"),
            by=staff.hank,
            reason="權責屬水利局",
            version=seen,
        )


def test_a_transfer_moves_the_item_restarts_the_clock_and_keeps_the_reason(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    with clock.frozen(taipei(2026, 11, 4, 15)):
        services.item_transfer(
            item=tracked,
            to_agency=agency("water-resources"),
            by=staff.hank,
            reason="側溝屬水利局權責",
        )
    tracked.refresh_from_db()
    assert tracked.owner_agency.key == "water-resources"
    assert tracked.status == Status.ASSIGNED
    assert tracked.transfer_count == 1
    assert tracked.due_at == end_of(2026, 11, 12)
    event = tracked.events.get(action=Action.TRANSFER)
    assert (event.from_agency.key, event.to_agency.key) == ("public-works", "water-resources")
    assert event.reason == "側溝屬水利局權責"


def test_a_transfer_needs_a_reason(staff):
    with pytest.raises(services.TrackingError):
        services.item_transfer(
            item=item(), to_agency=agency("water-resources"), by=staff.hank, reason="  "
        )


def test_a_reply_closes_on_time_until_the_last_second_of_the_due_day(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.item_accept(item=tracked, by=staff.hank)
    with clock.frozen(taipei(2026, 11, 10, 20)):
        services.item_submit_reply(item=tracked, by=staff.hank, reply="已修復完成")
    tracked.refresh_from_db()
    assert tracked.status == Status.CLOSED
    assert tracked.outcome == Outcome.ON_TIME


def test_a_reply_after_the_due_day_is_late(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.item_accept(item=tracked, by=staff.hank)
    with clock.frozen(taipei(2026, 11, 11, 9)):
        services.item_submit_reply(item=tracked, by=staff.hank, reply="已修復完成")
    tracked.refresh_from_db()
    assert tracked.outcome == Outcome.LATE


def test_closing_records_the_working_days_taken(staff):
    tracked = item(received_at=taipei(2026, 11, 6, 12))  # a Friday
    services.item_accept(item=tracked, by=staff.hank)
    with clock.frozen(taipei(2026, 11, 10, 18)):  # the next Tuesday
        services.item_submit_reply(item=tracked, by=staff.hank, reply="完成")
    tracked.refresh_from_db()
    # Fri 12:00–24:00 is 0.5, the weekend 0, Monday 1.0, Tuesday until 18:00 0.75.
    assert tracked.working_days_taken == Decimal("2.3")


def test_a_directive_reply_waits_for_the_supervisor_and_can_be_returned(staff):
    from yankao.control.services import directive_create

    with clock.frozen(taipei(2026, 11, 2, 10)):
        directive = directive_create(
            by=staff.connie,
            owner_agency=agency("public-works"),
            title="人行道改善",
            instruction="請研議",
            source="市政會議",
        )
    tracked = directive.item
    services.item_accept(item=tracked, by=staff.hank)
    services.item_submit_reply(item=tracked, by=staff.hank, reply="初稿")
    tracked.refresh_from_db()
    assert tracked.status == Status.AWAITING_APPROVAL
    services.item_return_reply(item=tracked, by=staff.sue, reason="請補充期程")
    services.item_submit_reply(item=tracked, by=staff.hank, reply="修正稿")
    services.item_close(item=tracked, by=staff.sue)
    tracked.refresh_from_db()
    assert tracked.status == Status.CLOSED
    assert actions_of(tracked) == [
        Action.CREATE,
        Action.ACCEPT,
        Action.REPLY_SUBMIT,
        Action.REPLY_RETURN,
        Action.REPLY_SUBMIT,
        Action.CLOSE,
    ]


def test_an_approved_extension_adds_working_days_to_the_deadline(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.item_accept(item=tracked, by=staff.hank)
    extension = services.extension_request(item=tracked, by=staff.hank, reason="需會勘", amount=5)
    services.extension_decide(extension=extension, by=staff.sue, approve=True)
    tracked.refresh_from_db()
    assert tracked.due_at == end_of(2026, 11, 17)
    assert tracked.original_due_at == end_of(2026, 11, 10)
    assert tracked.extension_count == 1


def test_a_rejected_extension_leaves_the_deadline(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    extension = services.extension_request(item=tracked, by=staff.hank, reason="需會勘", amount=5)
    services.extension_decide(extension=extension, by=staff.sue, approve=False, note="不同意")
    tracked.refresh_from_db()
    assert tracked.due_at == end_of(2026, 11, 10)
    assert tracked.extension_count == 0


def test_only_one_extension_request_waits_at_a_time(staff):
    tracked = item()
    services.extension_request(item=tracked, by=staff.hank, reason="需會勘", amount=2)
    with pytest.raises(services.TrackingError):
        services.extension_request(item=tracked, by=staff.hank, reason="再延", amount=2)


def test_a_co_handler_contributes_without_owning_the_item(staff):
    tracked = item()
    services.item_accept(item=tracked, by=staff.hank)
    services.item_add_cohandler(item=tracked, agency=agency("district-fengshan"), by=staff.hank)
    services.item_cohandler_reply(
        item=tracked, agency=agency("district-fengshan"), by=staff.dora, reply="本所已派員會勘"
    )
    cohandler = tracked.cohandlers.get()
    assert cohandler.state == "replied"
    assert cohandler.reply == "本所已派員會勘"
    tracked.refresh_from_db()
    assert tracked.owner_agency.key == "public-works"


def test_reopening_clears_the_verdict(staff):
    tracked = item()
    services.item_accept(item=tracked, by=staff.hank)
    services.item_submit_reply(item=tracked, by=staff.hank, reply="完成")
    services.item_reopen(item=tracked, by=staff.sue, reason="民眾反映未改善")
    tracked.refresh_from_db()
    assert (tracked.status, tracked.closed_at, tracked.outcome) == (Status.IN_PROGRESS, None, "")


def test_reminders_go_once_on_the_last_day(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    assert services.items_send_reminders(now=taipei(2026, 11, 9, 12)) == 0
    assert services.items_send_reminders(now=taipei(2026, 11, 10, 9)) == 1
    assert services.items_send_reminders(now=taipei(2026, 11, 10, 10)) == 0
    assert Action.REMIND in actions_of(tracked)


def test_overdue_items_go_to_the_supervisor_then_to_the_commission(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.items_escalate_overdue(now=taipei(2026, 11, 10, 12))
    tracked.refresh_from_db()
    assert tracked.escalation == Escalation.NONE
    services.items_escalate_overdue(now=taipei(2026, 11, 11, 9))
    tracked.refresh_from_db()
    assert tracked.escalation == Escalation.SUPERVISOR
    # Three working days after the deadline (Wed 11, Thu 12, Fri 13 Nov).
    services.items_escalate_overdue(now=taipei(2026, 11, 13, 12))
    tracked.refresh_from_db()
    assert tracked.escalation == Escalation.SUPERVISOR
    services.items_escalate_overdue(now=taipei(2026, 11, 16, 9))
    tracked.refresh_from_db()
    assert tracked.escalation == Escalation.COMMISSION
    recipients = list(
        OutboxMessage.objects.filter(subject__contains=tracked.number).values_list("to", flat=True)
    )
    assert any("connie@example.test" in to for to in recipients)


def test_a_typhoon_day_off_moves_the_deadlines_it_spans(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    untouched = item(received_at=taipei(2026, 11, 9, 10), time_limit=1)
    calendar_declare_day_off(day=date(2026, 11, 5), reason="颱風停止上班")
    assert services.items_recalculate_deadlines(changed_day=date(2026, 11, 5)) == 1
    tracked.refresh_from_db()
    untouched.refresh_from_db()
    assert tracked.due_at == end_of(2026, 11, 11)
    assert untouched.due_at == end_of(2026, 11, 10)
    assert Action.DEADLINE_RECALCULATE in actions_of(tracked)


def test_withdrawing_ends_the_item_without_a_verdict(staff):
    tracked = item()
    services.item_withdraw(item=tracked, by=staff.sue, reason="陳情人撤回")
    tracked.refresh_from_db()
    assert tracked.status == Status.WITHDRAWN
    assert tracked.outcome == ""
    assert tracked.closed_at is not None


def test_declaring_a_day_off_queues_the_recalculation_by_itself(
    staff, django_capture_on_commit_callbacks
):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_declare_day_off(day=date(2026, 11, 6), reason="颱風停止上班")
    tracked.refresh_from_db()
    # Fri 6 Nov off: Tue 3, Wed 4, Thu 5, Mon 9, Tue 10, Wed 11.
    assert tracked.due_at == end_of(2026, 11, 11)


def escalation_messages(tracked):
    return list(
        OutboxMessage.objects.filter(
            ref_id=str(tracked.pk), dedupe_key__contains="escalate"
        ).order_by("pk")
    )


def test_a_late_sweep_records_and_tells_every_tier_passed_in_order(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    # A week after the commission's moment (three working days after the deadline):
    # the sweep finds both tiers passed at once.
    late = taipei(2026, 11, 25, 9)
    assert tracked.commission_escalation_at < late
    assert services.items_escalate_overdue(now=late) == 2
    tracked.refresh_from_db()
    assert tracked.escalation == Escalation.COMMISSION
    escalations = list(tracked.events.filter(action=Action.ESCALATE).order_by("pk"))
    assert [event.data["level"] for event in escalations] == [
        Escalation.SUPERVISOR,
        Escalation.COMMISSION,
    ]
    assert [event.data["passed_at"] for event in escalations] == [
        tracked.due_at.isoformat(),
        tracked.commission_escalation_at.isoformat(),
    ]
    messages = escalation_messages(tracked)
    assert [message.to for message in messages] == [["sue@example.test"], ["connie@example.test"]]


def test_a_second_late_sweep_records_and_tells_nothing_new(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.items_escalate_overdue(now=taipei(2026, 11, 25, 9))
    assert services.items_escalate_overdue(now=taipei(2026, 11, 25, 9, 5)) == 0
    assert tracked.events.filter(action=Action.ESCALATE).count() == 2
    assert len(escalation_messages(tracked)) == 2


def test_an_escalation_another_sweep_made_meanwhile_is_not_repeated(staff, monkeypatch):
    """Two sweeps read the same overdue item; the one that loses the race finds the
    level already moved when it writes, and records nothing."""
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    late = taipei(2026, 11, 25, 9)
    real_tiers = services._tiers_passed

    def a_rival_sweeps_first(found, now):
        tiers = real_tiers(found, now)
        TrackedItem.objects.filter(pk=found.pk).update(escalation=Escalation.COMMISSION)
        return tiers

    monkeypatch.setattr(services, "_tiers_passed", a_rival_sweeps_first)
    assert services.items_escalate_overdue(now=late) == 0
    assert not tracked.events.filter(action=Action.ESCALATE).exists()
    assert escalation_messages(tracked) == []


def test_an_approved_extension_records_the_time_added_and_both_deadlines(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.item_accept(item=tracked, by=staff.hank)
    extension = services.extension_request(item=tracked, by=staff.hank, reason="需會勘", amount=5)
    services.extension_decide(extension=extension, by=staff.sue, approve=True)
    approval = tracked.events.get(action=Action.EXTENSION_APPROVE)
    assert (approval.time_added, approval.due_before, approval.due_after) == (
        5,
        end_of(2026, 11, 10),
        end_of(2026, 11, 17),
    )


def test_a_transfer_and_a_recalculation_record_the_deadline_they_moved(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    with clock.frozen(taipei(2026, 11, 4, 10)):
        services.item_transfer(
            item=tracked, to_agency=agency("water-resources"), by=staff.hank, reason="非本局權管"
        )
    transfer = tracked.events.get(action=Action.TRANSFER)
    tracked.refresh_from_db()
    assert (transfer.due_before, transfer.due_after) == (end_of(2026, 11, 10), tracked.due_at)
    calendar_declare_day_off(day=date(2026, 11, 6), reason="颱風停止上班")
    services.items_recalculate_deadlines(changed_day=date(2026, 11, 6))
    recalculation = tracked.events.get(action=Action.DEADLINE_RECALCULATE)
    before = tracked.due_at
    tracked.refresh_from_db()
    assert (recalculation.due_before, recalculation.due_after) == (before, tracked.due_at)
    assert recalculation.time_added is None


def test_a_close_records_the_deadline_its_verdict_was_given_against(staff):
    tracked = item(received_at=taipei(2026, 11, 2, 10))
    services.item_accept(item=tracked, by=staff.hank)
    services.item_close(item=tracked, by=staff.sue, reason="已改善", at=taipei(2026, 11, 11, 9))
    closing = tracked.events.get(action=Action.CLOSE)
    assert closing.due_before == closing.due_after == end_of(2026, 11, 10)
    assert closing.at > closing.due_after and closing.data["outcome"] == Outcome.LATE


@pytest.mark.django_db(transaction=True)  # threads need committed rows
def test_sweeps_running_at_once_record_and_tell_each_tier_once():
    from tests.concurrency import at_once, needs_shared_database

    needs_shared_database()
    from tests.factories import Staff
    from yankao.calendar.services import calendar_load_shipped, invalidate_cache
    from yankao.organisation.services import city_load

    city_load()  # a transactional test starts from an empty database
    calendar_load_shipped()
    invalidate_cache()
    Staff.create()
    overdue = [item(received_at=taipei(2026, 11, 2, 10)) for _ in range(5)]
    late = taipei(2026, 11, 25, 9)
    counts: list[int] = []
    assert at_once(lambda: counts.append(services.items_escalate_overdue(now=late)), 4) == []
    assert sum(counts) == 2 * len(overdue)
    for tracked in overdue:
        levels = [e.data["level"] for e in tracked.events.filter(action=Action.ESCALATE)]
        assert levels == [Escalation.SUPERVISOR, Escalation.COMMISSION]
        assert len(escalation_messages(tracked)) == 2
