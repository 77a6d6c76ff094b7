"""Verifying the email address: registration sends a link, the link verifies the address."""

from __future__ import annotations

import pytest

from accounts.tests.conftest import link_in, text_part
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_registration_emails_a_link_that_verifies_the_address(client, mailbox):
    response = client.post(
        "/auth/", {"email": "Ann@Example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201

    message = mailbox.deliver_one("ann@example.com")
    assert message["Subject"] == "Verify your email address"
    assert "ann@example.com" in text_part(message)
    key = link_in(message, "/verify-email")["key"]

    response = client.post("/auth/verify_email/", {"key": key}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["email_verified"] is True
