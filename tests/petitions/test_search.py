"""Petitions in the search: indexed when registered, moved when transferred,
covered in bulk by reindex, and found only by those who may see them."""

import pytest
from django.core.management import call_command

from tests.petitions.factories import petition
from yankao.demo.bulk_petitions import bulk_petitions_seed
from yankao.petitions.models import Petition
from yankao.petitions.search import similar_cases
from yankao.search.models import SearchDocument
from yankao.search.scope import fts_key
from yankao.search.selectors import EVERYTHING, search
from yankao.search.services import reindex
from yankao.tracking import services as tracking

pytestmark = pytest.mark.django_db


def petition_ids(query, user):
    return [hit.petition.pk for hit in similar_cases(query, user=user)]


@pytest.fixture
def cases(staff):
    """A street-light petition for the Maintenance Office (under Public Works) and a
    household one for the Fengshan district office."""
    lamp = petition(subject="路燈不亮", content="光復路二段路燈三天不亮。").petition
    household = petition(
        code="0501",
        district_key="fengshan",
        subject="戶籍謄本申請",
        content="請問109年戶籍謄本如何申請？路燈也壞了。",
    ).petition
    return lamp, household


def test_a_registered_petition_is_searchable_in_its_own_transaction(cases):
    lamp, _ = cases
    hits = search("光復路", sources=["petition"], visibility=EVERYTHING)
    assert [hit.object_id for hit in hits] == [lamp.pk]


def test_the_case_number_is_searchable(cases):
    lamp, _ = cases
    hits = search(lamp.item.number, sources=["petition"], visibility=EVERYTHING)
    assert [hit.object_id for hit in hits] == [lamp.pk]


def test_a_handler_never_sees_another_agencys_petition(cases, staff):
    lamp, household = cases
    assert lamp.item.owner_agency.key == "pw-maintenance"
    assert household.item.owner_agency.key == "district-fengshan"
    assert petition_ids("路燈", staff.holly) == [lamp.pk]
    assert petition_ids("路燈", staff.dora) == [household.pk]
    assert petition_ids("戶籍", staff.holly) == []
    # Public Works' own handler sees neither: the lamp is its sub-agency's.
    assert petition_ids("路燈", staff.hank) == []


def test_the_city_wide_roles_see_every_agencys_petitions(cases, staff):
    assert set(petition_ids("路燈", staff.connie)) == {c.pk for c in cases}
    assert set(petition_ids("路燈", staff.amy)) == {c.pk for c in cases}


def test_a_supervisor_sees_the_sub_agencies_petitions(cases, staff):
    lamp, _ = cases
    moved = petition(subject="路燈閃爍", content="路燈一直閃爍。").petition
    tracking.item_transfer(
        item=moved.item, to_agency=staff.hank.agency, by=staff.holly, reason="工務局主管"
    )
    assert set(petition_ids("路燈", staff.sue)) == {lamp.pk, moved.pk}
    assert petition_ids("路燈", staff.hank) == [moved.pk]


def test_a_transferred_petition_follows_its_new_agency(cases, staff):
    lamp, _ = cases
    tracking.item_transfer(
        item=lamp.item, to_agency=staff.dora.agency, by=staff.holly, reason="區公所主管"
    )
    assert petition_ids("光復路", staff.holly) == []
    assert petition_ids("光復路", staff.dora) == [lamp.pk]


def test_reindex_covers_petitions_written_in_bulk(staff):
    bulk_petitions_seed(count=30, seed=7)
    assert SearchDocument.objects.filter(source="petition").count() == 0
    result = reindex(source="petition", batch_size=7)
    assert result.indexed == Petition.objects.count() == 30
    some = Petition.objects.order_by("pk").first()
    assert some is not None
    hits = search(some.item.number, sources=["petition"], visibility=EVERYTHING)
    assert [hit.object_id for hit in hits] == [some.pk]


def test_reindex_replaces_rather_than_duplicates_and_drops_orphans(cases):
    SearchDocument.objects.create(
        source="petition", object_id=10**9, title="gone", fts_key=fts_key("petition", 10**9)
    )
    result = reindex(source="petition")
    assert result.indexed == 2 and result.removed == 1
    assert SearchDocument.objects.filter(source="petition").count() == 2


def test_the_reindex_command_reports_what_it_did(cases, capsys):
    call_command("search", "reindex", "--source", "petition", "--batch", "1")
    assert "petition: 2 indexed, 0 removed" in capsys.readouterr().out


def test_the_cases_page_lists_visible_matches_linking_to_the_petition(client, cases, staff):
    lamp, household = cases
    client.force_login(staff.holly)
    html = client.get("/search/cases/", {"q": "路燈"}).content.decode()
    assert f'href="/petitions/{lamp.pk}/"' in html
    assert f"/petitions/{household.pk}/" not in html
    assert "李小明" not in html and "0912" not in html


def test_the_partial_leaves_out_the_case_being_read(client, cases, staff):
    lamp, _ = cases
    client.force_login(staff.connie)
    html = client.get("/search/cases/partial/", {"q": "路燈", "exclude": lamp.pk}).content.decode()
    assert "<html" not in html
    assert f"/petitions/{lamp.pk}/" not in html


@pytest.mark.parametrize("query", ['"', "NEAR(", "x" * 10000, "路燈\x00", "-*:", "OR"])
def test_the_cases_page_survives_bad_queries(client, cases, staff, query):
    client.force_login(staff.hank)
    assert client.get("/search/cases/", {"q": query}).status_code == 200
    assert client.get("/search/cases/", {"q": "路燈", "page": "x"}).status_code == 200


def test_signed_out_visitors_cannot_search_cases(client, cases):
    assert client.get("/search/cases/", {"q": "路燈"}).status_code == 302


def test_an_agency_asked_to_co_handle_finds_the_petition(cases, staff):
    lamp, _ = cases
    assert petition_ids("光復路", staff.dora) == []
    tracking.item_add_cohandler(
        item=lamp.item, agency=staff.dora.agency, by=staff.holly, reason="協助路段確認"
    )
    assert petition_ids("光復路", staff.dora) == [lamp.pk]


def test_the_reindex_command_refuses_an_unknown_source(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown source"):
        call_command("search", "reindex", "--source", "nonsense")


def test_no_signal_writes_the_index_behind_the_services_back():
    """The index is written by petition_create and the transfer hook, explicitly;
    a save of a petition or its item alone sends nothing to the search."""
    from django.db.models.signals import post_delete, post_save

    from yankao.tracking.models import TrackedItem

    assert not post_save.has_listeners(Petition)
    assert not post_delete.has_listeners(Petition)
    assert not post_save.has_listeners(TrackedItem)
