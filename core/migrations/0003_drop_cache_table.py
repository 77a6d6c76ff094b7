"""Drop the database cache table: nothing shared lives in a cache without Redis any more.

Counters have their own table (0002) and sessions are read from theirs. On a fresh
database 0001 creates nothing (no database cache is configured), so this only cleans
up databases made before.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_counter")]
    operations = [
        migrations.RunSQL('DROP TABLE IF EXISTS "django_cache"', migrations.RunSQL.noop),
    ]
