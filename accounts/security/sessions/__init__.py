"""Browser sessions: the key format, the engine over ``UserSession``, and ending them.

- :mod:`.keys`: what a session key looks like, and how it is stored (a hash);
- :mod:`.engine`: the ``SESSION_ENGINE`` (Django's session API over the registry);
- :mod:`.revocation`: ending one, the others or all of a user's sessions.
"""
