"""Ending a user's sessions: one, all but the caller's, or all.

Do like allauth's ``usersessions``: two verbs reused by every journey that ends
sessions. Rows are deleted in one statement; ``accounts.security.cache`` marks them
revoked for every server first (one round trip for the batch), or refuses with 503.
"""

from __future__ import annotations

from accounts.models import UserSession
from accounts.security import cache
from accounts.security.sessions.keys import hash_key


def end_sessions(*, user_id: int, keep_session_key: str | None = None) -> int:
    """Delete the user's sessions (all but ``keep_session_key``); effective at once everywhere.

    Args:
        user_id: Whose sessions to end.
        keep_session_key: The key of the session to keep (the caller's own), if any.

    Returns:
        How many sessions were ended.

    Raises:
        ServiceUnavailable: The shared cache cannot record the revocation.
    """
    sessions = UserSession.objects.filter(user_id=user_id)
    if keep_session_key:
        sessions = sessions.exclude(key_hash=hash_key(keep_session_key))
    key_hashes = list(sessions.values_list("key_hash", flat=True))
    if not key_hashes:
        return 0
    with cache.sessions_forgotten(key_hashes):
        UserSession.objects.filter(key_hash__in=key_hashes).delete()
    return len(key_hashes)


def end_session(*, user_id: int, session_id: int) -> bool:
    """Delete one of the user's sessions by its public id; ``False`` if it is not theirs."""
    deleted, _by_model = UserSession.objects.filter(user_id=user_id, pk=session_id).delete()
    return bool(deleted)
