"""Fill the user table up to a number of users, fast: ``python -m bench.fill 1000000``.

One real user is made through the model (so its password is the product's Argon2id hash
of the benchmark's password, and every column has its default), then copied in one
``INSERT ... SELECT`` over PostgreSQL's ``generate_series`` (SQLite: a recursive
``WITH``), each copy with its own email ``fill-<n>@example.com``. A million rows take
well under a minute on PostgreSQL; the tables are analysed afterwards, as autovacuum
would, so that the planner knows their size. Run with the benchmark's environment.
"""

from __future__ import annotations

import sys
import time

import django


def fill(total: int) -> int:
    """Add users until the table holds ``total``; returns how many were added."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    User = get_user_model()
    missing = total - User.objects.count()
    if missing <= 0:
        return 0
    from bench.run import PASSWORD

    template = User.objects.create_user(email="fill-template@example.com", password=PASSWORD)
    missing -= 1
    table = connection.ops.quote_name(User._meta.db_table)
    skipped = {User._meta.pk.column, "email"}
    columns = [f.column for f in User._meta.concrete_fields if f.column not in skipped]
    pk = connection.ops.quote_name(User._meta.pk.column)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    email = "'fill-' || n || '@example.com'"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (email, {quoted}) SELECT {email}, {quoted} "  # noqa: S608
                f"FROM {table}, generate_series(1, %s) AS n WHERE {pk} = %s",
                [missing, template.pk],
            )
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute(
                "WITH RECURSIVE series(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM series "  # noqa: S608
                f"WHERE n < %s) INSERT INTO {table} (email, {quoted}) SELECT {email}, {quoted} "
                f"FROM {table}, series WHERE {pk} = %s",
                [missing, template.pk],
            )
            cursor.execute("ANALYZE")
    return missing + 1


def main() -> None:
    django.setup()
    total = int(sys.argv[1])
    started = time.monotonic()
    added = fill(total)
    print(f"{added} users added in {time.monotonic() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
