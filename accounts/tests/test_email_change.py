"""Moving an account to another address, confirmed from the new address."""

from __future__ import annotations

import time

import pytest
from django.core import signing

from accounts.models import PendingEmailChange, SecurityEvent, User
from accounts.security import keys
from accounts.tests.conftest import link_in, text_part
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import BrowserClient

pytestmark = pytest.mark.django_db(transaction=True)


class _SignedAnHourAgo(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 3600 - 60)


def _request(client, new_email, password=PASSWORD):
    return client.post(
        "/auth/change_email/", {"new_email": new_email, "password": password}, format="json"
    )


def _confirm(client, key):
    return client.post("/auth/confirm_email_change/", {"key": key}, format="json")


def _key_sent_to(mailbox, old_email, new_email):
    delivered = {message["To"]: message for message in mailbox.run_worker()}
    assert set(delivered) == {old_email, new_email}
    notice = delivered[old_email]
    assert notice["Subject"] == "A change of your email address was requested"
    assert new_email in text_part(notice)
    return link_in(delivered[new_email], "/confirm-email")["key"]


def test_the_email_changes_when_the_link_sent_to_the_new_address_is_followed(mailbox):
    user = UserFactory.create(email="ann@example.com")
    client = BrowserClient()
    client.log_in(user.email)

    response = _request(client, " Ann.New@Example.com ")

    assert response.status_code == 202
    assert response.json() == {"message": "A confirmation link was sent to the new address."}
    assert User.objects.get(pk=user.pk).email == "ann@example.com"  # not yet
    key = _key_sent_to(mailbox, "ann@example.com", "ann.new@example.com")

    response = _confirm(BrowserClient(), key)  # another device, no session

    assert response.status_code == 200
    body = response.json()
    assert (body["email"], body["email_verified"]) == ("ann.new@example.com", True)
    assert User.objects.get(pk=user.pk).email == "ann.new@example.com"
    assert SecurityEvent.objects.filter(user=user, type="email_changed").count() == 1
    notice = mailbox.deliver_one("ann@example.com")
    assert notice["Subject"] == "Your email address was changed"
    assert "changed to ann.new@example.com" in text_part(notice)
    # The session that asked stays signed in; the new address is the login.
    assert client.get("/auth/me/").json()["email"] == "ann.new@example.com"
    BrowserClient().log_in("ann.new@example.com")


def test_a_wrong_password_is_a_400_on_password_and_sends_nothing(client, mailbox):
    user = UserFactory.create()
    client.log_in(user.email)

    response = _request(client, "new@example.com", password="not-the-password")

    assert response.status_code == 400
    assert response.json() == {
        "password": ["The password is not correct."],
        "codes": {"password": ["wrong_password"]},
    }
    assert mailbox.run_worker() == []


def test_an_address_taken_meanwhile_is_refused_at_confirmation(client, mailbox):
    user = UserFactory.create()
    client.log_in(user.email)
    _request(client, "wanted@example.com")
    key = _key_sent_to(mailbox, user.email, "wanted@example.com")
    UserFactory.create(email="wanted@example.com")

    response = _confirm(client, key)

    assert response.status_code == 400
    assert response.json() == {
        "email": ["A user with that email already exists."],
        "codes": {"email": ["email_taken"]},
    }
    assert User.objects.get(pk=user.pk).email == user.email


def test_an_address_already_taken_is_refused_at_once(client, mailbox):
    user = UserFactory.create()
    UserFactory.create(email="taken@example.com")
    client.log_in(user.email)

    response = _request(client, "TAKEN@example.com")

    assert response.status_code == 400
    assert response.json()["codes"] == {"new_email": ["email_taken"]}
    assert mailbox.run_worker() == []


def test_the_current_address_is_refused(client):
    user = UserFactory.create()
    client.log_in(user.email)

    response = _request(client, user.email)

    assert response.status_code == 400
    assert response.json()["codes"] == {"new_email": ["same_email"]}


def test_a_confirmation_key_works_once(client, mailbox):
    user = UserFactory.create()
    client.log_in(user.email)
    _request(client, "new@example.com")
    key = _key_sent_to(mailbox, user.email, "new@example.com")
    assert _confirm(client, key).status_code == 200

    response = _confirm(client, key)

    assert response.status_code == 400
    assert response.json() == {
        "key": ["This link is invalid or has expired."],
        "codes": {"key": ["invalid_link"]},
    }


def test_a_confirmation_key_older_than_an_hour_is_refused(client):
    user = UserFactory.create()
    key = _SignedAnHourAgo(salt=keys._EMAIL_CHANGE_SALT).sign_object(
        {"user": user.pk, "from": user.email, "to": "new@example.com"}
    )

    response = _confirm(client, key)

    assert response.status_code == 400
    assert User.objects.get(pk=user.pk).email == user.email


def test_a_forged_key_is_refused(client):
    user = UserFactory.create()
    genuine = keys.make_email_change_key(
        PendingEmailChange.objects.create(user=user, new_email="new@example.com")
    )
    forged = signing.dumps(
        {"user": user.pk, "from": user.email, "to": "attacker@example.com"}, salt="other"
    )

    for key in [genuine[:-2] + "xx", forged, keys.make_verification_key(user)]:
        assert _confirm(client, key).status_code == 400, key
    assert User.objects.get(pk=user.pk).email == user.email


def test_change_email_needs_a_session_and_a_csrf_token(client, mailbox):
    assert _request(client, "new@example.com").status_code == 401
    user = UserFactory.create()
    client.log_in(user.email)
    client.credentials()

    assert _request(client, "new@example.com").status_code == 403
    assert mailbox.run_worker() == []
