"""Deleting an account: nothing of the user stays behind."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from accounts.models import SecurityEvent, User
from accounts.security.events import record_security_event
from accounts.security.tokens import find_token, issue_token
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import BrowserClient

pytestmark = pytest.mark.django_db(transaction=True)


def _rows_pointing_at(user_id: int) -> dict[str, int]:
    """Count, in every model of every app, the rows whose foreign keys name the user."""
    counts: dict[str, int] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey | models.OneToOneField)
                and field.related_model is User
            ):
                label = f"{model._meta.label}.{field.name}"
                counts[label] = model._default_manager.filter(**{field.attname: user_id}).count()
    return counts


def _delete(client, password=PASSWORD):
    return client.post("/auth/delete_account/", {"password": password}, format="json")


def test_delete_account_leaves_no_row_of_the_user_behind(mailbox):
    user = UserFactory.create()
    client, other_browser = BrowserClient(), BrowserClient()
    other_browser.log_in(user.email)
    client.log_in(user.email)
    _, secret = issue_token(user=user, name="phone")
    record_security_event(type=SecurityEvent.Type.LOGIN, user=user)
    client.post("/auth/resend_verification/")  # an email still queued for the account
    before = _rows_pointing_at(user.pk)
    assert before["accounts.UserSession.user"] == 2
    assert before["accounts.AuthToken.user"] == 1
    assert before["accounts.SecurityEvent.user"] >= 1

    response = _delete(client)

    assert response.status_code == 204
    assert response.content == b""
    assert not User.objects.filter(pk=user.pk).exists()
    assert set(_rows_pointing_at(user.pk).values()) == {0}
    assert not SecurityEvent.objects.filter(user__isnull=True).exists()
    assert client.get("/auth/me/").status_code == 401
    assert other_browser.get("/auth/me/").status_code == 401
    assert find_token(secret) is None
    # The queued email finds no account and is dropped.
    assert mailbox.run_worker() == []


def test_a_deleted_accounts_email_can_register_again(client):
    user = UserFactory.create(email="ann@example.com")
    client.log_in(user.email)
    assert _delete(client).status_code == 204

    response = BrowserClient().post(
        "/auth/", {"email": "ann@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["id"] != user.pk


def test_a_wrong_password_is_a_400_and_deletes_nothing(client):
    user = UserFactory.create()
    client.log_in(user.email)

    response = _delete(client, password="not-the-password")

    assert response.status_code == 400
    assert response.json() == {
        "password": ["The password is not correct."],
        "codes": {"password": ["wrong_password"]},
    }
    assert User.objects.filter(pk=user.pk).exists()
    assert client.get("/auth/me/").status_code == 200


def test_delete_account_needs_a_session_and_a_csrf_token(client):
    assert _delete(client).status_code == 401
    user = UserFactory.create()
    client.log_in(user.email)
    client.credentials()

    assert _delete(client).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()
