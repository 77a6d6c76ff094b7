"""Wrap every stored legacy password hash in the product's Argon2id, ahead of any login.

Why: the time a login takes must not tell an account with an old hash from a new one or
from an unknown email (docs/security.md, "Legacy password hashes"). Each hash costs one
Argon2id computation (about 20 ms), so a large user base takes a while: run
``manage.py wrap_legacy_password_hashes`` before migrating and this finds nothing left.

Not atomic: every row is written on its own, only if its hash is still the one read, so
a crash or a concurrent login loses nothing and running it again carries on.

It calls ``accounts.security.legacy_hashes.wrap_legacy_hashes`` (as the example in Django's
docs calls its hasher), which must stay importable.

The reverse does nothing: a wrapped hash cannot be unwrapped (that is the point), and
it keeps verifying as long as the wrapped hashers stay in ``PASSWORD_HASHERS``.
"""

from django.db import migrations


def wrap_legacy_password_hashes(apps, schema_editor):
    from accounts.security.legacy_hashes import wrap_legacy_hashes

    User = apps.get_model("accounts", "User")
    wrap_legacy_hashes(User.objects.using(schema_editor.connection.alias).all())


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0004_widen_password_for_wrapped_hashes"),
    ]

    operations = [
        migrations.RunPython(wrap_legacy_password_hashes, migrations.RunPython.noop),
    ]
