"""Load the city's policy pillars and the mayor's pledges from the shipped CSV file
(idempotent; also gives the test database its pledges)."""

from django.db import migrations


def load(apps, schema_editor):
    from yankao.control.loading import FILE_NAME, load_pledges
    from yankao.organisation.services import city_data_dir

    folder = city_data_dir()
    if (folder / FILE_NAME).exists():
        load_pledges(
            apps.get_model("control", "Pillar"),
            apps.get_model("control", "Pledge"),
            folder / FILE_NAME,
        )


class Migration(migrations.Migration):
    dependencies = [("control", "0003_programmes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
