"""Counting a long list stops at the cap: the page says "more than 1,000" instead
of counting every row."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from yankao.core.paging import CappedPaginator
from yankao.organisation.models import District

pytestmark = pytest.mark.django_db


def test_below_the_cap_the_count_is_exact():
    paginator = CappedPaginator(District.objects.order_by("pk"), 10, cap=100)
    assert paginator.count == District.objects.count() == 38
    assert not paginator.capped
    assert paginator.num_pages == 4


def test_above_the_cap_the_count_stops_and_says_so():
    paginator = CappedPaginator(District.objects.order_by("pk"), 5, cap=20)
    with CaptureQueriesContext(connection) as counted:
        assert paginator.count == 20
    assert paginator.capped
    assert paginator.num_pages == 4
    assert "LIMIT 21" in counted.captured_queries[0]["sql"]
    assert "ORDER BY" not in counted.captured_queries[0]["sql"]  # any index may count
    assert [d.pk for d in paginator.page(4)] == list(
        District.objects.order_by("pk").values_list("pk", flat=True)[15:20]
    )


def test_a_page_is_read_as_keys_in_order_then_rows_by_key():
    districts = District.objects.order_by("-sort_order", "pk")
    paginator = CappedPaginator(districts, 5, cap=100)
    with CaptureQueriesContext(connection) as read:
        page = list(paginator.page(2))
    assert [d.pk for d in page] == list(districts.values_list("pk", flat=True)[5:10])
    keys, rows = (q["sql"] for q in read.captured_queries if "COUNT" not in q["sql"])
    assert '"organisation_district"."name"' not in keys  # the sort reads keys only
    assert '"organisation_district"."name"' in rows


@pytest.mark.parametrize("ordering", [("-sort_order", "pk"), ("office", "-pk"), ("name",)])
def test_pages_merged_from_partitions_are_the_pages_of_one_query(ordering):
    districts = District.objects.order_by(*ordering)
    overlapping = [Q(pk__lt=20), Q(pk__gte=15), Q(name__startswith="鳳")]
    plain = CappedPaginator(districts, 7, cap=100)
    merged = CappedPaginator(districts, 7, cap=100, partitions=overlapping)
    assert merged.num_pages == plain.num_pages == 6
    for number in plain.page_range:
        assert [d.pk for d in merged.page(number)] == [d.pk for d in plain.page(number)]


def test_each_partition_reads_no_more_keys_than_the_page_needs():
    districts = District.objects.order_by("sort_order", "pk")
    paginator = CappedPaginator(districts, 5, cap=100, partitions=[Q(pk__lt=20), Q(pk__gte=20)])
    with CaptureQueriesContext(connection) as read:
        page = list(paginator.page(2))
    assert [d.pk for d in page] == list(districts.values_list("pk", flat=True)[5:10])
    sql = [q["sql"] for q in read.captured_queries if "COUNT" not in q["sql"]]
    keys = [one for one in sql if "LIMIT 10" in one]
    # One per partition, each its first ten: PostgreSQL reads them in one UNION ALL,
    # SQLite (no LIMIT inside a compound select) one query each.
    assert sum(one.count("LIMIT 10") for one in keys) == 2
    if connection.features.supports_slicing_ordering_in_compound:
        assert len(keys) == 1 and "UNION ALL" in keys[0]
    else:
        assert len(keys) == 2


def test_a_page_can_read_its_rows_by_its_own_query():
    districts = District.objects.order_by("-sort_order", "pk")
    asked = []

    def names(keys):
        asked.append(list(keys))
        found = dict(District.objects.filter(pk__in=keys).values_list("pk", "name"))
        return [found[key] for key in keys]

    paginator = CappedPaginator(
        districts, 5, cap=100, partitions=[Q(pk__lt=20), Q(pk__gte=20)], rows=names
    )
    expected = list(districts.values_list("pk", flat=True)[5:10])
    assert list(paginator.page(2)) == [District.objects.get(pk=pk).name for pk in expected]
    assert asked == [expected]


def test_one_partition_or_too_many_is_one_query():
    districts = District.objects.order_by("pk")
    assert CappedPaginator(districts, 5, partitions=[Q(pk__gt=0)]).partitions == []
    many = [Q(pk=pk) for pk in range(1, 30)]
    assert CappedPaginator(districts, 5, partitions=many).partitions == []
