"""Load the city's dispatch classes from the shipped CSV file (idempotent; also
gives the test database its classes)."""

from django.db import migrations


def load(apps, schema_editor):
    from yankao.dispatch.loading import FILE_NAME, load_classes
    from yankao.organisation.services import city_data_dir

    folder = city_data_dir()
    if (folder / FILE_NAME).exists():
        load_classes(apps.get_model("dispatch", "TicketClass"), folder / FILE_NAME)


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
