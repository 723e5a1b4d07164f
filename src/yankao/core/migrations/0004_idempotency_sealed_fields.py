"""Stored answers keep their secrets sealed (docs/adr/0021): the record names its
sealed fields, and the codes in answers kept before are sealed now."""

import re

from django.db import migrations, models

from yankao.core.sealing import seal

# The only answer fields that ever held a citizen's code: the petition's and the
# legal booking's (both 8 characters of core.codes' alphabet).
SECRET_FIELDS = ("verification_code", "code")
CODE = re.compile(r"[A-HJ-NP-Z2-9]{8}")


def seal_kept_codes(apps, schema_editor):
    IdempotencyKey = apps.get_model("core", "IdempotencyKey")
    for record in IdempotencyKey.objects.exclude(response_body=None).iterator():
        body = record.response_body
        if not isinstance(body, dict):
            continue
        found = [
            name
            for name in SECRET_FIELDS
            if isinstance(body.get(name), str) and CODE.fullmatch(body[name])
        ]
        if found:
            sealed = {**body, **{name: seal(body[name]) for name in found}}
            IdempotencyKey.objects.filter(pk=record.pk).update(
                response_body=sealed, sealed_fields=found
            )


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_workerheartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="idempotencykey",
            name="sealed_fields",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(seal_kept_codes, migrations.RunPython.noop, elidable=True),
    ]
