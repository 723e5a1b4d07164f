from django.db import migrations

from yankao.search import fulltext


def forwards(apps, schema_editor):
    fulltext.install(schema_editor)


def backwards(apps, schema_editor):
    fulltext.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
