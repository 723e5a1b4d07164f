"""The waiting list of a full day: joining it, and being told when a time frees up."""

from datetime import date, time

import pytest
from django.urls import reverse

from tests.factories import taipei
from tests.legal import factories
from yankao.core import clock
from yankao.legal.models import WaitlistEntry
from yankao.legal.services import LegalError, booking_cancel, session_cancel, waitlist_join
from yankao.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(centre, monday_morning, settings):
    """Tuesday 10 November at the centre, 14:00–15:00 (two slots), both booked."""
    settings.YANKAO_LEGAL_BOOKINGS_PER_MONTH = 0
    session = factories.session(centre, starts=time(14), ends=time(15))
    bookings = [factories.booking(session, slot).booking for slot in (0, 1)]
    return session, bookings


def _join(venue, day=factories.TUESDAY, phone="0933-123-456", email="wait@example.org"):
    return waitlist_join(
        venue=venue, day=day, name="張志豪", phone=phone, email=email, consent=True
    )


def test_a_citizen_waits_for_a_full_day_and_is_told_when_a_time_frees(centre, full):
    entry = _join(centre)
    with clock.frozen(taipei(2026, 11, 5)):
        booking_cancel(booking=full[1][0], by=None)
    entry.refresh_from_db()
    assert entry.notified_at is not None
    told = OutboxMessage.objects.get(dedupe_key=f"legal-waitlist-{entry.pk}-free")
    assert told.to == ["wait@example.org"]
    assert "民國 115 年 11 月 10 日" in told.body
    with clock.frozen(taipei(2026, 11, 5)):
        booking_cancel(booking=full[1][1], by=None)
    assert OutboxMessage.objects.filter(dedupe_key__startswith="legal-waitlist-").count() == 1


def test_a_day_with_free_times_has_no_waiting_list(centre, monday_morning):
    factories.session(centre)
    with pytest.raises(LegalError, match="當天還有空檔"):
        _join(centre)


def test_one_place_on_a_waiting_list_per_phone(centre, full):
    _join(centre)
    with pytest.raises(LegalError):
        _join(centre, phone="+886 933 123 456")


def test_a_day_without_sessions_has_no_waiting_list(centre, monday_morning):
    with pytest.raises(LegalError):
        _join(centre, day=date(2026, 11, 11))


def test_a_cancelled_session_does_not_call_the_waiting(centre, full, staff):
    _join(centre)
    with clock.frozen(taipei(2026, 11, 5)):
        session_cancel(session=full[0], by=staff.amy, reason="律師請假")
    assert not OutboxMessage.objects.filter(dedupe_key__startswith="legal-waitlist-").exists()


def test_the_venue_page_offers_the_waiting_list_for_full_days(client, centre, full):
    url = reverse("legal:venue", args=[centre.key])
    page = client.get(url).content.decode()
    assert "想要的日期已額滿嗎？" in page
    data = {
        "day": "2026-11-10",
        "name": "張志豪",
        "phone": "0933-123-456",
        "consent": "on",
    }
    assert client.post(url, {**data, "phone": "x"}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 201
    assert "您已登記民國 115 年 11 月 10 日的候補" in response.content.decode()
    assert WaitlistEntry.objects.get().citizen_email == ""


def test_the_day_sheet_lists_the_waiting_masked(client, centre, full, staff):
    _join(centre)
    client.force_login(staff.amy)
    page = client.get(reverse("legal:sheet", args=[full[0].pk])).content.decode()
    assert "張○豪" in page and "09xx-xxx-456" in page and "張志豪" not in page
