"""The reporter-data log shares the platform's access-log fields (core's
PersonalDataAccess), which include a reason; earlier looks have none."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0005_open311_class_channel")]

    operations = [
        migrations.AddField(
            model_name="ticketpersonaldataaccess",
            name="reason",
            field=models.CharField(default="", max_length=300, verbose_name="reason"),
            preserve_default=False,
        ),
    ]
