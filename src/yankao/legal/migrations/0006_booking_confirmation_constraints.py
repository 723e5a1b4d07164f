"""The invariants of confirmation (ADR 0022), after 0005 filled the columns they
check: a waiting booking has a hold, a held one a confirmation moment, a release a
reason; and a booking released for a walk-in no longer holds its slot."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('legal', '0005_booking_confirmation_data'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='booking',
            name='legal_booking_one_per_slot',
        ),
        migrations.RemoveConstraint(
            model_name='booking',
            name='legal_booking_status_valid',
        ),
        migrations.AddIndex(
            model_name='booking',
            index=models.Index(fields=['status', 'hold_until'], name='legal_booking_hold'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.UniqueConstraint(condition=models.Q(models.Q(('status', 'cancelled'), _negated=True), ('released_at__isnull', True)), fields=('session', 'slot'), name='legal_booking_one_per_slot'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'booked', 'attended', 'no_show', 'cancelled'])), name='legal_booking_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'pending'), _negated=True), ('hold_until__isnull', False), _connector='OR'), name='legal_booking_pending_has_hold'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['booked', 'attended', 'no_show']), _negated=True), ('confirmed_at__isnull', False), _connector='OR'), name='legal_booking_held_is_confirmed'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(('released_at__isnull', True), models.Q(('release_reason', ''), _negated=True), _connector='OR'), name='legal_booking_release_has_reason'),
        ),
    ]
