"""The bulk reindex: it writes the same index as one-by-one indexing does, replaces
a batch's whole range of keys, and on PostgreSQL builds its GIN index again after
a large load."""

import pytest
from django.db import connection

from yankao.demo.bulk_petitions import bulk_petitions_seed
from yankao.search import services
from yankao.search.fulltext import vector_literal
from yankao.search.models import SearchDocument
from yankao.search.selectors import EVERYTHING, search
from yankao.search.services import document_index, reindex
from yankao.search.sources import Document

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the tsvector is PostgreSQL's"
)


def _vector_index_exists():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'search_document_vector'")
        return cursor.fetchone()[0] == 1


@postgresql_only
def test_the_python_vector_is_the_one_the_trigger_builds(db):
    row = document_index(
        source="note",
        document=Document(
            object_id=1,
            title="路燈不亮 1999",
            body="三民區建國路的路燈一到晚上就不亮，路燈請派員修理。",
            keywords="1131126-000001",
            agency_path="/kcg/public-works/pw-maintenance/",
        ),
    )
    literal = vector_literal(row.title_tokens, row.body_tokens, row.scope_tokens, row.source)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vector = CAST(%s AS tsvector), vector IS NOT NULL "
            "FROM search_document WHERE id = %s",
            [literal, row.pk],
        )
        assert cursor.fetchone() == (True, True)


@postgresql_only
def test_an_update_of_the_tokens_rebuilds_the_vector(db):
    row = document_index(source="note", document=Document(object_id=2, title="路燈"))
    SearchDocument.objects.filter(pk=row.pk).update(title_tokens="坑洞 洞")
    assert [h.object_id for h in search("坑洞", sources=["note"], visibility=EVERYTHING)] == [2]
    assert search("路燈", sources=["note"], visibility=EVERYTHING) == []


def test_reindex_finds_bulk_rows_whatever_order_it_writes_them_in(staff):
    bulk_petitions_seed(count=40, seed=11)
    reindex(source="petition", batch_size=16)
    keys = list(
        SearchDocument.objects.filter(source="petition").values_list("object_id", flat=True)
    )
    assert len(keys) == len(set(keys)) == 40
    for document in SearchDocument.objects.filter(source="petition")[:5]:
        hits = search(document.title, sources=["petition"], visibility=EVERYTHING, limit=100)
        assert document.object_id in [hit.object_id for hit in hits]


def test_a_second_reindex_replaces_every_entry_of_its_key_range(staff):
    bulk_petitions_seed(count=12, seed=12)
    reindex(source="petition", batch_size=5)
    before = set(SearchDocument.objects.filter(source="petition").values_list("pk", flat=True))
    result = reindex(source="petition", batch_size=5)
    after = set(SearchDocument.objects.filter(source="petition").values_list("pk", flat=True))
    assert result.indexed == 12 and len(after) == 12
    assert not before & after  # written again, not duplicated


@postgresql_only
def test_a_large_reindex_builds_the_gin_index_again(staff, monkeypatch):
    monkeypatch.setattr(services, "BULK_ROWS", 5)
    bulk_petitions_seed(count=8, seed=13)
    result = reindex(source="petition", batch_size=3)
    assert result.indexed == 8
    assert _vector_index_exists()
    some = SearchDocument.objects.filter(source="petition").first()
    hits = search(some.title, sources=["petition"], visibility=EVERYTHING, limit=100)
    assert some.object_id in [hit.object_id for hit in hits]


@postgresql_only
def test_a_failed_large_reindex_still_builds_the_gin_index_again(staff, monkeypatch):
    monkeypatch.setattr(services, "BULK_ROWS", 5)
    bulk_petitions_seed(count=8, seed=14)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_write", broken)
    with pytest.raises(RuntimeError):
        reindex(source="petition")
    assert _vector_index_exists()


def test_after_a_reindex_things_saved_one_by_one_are_indexed_again(staff):
    # SQLite's reindex indexes each batch in one statement without the insert
    # trigger: the trigger must be back for the next save.
    bulk_petitions_seed(count=6, seed=15)
    reindex(source="petition", batch_size=4)
    document_index(source="note", document=Document(object_id=7, title="地下道積水"))
    assert [h.object_id for h in search("積水", sources=["note"], visibility=EVERYTHING)] == [7]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's batch indexing")
def test_a_batch_that_fails_half_way_leaves_the_index_and_its_trigger_as_they_were(
    staff, monkeypatch
):
    bulk_petitions_seed(count=6, seed=16)
    reindex(source="petition", batch_size=10)
    before = list(SearchDocument.objects.filter(source="petition").values_list("pk", flat=True))
    # The trigger is dropped and the rows written, then indexing them fails.
    monkeypatch.setattr(services.fulltext, "SQLITE_INDEX_KEY_RANGE", "SELECT no_such_column")
    with pytest.raises(Exception, match="no_such_column"):
        reindex(source="petition", batch_size=10)
    monkeypatch.undo()
    after = list(SearchDocument.objects.filter(source="petition").values_list("pk", flat=True))
    assert after == before  # the batch rolled back whole
    document_index(source="note", document=Document(object_id=8, title="路樹倒塌"))
    assert [h.object_id for h in search("路樹", sources=["note"], visibility=EVERYTHING)] == [8]
