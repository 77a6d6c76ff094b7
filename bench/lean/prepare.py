"""Migrate the lean ceiling's database and sign users in: one session cookie a line.

``python -m bench.lean.prepare EMAIL...`` with ``DJANGO_SETTINGS_MODULE=bench.lean.settings``.
Each user is created and signed in through Django's own ``login()`` on its session engine
(what a login view does), so the cookie names a real session row.
"""

import sys

import django


def main(emails: list[str]) -> None:
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model, login
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.http import HttpRequest

    call_command("migrate", interactive=False, verbosity=0)
    for email in emails:
        user = get_user_model().objects.create_user(email, email, "unused-password")
        request = HttpRequest()
        request.session = SessionStore()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.save()
        print(f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}")


if __name__ == "__main__":
    main(sys.argv[1:])
