"""PostgreSQL: the tsvector becomes an ordinary column kept by a trigger (it was a
generated column), so the bulk reindex can write it ready-made; see
yankao.search.fulltext. Existing rows are refilled."""

from django.db import migrations

from yankao.search import fulltext


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        fulltext.remove(schema_editor)
        fulltext.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_source_lexeme")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
