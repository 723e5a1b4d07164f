from django.db import migrations

from yankao.knowledge.loading import category_rows


def forwards(apps, schema_editor):
    Category = apps.get_model("knowledge", "Category")
    for row in category_rows():
        Category.objects.update_or_create(
            key=row["key"], defaults={"name": row["name"], "sort_order": int(row["sort_order"])}
        )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
