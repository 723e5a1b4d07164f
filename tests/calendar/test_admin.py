"""The admin of calendar days."""

from datetime import date

import pytest
from django.test import Client

from yankao.calendar import services
from yankao.calendar.models import CalendarDay, CalendarVersion

pytestmark = pytest.mark.django_db


def test_the_day_list_filters_and_searches(admin_client: Client) -> None:
    response = admin_client.get(
        "/admin/calendar/calendarday/", {"is_working_day__exact": "0", "q": "補行上班"}
    )
    assert response.status_code == 200
    response = admin_client.get("/admin/calendar/calendarday/", {"q": "端午節"})
    assert response.status_code == 200
    assert "2020" in response.content.decode()


def test_editing_a_day_in_the_admin_reaches_the_deadline_arithmetic(admin_client: Client) -> None:
    assert services.is_working_day(date(2025, 7, 29))
    before = CalendarVersion.objects.get().version
    response = admin_client.post(
        "/admin/calendar/calendarday/2025-07-29/change/",
        {"date": "2025-07-29", "note": "颱風停止上班", "source": "declared"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not CalendarDay.objects.get(date=date(2025, 7, 29)).is_working_day
    assert CalendarVersion.objects.get().version == before + 1
    assert not services.is_working_day(date(2025, 7, 29))
