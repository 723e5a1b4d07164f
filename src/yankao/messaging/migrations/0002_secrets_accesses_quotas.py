import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("messaging", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="secret_sealed",
            field=models.TextField(blank=True, verbose_name="sealed secret"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="secret_erased_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="secret erased at"),
        ),
        migrations.CreateModel(
            name="MessageAccess",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(verbose_name="at")),
                ("reason", models.CharField(max_length=300, verbose_name="reason")),
                ("where", models.CharField(max_length=40, verbose_name="where")),
                ("message", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="accesses", to="messaging.outboxmessage", verbose_name="message")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "look at an outbound message",
                "verbose_name_plural": "looks at outbound messages",
                "ordering": ["-at", "-pk"],
                "abstract": False,
                "indexes": [models.Index(fields=["message", "at"], name="message_access_at")],
            },
        ),
        migrations.CreateModel(
            name="RecipientQuota",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=64)),
                ("hour", models.DateTimeField()),
                ("count", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["hour"], name="recipient_quota_hour")],
                "constraints": [models.UniqueConstraint(fields=("key", "hour"), name="recipient_quota_once_per_hour")],
            },
        ),
    ]
