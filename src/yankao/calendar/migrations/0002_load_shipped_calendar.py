"""Load the office calendar files shipped with the platform (2020–2027).

Idempotent: running `yankao calendar load` later changes nothing unless the
shipped files changed. Also gives the test database its calendar.
"""

from django.db import migrations


def load(apps, schema_editor):
    from yankao.calendar.loading import load_shipped

    load_shipped(apps.get_model("calendar", "CalendarDay"), apps.get_model("calendar", "CalendarVersion"))


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
