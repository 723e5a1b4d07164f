"""Load the city's dispatch classes from the shipped CSV file (idempotent; also
gives the test database its classes)."""

from django.conf import settings
from django.db import migrations


def load(apps, schema_editor):
    from pathlib import Path

    from yankao.dispatch.loading import FILE_NAME, load_classes

    folder = Path(settings.PACKAGE_DIR) / "data" / "cities" / settings.YANKAO_CITY
    if (folder / FILE_NAME).exists():
        load_classes(apps.get_model("dispatch", "TicketClass"), folder / FILE_NAME)


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
