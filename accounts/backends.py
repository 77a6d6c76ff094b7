"""The authentication backend: the one place where a sign-in password is checked.

Every entry point that signs someone in with a password (the API login, bearer-token
creation, the admin's login form, the account pages) calls Django's ``authenticate()``,
which lands here. So every one of them counts toward the same limits, leaves the same
events and costs the same time, whether or not the account exists (do like
django-axes: the backend is the gate).

It also finds the user of a session without a query of its own: the session engine
reads the row joined to its user, or the shared cache brings both at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import DatabaseError
from django.http import HttpRequest

from accounts.models import User, normalize_email
from accounts.security import cache, lockout, second_factors
from accounts.security.events import record_failed_login
from accounts.security.sessions.engine import take_session_user
from core.client import NO_CLIENT, Client
from core.exceptions import ServiceUnavailable


class AccountBackend(ModelBackend):
    """Django's model backend, gated by the login limits and reading through the cache."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        *,
        client: Client | None = None,
        **kwargs: Any,
    ) -> User | None:
        """Check a sign-in password, counting the attempt before the check.

        The attempt is reserved before the password is checked
        (``accounts.security.lockout``), so concurrent guesses cannot slip past the
        limit: the address's login request, the email's and the address's failure
        counts in one counter operation, settled after the check in at most one more.
        Django's backend runs the password hasher for an unknown email too.

        Call it outside ``transaction.atomic``: on the database counters (no Redis) a
        rollback would also undo the failure just counted.

        Raises:
            RateLimited: Too many login requests from this address; likewise unchecked.
            LockedOut: Too many failures for this email; the password was not checked.
            TooManyFailures: Too many failures from this address; likewise.
        """
        email = kwargs.get(User.USERNAME_FIELD, username)
        if not isinstance(email, str) or not isinstance(password, str):
            return None
        if client is None:
            client = Client.of(request) if request is not None else NO_CLIENT
        attempt = lockout.reserve_attempt(email=email, ip=client.ip or "")
        try:
            user = self._check_password(email, password)
        except (DatabaseError, ServiceUnavailable):
            # An outage (503): the client learns nothing of the password, so the attempt
            # is not a failure, and an owner retrying through it is not locked out after.
            lockout.attempt_abandoned(attempt)
            raise
        if user is None:
            record_failed_login(client=client, email=email)
            return None
        lockout.attempt_succeeded(
            attempt, second_step_follows=second_factors.has_second_factor(user)
        )
        return user

    def _check_password(self, email: str, password: str) -> User | None:
        """Django's check, with whether a second step follows read in the same query.

        An unknown email costs a hash too (on an unsaved user), so the answer takes as
        long whether or not the account exists.
        """
        user = (
            User.objects.annotate(has_second_factor=second_factors.sign_in_annotation())
            .filter(email=normalize_email(email))
            .first()
        )
        if user is None:
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        user, from_cache, state = take_session_user(user_id)
        if user is None and state is None:
            user, state = cache.read_user(user_id)
            from_cache = user is not None
        if user is None:
            user = super().get_user(user_id)
            from_cache = False
            if user is None:
                return None
        if not from_cache and state is not None:
            cache.remember_user(user, state)
        return user if self.user_can_authenticate(user) else None
