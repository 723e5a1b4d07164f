from django.db import migrations, models

from yankao.search import fulltext
from yankao.search.scope import fts_key, scope_tokens

OLD_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]
OLD_POSTGRESQL_REMOVE = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
]


def drop_old(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in OLD_SQLITE_REMOVE if vendor == "sqlite" else OLD_POSTGRESQL_REMOVE:
        schema_editor.execute(statement, None)


def fill_scope(apps, schema_editor):
    Document = apps.get_model("search", "SearchDocument")
    rows = Document.objects.only("pk", "source", "object_id", "agency_path")
    for row in rows.iterator(chunk_size=2000):
        Document.objects.filter(pk=row.pk).update(
            scope_tokens=scope_tokens(row.agency_path),
            fts_key=fts_key(row.source, row.object_id),
        )


def install(apps, schema_editor):
    fulltext.install(schema_editor)


def remove(apps, schema_editor):
    fulltext.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.RunPython(drop_old, migrations.RunPython.noop),
        migrations.AddField(
            model_name="searchdocument",
            name="scope_tokens",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="fts_key",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunPython(fill_scope, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="searchdocument",
            name="fts_key",
            field=models.BigIntegerField(unique=True),
        ),
        migrations.RunPython(install, remove),
    ]
