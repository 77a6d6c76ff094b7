"""Verifying the email address: registration sends a link, the link verifies the address."""

from __future__ import annotations

import time

import pytest
from django.core import signing

from accounts.models import PendingEmailChange, SecurityEvent, User
from accounts.security import keys
from accounts.tests.conftest import html_part, link_in, text_part
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class _SignedYesterday(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 24 * 3600 - 60)


def test_registration_emails_a_link_that_verifies_the_address(client, mailbox):
    response = client.post(
        "/auth/", {"email": "Ann@Example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201

    message = mailbox.deliver_one("ann@example.com")
    assert message["Subject"] == "Verify your email address"
    assert "Please confirm that ann@example.com is your email address" in text_part(message)
    assert '<html lang="en" dir="ltr">' in html_part(message)
    key = link_in(message, "/verify-email")["key"]

    # No session: the key is the proof.
    response = client.post("/auth/verify_email/", {"key": key}, format="json")
    assert response.status_code == 200, response.content
    user = User.objects.get(email="ann@example.com")
    assert response.json() == {
        "id": user.pk,
        "email": "ann@example.com",
        "first_name": "",
        "last_name": "",
        "currency": "EGP",
        "status": "Onboarding",
        "language": "en",
        "email_verified": True,
        "date_joined": user.date_joined.isoformat().replace("+00:00", "Z"),
    }
    assert list(SecurityEvent.objects.values_list("type", flat=True)) == ["email_verified"]


def test_a_verification_key_works_once(client, mailbox):
    client.post("/auth/", {"email": "ann@example.com", "password": PASSWORD}, format="json")
    key = link_in(mailbox.deliver_one("ann@example.com"), "/verify-email")["key"]
    assert client.post("/auth/verify_email/", {"key": key}, format="json").status_code == 200

    response = client.post("/auth/verify_email/", {"key": key}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "key": ["This link is invalid or has expired."],
        "codes": {"key": ["invalid_link"]},
    }


def test_a_verification_key_older_than_a_day_is_refused(client):
    user = UserFactory.create()
    key = _SignedYesterday(salt=keys._VERIFY_SALT).sign_object(
        {"user": user.pk, "email": user.email}
    )

    response = client.post("/auth/verify_email/", {"key": key}, format="json")

    assert response.status_code == 400
    assert response.json()["codes"] == {"key": ["invalid_link"]}
    user.refresh_from_db()
    assert user.email_verified is False


def test_a_forged_or_foreign_key_is_refused(client):
    user = UserFactory.create()
    genuine = keys.make_verification_key(user)
    # A key for the email-change purpose is not a verification key.
    other_purpose = keys.make_email_change_key(
        PendingEmailChange.objects.create(user=user, new_email="new@example.com")
    )

    for key in [genuine[:-2] + "xx", other_purpose, "nonsense", ""]:
        response = client.post("/auth/verify_email/", {"key": key}, format="json")
        assert response.status_code == 400, key
    user.refresh_from_db()
    assert user.email_verified is False


def test_a_key_for_an_address_the_account_no_longer_has_is_refused(client):
    user = UserFactory.create()
    key = keys.make_verification_key(user)
    User.objects.filter(pk=user.pk).update(email="moved@example.com")

    response = client.post("/auth/verify_email/", {"key": key}, format="json")

    assert response.status_code == 400
    assert User.objects.get(pk=user.pk).email_verified is False


def test_resend_verification_sends_a_new_working_link(client, mailbox):
    user = UserFactory.create()
    client.log_in(user.email)

    response = client.post("/auth/resend_verification/")

    assert response.status_code == 202
    assert response.json() == {"message": "A verification link is on its way."}
    key = link_in(mailbox.deliver_one(user.email), "/verify-email")["key"]
    assert client.post("/auth/verify_email/", {"key": key}, format="json").status_code == 200


def test_resend_verification_sends_nothing_once_verified(client, mailbox):
    user = UserFactory.create(email_verified=True)
    client.log_in(user.email)

    response = client.post("/auth/resend_verification/")

    assert response.status_code == 202
    assert mailbox.run_worker() == []


def test_resend_verification_needs_a_session_and_a_csrf_token(client, mailbox):
    assert client.post("/auth/resend_verification/").status_code == 401
    user = UserFactory.create()
    client.log_in(user.email)
    client.credentials()  # drop the X-CSRFToken header

    response = client.post("/auth/resend_verification/")

    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF token missing or incorrect.", "code": "csrf_failed"}
    assert mailbox.run_worker() == []


def test_the_email_is_written_in_the_recipients_language_not_the_requests(client, mailbox):
    user = UserFactory.create(language="ar")
    client.log_in(user.email)

    client.post("/auth/resend_verification/", HTTP_ACCEPT_LANGUAGE="en")

    message = mailbox.deliver_one(user.email)
    assert message["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in html_part(message)
