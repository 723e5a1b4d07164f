"""The shipped category taxonomy and routing rules."""

import pytest

from yankao.petitions.models import Category, RoutingRule
from yankao.petitions.services import petition_reference_load

pytestmark = pytest.mark.django_db

# TAIWAN-FACTS lists 32 numbered main items and 99 其他.
TOP_LEVEL = [
    "01",
    "02",
    "03",
    "04",
    "05",
    "06",
    "07",
    "08",
    "09",
    "10",
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "18",
    "19",
    "21",
    "22",
    "23",
    "24",
    "25",
    "26",
    "27",
    "28",
    "29",
    "31",
    "32",
    "33",
    "34",
    "99",
]


def test_the_city_top_level_categories_are_all_there_with_their_names():
    mains = dict(Category.objects.filter(parent__isnull=True).values_list("code", "name"))
    assert sorted(mains) == TOP_LEVEL
    assert mains["01"] == "工務"
    assert mains["05"] == "民政區政"
    assert mains["99"] == "其他"


def test_sub_items_sit_under_their_main_item_and_take_its_time_limit():
    lamps = Category.objects.select_related("parent").get(code="0103")
    assert lamps.name == "路燈"
    assert lamps.parent is not None and lamps.parent.code == "01"
    assert lamps.time_limit_days == 6


def test_every_main_item_has_a_sub_item_and_a_citywide_rule():
    for code in TOP_LEVEL:
        main = Category.objects.get(code=code)
        assert main.children.exists(), code
        assert RoutingRule.objects.filter(category=main, district__isnull=True).exists(), code


def test_loading_again_changes_nothing_and_skips_no_rule():
    before = (Category.objects.count(), RoutingRule.objects.count())
    again = petition_reference_load()
    assert again.rules_skipped == 0
    assert (Category.objects.count(), RoutingRule.objects.count()) == before
    assert again.categories == 105
    assert again.rules == 83
