"""The rota: sessions from a weekly pattern, on the official calendar's working days."""

from datetime import date, time

import pytest

from yankao.legal.models import Session
from yankao.legal.services import LegalError, rota_generate

pytestmark = pytest.mark.django_db
WEEKDAYS = {0, 1, 2, 3, 4}


def _days(venue):
    return sorted(set(Session.objects.filter(venue=venue).values_list("date", flat=True)))


def _generate(venue, first, last, weekdays=WEEKDAYS, **options):
    return rota_generate(
        venue=venue,
        first=first,
        last=last,
        weekdays=weekdays,
        starts_at=time(14, 0),
        ends_at=time(17, 0),
        lawyers=options.pop("lawyers", []),
        by=None,
        **options,
    )


def test_the_lunar_new_year_holidays_on_pattern_weekdays_get_no_session(centre):
    result = _generate(centre, date(2025, 1, 20), date(2025, 2, 7), on_makeup_days=False)
    days = _days(centre)
    # 1/27 調整放假 and 1/28–1/31 春節 fall on weekdays of the pattern: closed.
    for closed in (27, 28, 29, 30, 31):
        assert date(2025, 1, closed) not in days
    assert result.days_off == [date(2025, 1, d) for d in (27, 28, 29, 30, 31)]
    assert days == [date(2025, 1, d) for d in (20, 21, 22, 23, 24)] + [
        date(2025, 2, d) for d in (3, 4, 5, 6, 7)
    ]


def test_a_make_up_working_saturday_gets_a_session_when_the_rota_asks(centre):
    _generate(centre, date(2025, 2, 3), date(2025, 2, 9), on_makeup_days=True)
    assert date(2025, 2, 8) in _days(centre)  # 補行上班
    assert date(2025, 2, 9) not in _days(centre)  # an ordinary Sunday


def test_a_make_up_working_saturday_is_left_out_when_the_rota_says_so(centre):
    _generate(centre, date(2025, 2, 3), date(2025, 2, 9), on_makeup_days=False)
    assert date(2025, 2, 8) not in _days(centre)
    assert len(_days(centre)) == 5


def test_national_day_on_a_friday_is_skipped_though_friday_is_in_the_pattern(centre):
    _generate(centre, date(2025, 10, 6), date(2025, 10, 10), weekdays={0, 4})
    # 10/6 中秋節 (Mon) and 10/10 國慶日 (Fri): both pattern days, both closed.
    assert _days(centre) == []


def test_a_pattern_weekday_that_is_an_ordinary_saturday_stays_closed(centre):
    _generate(centre, date(2025, 2, 1), date(2025, 2, 15), weekdays={5})
    assert _days(centre) == [date(2025, 2, 8)]  # only the make-up Saturday works


def test_lawyers_take_the_sessions_in_turn_and_slots_follow_the_venue(centre, lawyers):
    _generate(centre, date(2026, 11, 9), date(2026, 11, 11), lawyers=lawyers, desks=2)
    sessions = list(Session.objects.filter(venue=centre).order_by("date", "desk"))
    assert len(sessions) == 6
    assert [s.lawyer for s in sessions] == [lawyers[0], lawyers[1]] * 3
    assert {s.slot_count for s in sessions} == {6}  # 3 hours of 30-minute slots


def test_generating_again_keeps_the_sessions_already_there(centre):
    _generate(centre, date(2026, 11, 9), date(2026, 11, 13))
    again = _generate(centre, date(2026, 11, 9), date(2026, 11, 20))
    assert again.already_there == 5
    assert len(again.created) == 5
    assert Session.objects.filter(venue=centre).count() == 10


def test_a_rota_beyond_the_office_calendar_is_refused_with_a_reason(centre):
    with pytest.raises(LegalError, match="2029-12-31"):
        _generate(centre, date(2029, 12, 31), date(2030, 1, 2))


@pytest.mark.parametrize(
    ("first", "last", "weekdays"),
    [
        (date(2026, 11, 10), date(2026, 11, 9), WEEKDAYS),
        (date(2026, 11, 9), date(2026, 11, 10), set()),
    ],
)
def test_a_nonsense_pattern_is_refused(centre, first, last, weekdays):
    with pytest.raises(LegalError):
        _generate(centre, first, last, weekdays=weekdays)
