"""A queued petition's code is kept sealed (core.sealing, docs/adr/0021): the column
widens for the sealed form, and codes waiting in clear are sealed."""

from django.db import migrations, models

from yankao.core.sealing import seal


def seal_waiting_codes(apps, schema_editor):
    PetitionIntake = apps.get_model("petitions", "PetitionIntake")
    for intake in PetitionIntake.objects.exclude(code="").only("pk", "code").iterator():
        PetitionIntake.objects.filter(pk=intake.pk).update(code=seal(intake.code))


class Migration(migrations.Migration):

    dependencies = [
        ("petitions", "0009_duplicate_keys_from_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="petitionintake",
            name="code",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(seal_waiting_codes, migrations.RunPython.noop, elidable=True),
    ]
