"""An index for GET requests of one petition service: the app channel's petitions of
one category by item, so a rare category's requests are found from their own few
rows instead of by walking every request of the 90-day window.

It lives on the petitions' table but serves only Open311, so it is created here
(raw SQL, valid on SQLite and PostgreSQL; Django's model state is not changed).
"""

from django.db import migrations

NAME = "open311_petition_service"


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("petitions", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {NAME} ON petitions_petition (category_id, channel, item_id)",
            reverse_sql=f"DROP INDEX {NAME}",
        ),
    ]
