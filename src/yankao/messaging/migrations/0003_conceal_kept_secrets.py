"""Codes and confirmation links already in the outbox (docs/adr/0021): a message
still to be sent gets its secret sealed beside a masked body; a message sent or
dead keeps the mask only."""

import re

from django.db import migrations
from django.utils import timezone

from yankao.messaging.secrets import conceal

CODE = re.compile(r"(?<![A-Za-z0-9])[A-HJ-NP-Z2-9]{8}(?![A-Za-z0-9])")
LINK = re.compile(r"https?://\S+/mailbox/confirm/\S+/")
# The messages that carried a secret: (reference type, end of the dedupe key, secret).
CARRIERS = [
    ("petitions.petition", "-registered", CODE),
    ("legal.booking", "-confirmed", CODE),
    ("petitions.draft", "", LINK),
]


def _secret(message) -> str | None:
    for ref_type, ending, pattern in CARRIERS:
        if message.ref_type == ref_type and (message.dedupe_key or "").endswith(ending):
            found = pattern.search(message.body)
            return found.group(0) if found else None
    return None


def conceal_kept_secrets(apps, schema_editor):
    OutboxMessage = apps.get_model("messaging", "OutboxMessage")
    now = timezone.now()
    carriers = OutboxMessage.objects.filter(
        ref_type__in=[ref_type for ref_type, _ending, _pattern in CARRIERS]
    ).only("pk", "ref_type", "dedupe_key", "body", "status")
    for message in carriers.iterator():
        secret = _secret(message)
        if secret is None:
            continue
        body, sealed = conceal(message.body, secret)
        if message.status in ("sent", "dead"):
            change = {"body": body, "secret_erased_at": now}
        else:
            change = {"body": body, "secret_sealed": sealed}
        OutboxMessage.objects.filter(pk=message.pk).update(**change)


class Migration(migrations.Migration):

    dependencies = [
        ("messaging", "0002_secrets_accesses_quotas"),
    ]

    operations = [
        migrations.RunPython(conceal_kept_secrets, migrations.RunPython.noop, elidable=True),
    ]
