"""Bookings wait for a confirmation code (ADR 0022): the columns of the code, the
hold, the release and the limits per e-mail and network address. 0005 fills them
for the bookings made before; 0006 adds the constraints."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('legal', '0003_booking_numbers_six_digits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='booking',
            name='status',
            field=models.CharField(choices=[('pending', 'Awaiting confirmation'), ('booked', 'Booked'), ('attended', 'Attended'), ('no_show', 'Did not come'), ('cancelled', 'Cancelled')], default='booked', max_length=12, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='booking',
            name='cancelled_by',
            field=models.CharField(blank=True, choices=[('citizen', 'The citizen'), ('staff', 'Staff'), ('session', 'The session was cancelled'), ('unconfirmed', 'Not confirmed')], max_length=12, verbose_name='cancelled by'),
        ),
        migrations.AddField(
            model_name='booking',
            name='email_key',
            field=models.CharField(blank=True, db_index=True, max_length=254),
        ),
        migrations.AddField(
            model_name='booking',
            name='address_digest',
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name='booking',
            name='hold_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='held unconfirmed until'),
        ),
        migrations.AddField(
            model_name='booking',
            name='confirm_via',
            field=models.CharField(blank=True, choices=[('sms', 'SMS to the phone'), ('email', 'E-mail')], max_length=8, verbose_name='confirmation code sent by'),
        ),
        migrations.AddField(
            model_name='booking',
            name='confirm_digest',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='booking',
            name='confirm_attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='wrong confirmation codes'),
        ),
        migrations.AddField(
            model_name='booking',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='confirmed at'),
        ),
        migrations.AddField(
            model_name='booking',
            name='released_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='released at'),
        ),
        migrations.AddField(
            model_name='booking',
            name='released_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='released by'),
        ),
        migrations.AddField(
            model_name='booking',
            name='release_reason',
            field=models.CharField(blank=True, choices=[('expired', 'Not confirmed in time'), ('attempts', 'Too many wrong confirmation codes'), ('desk', 'Released by the desk: not confirmed'), ('no_show', 'Released by the desk: the citizen did not come')], max_length=10, verbose_name='reason for the release'),
        ),
    ]
