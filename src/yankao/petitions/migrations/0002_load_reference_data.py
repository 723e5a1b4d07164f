"""Load the city's petition categories (and the routing rules whose agencies are
already loaded) from the shipped CSV files.

Idempotent: `petition_reference_load()` later loads the remaining rules once the
city's agencies exist, and changes nothing else unless the files changed. Also
gives the test database its categories.
"""

from django.conf import settings
from django.db import migrations


def load(apps, schema_editor):
    from pathlib import Path

    from yankao.petitions.loading import load_reference

    load_reference(
        category_model=apps.get_model("petitions", "Category"),
        rule_model=apps.get_model("petitions", "RoutingRule"),
        agency_model=apps.get_model("organisation", "Agency"),
        district_model=apps.get_model("organisation", "District"),
        folder=Path(settings.PACKAGE_DIR) / "data" / "cities" / settings.YANKAO_CITY,
    )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial"), ("organisation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
