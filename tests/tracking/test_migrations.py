"""The history's deadline columns are filled for entries written before they existed,
from what those entries and their extensions already held."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from tests.factories import item, taipei
from yankao.calendar.services import calendar_declare_day_off
from yankao.tracking import services
from yankao.tracking.models import Action, ItemEvent

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("yankao.tracking.migrations.0004_event_deadline_moves").backfill

COLUMNS = ("time_added", "due_before", "due_after")


def columns_of(event):
    event.refresh_from_db()
    return tuple(getattr(event, name) for name in COLUMNS)


def test_the_backfill_restores_what_the_old_history_can_tell(staff):
    closed = item(received_at=taipei(2026, 11, 2, 10))
    services.item_accept(item=closed, by=staff.hank)
    extension = services.extension_request(item=closed, by=staff.hank, reason="需會勘", amount=3)
    services.extension_decide(extension=extension, by=staff.sue, approve=True)
    services.item_close(item=closed, by=staff.sue, at=taipei(2026, 11, 12, 9))
    reopened = item(received_at=taipei(2026, 11, 2, 10))
    services.item_accept(item=reopened, by=staff.hank)
    services.item_close(item=reopened, by=staff.sue, at=taipei(2026, 11, 5, 9))
    services.item_reopen(item=reopened, by=staff.sue, reason="民眾反映未改善")
    moved = item(received_at=taipei(2026, 11, 2, 10))
    calendar_declare_day_off(day=date(2026, 11, 6), reason="颱風停止上班")
    services.items_recalculate_deadlines(changed_day=date(2026, 11, 6))

    events = {
        (event.item_id, event.action): event
        for event in ItemEvent.objects.filter(item__in=[closed, reopened, moved])
    }
    approval = events[closed.pk, Action.EXTENSION_APPROVE]
    closing = events[closed.pk, Action.CLOSE]
    recalculation = events[moved.pk, Action.DEADLINE_RECALCULATE]
    restored = [approval, closing, recalculation]
    expected = {event.pk: columns_of(event) for event in restored}
    assert all(value is not None for value in expected[approval.pk])
    ItemEvent.objects.update(time_added=None, due_before=None, due_after=None)

    backfill(apps, None)

    assert {event.pk: columns_of(event) for event in restored} == expected
    assert expected[recalculation.pk][1] is not None
    # A close that a reopening undid kept no record of the deadline then in force.
    assert columns_of(events[reopened.pk, Action.CLOSE]) == (None, None, None)
