"""Recording a call: what the log refuses, and the Taipei day and hour it keeps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from tests.factories import agency
from tests.hotline.factories import call
from yankao.core import clock
from yankao.hotline.models import MAX_DURATION_SECONDS, Outcome
from yankao.hotline.services import NOTES_MAX, CallError, call_record

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def record(by, **changes):
    values = {
        "by": by,
        "agent": by,
        "started_at": NOW - timedelta(minutes=5),
        "duration_seconds": 120,
        "outcome": Outcome.OTHER,
    }
    values.update(changes)
    with clock.frozen(NOW), translation.override("en"):
        return call_record(**values)


def test_the_day_and_hour_are_those_of_taipei(staff):
    late = call(staff.amy, started_at=datetime(2026, 11, 25, 16, 30, tzinfo=UTC))
    assert (late.day, late.hour) == (date(2026, 11, 26), 0)
    evening = call(staff.amy, started_at=datetime(2026, 11, 25, 15, 30, tzinfo=UTC))
    assert (evening.day, evening.hour) == (date(2026, 11, 25), 23)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration_seconds": -1}, "less than no time"),
        ({"duration_seconds": MAX_DURATION_SECONDS + 1}, "six hours"),
        ({"started_at": NOW + timedelta(hours=1)}, "future"),
        ({"notes": "x" * (NOTES_MAX + 1)}, "2000"),
        ({"caller_number": "call me maybe"}, "digits"),
        ({"language": "klingon"}, "language"),
        ({"outcome": "lunch"}, "outcome"),
        ({"outcome": Outcome.TRANSFER}, "agency"),
    ],
)
def test_bad_calls_are_refused_with_a_message(staff, changes, message):
    with pytest.raises(CallError) as refused, translation.override("en"):
        record(staff.amy, **changes)
    with translation.override("en"):
        assert message in str(refused.value).lower()


def test_a_transfer_to_an_agency_no_longer_active_is_refused(staff):
    closed = agency("police")
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    with pytest.raises(CallError):
        record(staff.amy, outcome=Outcome.TRANSFER, transferred_to=closed)


def test_only_agents_take_calls(staff):
    with pytest.raises(CallError):
        record(staff.hank)
    with pytest.raises(CallError):
        record(staff.amy, agent=staff.hank)


def test_a_source_id_is_recorded_once(staff):
    record(staff.amy, source_id="cti-1")
    with pytest.raises(CallError) as refused, translation.override("en"):
        record(staff.amy, source_id="cti-1")
    with translation.override("en"):
        assert "already" in str(refused.value)


def test_the_article_is_kept_only_for_a_knowledge_answer(staff):
    other = record(staff.amy, article_id=5, article_question="問")
    assert other.article_id is None and other.article_question == ""
