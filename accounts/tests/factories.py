"""Factories for the accounts models."""

from __future__ import annotations

from typing import Any

from factory.declarations import PostGeneration, Sequence
from factory.django import DjangoModelFactory

from accounts.models import User

PASSWORD = "correct-horse-battery-staple"


def _set_password(user: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
    user.set_password(extracted or PASSWORD)
    if create:
        user.save(update_fields=["password"])


class UserFactory(DjangoModelFactory[User]):
    """Build users with ``UserFactory.create(...)``, which factory-boy types as ``User``."""

    email = Sequence(lambda n: f"user{n}@example.com")
    first_name = "Ann"
    last_name = "Lee"
    # What ``@factory.post_generation`` builds, without its untyped decorator.
    password = PostGeneration(_set_password)

    class Meta:
        model = User
        skip_postgeneration_save = True
