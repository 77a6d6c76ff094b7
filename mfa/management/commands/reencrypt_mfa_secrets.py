"""``manage.py reencrypt_mfa_secrets``: the last step of rotating ``SECRET_KEY``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mfa.totp import reencrypt_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored authenticator-app secret under the current SECRET_KEY. "
        "Run it after moving the old key to SECRET_KEY_FALLBACKS; once it reports nothing "
        "unreadable, the old key can be removed from the fallbacks."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = reencrypt_secrets()
        self.stdout.write(
            f"Re-encrypted {report.reencrypted} secret(s); "
            f"{report.already_current} already under the current key."
        )
        if report.unreadable_user_ids:
            raise CommandError(
                f"{len(report.unreadable_user_ids)} secret(s) could not be decrypted with "
                "SECRET_KEY or any of SECRET_KEY_FALLBACKS (users "
                f"{', '.join(map(str, report.unreadable_user_ids))}): add the key they were "
                "made with to SECRET_KEY_FALLBACKS and run this again."
            )
