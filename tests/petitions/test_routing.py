"""Which agency a petition goes to: category and district, then category, then the
main category."""

import pytest

from tests.petitions.factories import category, district
from yankao.petitions.selectors import petition_route

pytestmark = pytest.mark.django_db


def key(code, district_key=None):
    agency = petition_route(category(code), district(district_key) if district_key else None)
    return agency.key if agency else None


def test_a_main_category_goes_to_its_bureau():
    assert key("01") == "public-works"
    assert key("02") == "environmental-protection"


def test_a_sub_item_with_its_own_rule_goes_to_that_agency():
    assert key("0103") == "pw-maintenance"


def test_a_sub_item_without_a_rule_goes_where_its_main_item_goes():
    assert key("0202") == "environmental-protection"


def test_civil_affairs_in_a_district_go_to_that_district_office():
    assert key("05", "fengshan") == "district-fengshan"
    assert key("0504", "meinong") == "district-meinong"


def test_civil_affairs_without_a_district_go_to_the_civil_affairs_bureau():
    assert key("0504") == "civil-affairs"


def test_a_district_rule_applies_only_in_its_district():
    assert key("0401", "lingya") == "police-lingya"
    assert key("0401", "sanmin") == "police"


def test_the_sub_items_own_rule_wins_over_a_district_rule_of_its_main_item():
    assert key("0103", "fengshan") == "pw-maintenance"
