"""GET requests of one petition service walk the app channel's petitions of that
category newest first by their own receipt time (petitions keep it since
petitions 0007): a range of one index, stopped after the page, whether the
service is rare or common. It replaces 0002's index by item, which could only
list a rare service's rows.

It lives on the petitions' table but serves only Open311, so it is created here
(raw SQL, valid on SQLite and PostgreSQL; Django's model state is not changed).
Django does not know it: on SQLite, a later migration that rebuilds the petitions'
table (as AlterField does) drops it, as petitions 0007 dropped 0002's. It belongs
in Petition.Meta.indexes; until the petitions app takes it, a rebuild must be
followed by a migration here that creates it again.
"""

from django.db import migrations

OLD = "open311_petition_service"
NEW = "open311_petition_service_time"


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0002_petition_service_index"),
        ("petitions", "0007_petition_received_at"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"DROP INDEX IF EXISTS {OLD}",  # SQLite rebuilt the table in petitions 0007
            reverse_sql=f"CREATE INDEX {OLD} ON petitions_petition (category_id, channel, item_id)",
        ),
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX {NEW} ON petitions_petition "
                "(category_id, channel, received_at, item_id)"
            ),
            reverse_sql=f"DROP INDEX {NEW}",
        ),
    ]
