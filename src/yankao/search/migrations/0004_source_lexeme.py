"""PostgreSQL: the source joins the indexed lexemes (see yankao.search.fulltext)."""

from django.db import migrations

from yankao.search import fulltext


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        fulltext.remove(schema_editor)
        fulltext.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_scope_tokens")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
