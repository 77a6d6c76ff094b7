"""Concurrent requests on a real database: the constraint decides, never a 5xx."""

from __future__ import annotations

import threading
from http import HTTPStatus
from typing import Any

import pytest
from django.db import connections

from accounts.models import User
from accounts.tests.factories import PASSWORD
from conftest import BrowserClient


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_registrations_create_exactly_one_account():
    attempts = 8
    barrier = threading.Barrier(attempts)
    statuses: list[int] = []
    bodies: list[dict[str, Any]] = []

    def register(index: int) -> None:
        try:
            client = BrowserClient()
            email = f"{'ANN' if index % 2 else 'ann'}@example.com"
            barrier.wait()
            response = client.post("/auth/", {"email": email, "password": PASSWORD}, format="json")
            statuses.append(response.status_code)
            bodies.append(response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [HTTPStatus.CREATED] + [HTTPStatus.BAD_REQUEST] * (attempts - 1)
    refusals = [body for body in bodies if "codes" in body]
    assert all(body["codes"] == {"email": ["email_taken"]} for body in refusals)
    assert User.objects.filter(email="ann@example.com").count() == 1
