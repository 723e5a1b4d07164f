"""The organisation kept in memory: one snapshot of agencies and districts serves
names, choices and routing; an edit in this process shows at once, a row added by
another process is read when it is first asked for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yankao.organisation.models import Agency, District
from yankao.organisation.reference import (
    active_agency_choices,
    organisation,
    organisation_holding,
)
from yankao.petitions.models import Category
from yankao.petitions.reference_cache import reference
from yankao.petitions.selectors import petition_route

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(fresh_reference_snapshots):
    yield


def test_names_choices_and_routing_read_agencies_once():
    organisation()  # taken
    category = Category.objects.get(code="0103")
    district = District.objects.get(key="fengshan")
    with CaptureQueriesContext(connection) as queries:
        choices = active_agency_choices()
        routed = reference().route(category, district)
        names = organisation().agencies
    agency_reads = [q for q in queries.captured_queries if "organisation_agency" in q["sql"]]
    assert agency_reads == []
    assert routed == petition_route(category, district)
    assert names[routed.pk].name == routed.name
    active = list(Agency.objects.filter(is_active=True).values_list("pk", flat=True))
    assert [pk for pk, _name in choices] == active


def test_an_agency_deactivated_here_leaves_the_choices_at_once():
    leaving = Agency.objects.get(key="water-resources")
    assert leaving.pk in dict(active_agency_choices())
    leaving.is_active = False
    leaving.save()
    assert leaving.pk not in dict(active_agency_choices())
    assert organisation().agencies[leaving.pk].is_active is False  # still named


def test_rows_added_by_another_process_are_read_when_first_asked_for():
    kept = organisation()
    # A queryset write sends no signal, as if another process had made it.
    parent = Agency.objects.get(key="public-works")
    office = Agency(key="new-office", code="X1", name="新設處", short_name="新處")
    office.parent, office.level, office.path = parent, parent.level, f"{parent.path}new-office/"
    Agency.objects.bulk_create([office])
    office_of = District.objects.get(key="fengshan").office
    District.objects.bulk_create([District(key="new-district", name="新區", office=office_of)])
    added = Agency.objects.get(key="new-office")
    district = District.objects.get(key="new-district")
    assert added.pk not in organisation().agencies  # the snapshot as it was
    fresh = organisation_holding(agencies=[added.pk], districts=[district.pk, None])
    assert fresh is not kept
    assert fresh.agencies[added.pk].name == "新設處"
    assert fresh.district_by_id[district.pk].name == "新區"
    assert fresh.districts["new-district"].pk == district.pk
