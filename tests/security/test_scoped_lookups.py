"""Look-ups reached with what a user sends are scoped to what that user may see: a
handler must not learn, by probing, whether another agency's case exists."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from tests.factories import taipei
from tests.petitions.factories import petition
from tests.petitions.test_dispositions import answered
from yankao.petitions.models import Disposition
from yankao.tracking.models import Status


@pytest.mark.django_db
def test_closing_as_a_repeat_of_another_agencys_case_is_refused_and_tells_nothing(client, staff):
    earlier = answered(staff)  # Public Works' case, answered: closable as repeated
    mine = petition(
        code="0501", district_key="fengshan", received_at=taipei(2026, 11, 30, 10)
    ).petition
    assert mine.item.owner_agency.key == "district-fengshan"
    client.force_login(staff.dora)
    url = reverse("petitions:close-unhandled", args=[mine.pk])
    data = {"version": mine.item.version, "disposition": "repeat", "repeat_of": earlier.item.number}

    response = client.post(url, data)

    assert response.status_code == 400
    # The same answer as for a number that does not exist at all.
    unknown = client.post(url, {**data, "repeat_of": "1151126-999999"})
    assert unknown.status_code == 400
    for answer, number in ((response, earlier.item.number), (unknown, "1151126-999999")):
        assert escape(_("No petition you may see has the number %s.") % number) in answer.text
    mine.refresh_from_db()
    assert mine.item.status == Status.ASSIGNED
    assert mine.disposition == Disposition.NORMAL
    assert mine.repeat_of is None
    assert not mine.item.events.filter(reason__contains=earlier.item.number).exists()
