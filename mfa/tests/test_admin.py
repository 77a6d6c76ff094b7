"""The admin: staff answer their second factor, need one, and remove a user's factors."""

from __future__ import annotations

import json
import re
import time
from http import HTTPStatus

import pytest
from django.test import Client

from accounts.app_settings import app_settings
from accounts.models import SecurityEvent, User
from accounts.tests.conftest import text_part
from accounts.tests.factories import PASSWORD, UserFactory
from mfa import base, recovery_codes, totp
from mfa.models import TOTPDevice
from mfa.tests.helpers import code_now, wrong_code

pytestmark = pytest.mark.django_db


def enrol(user: User) -> str:
    setup = totp.start_setup(user=user)
    totp.confirm_setup(user=user, code=totp.code_at(setup.secret, time.time() - 30))
    return setup.secret


@pytest.fixture
def staff() -> User:
    return User.objects.create_superuser("boss@example.com", PASSWORD)


def password_step(client: Client, email: str, password: str = PASSWORD) -> str:
    client.get("/admin/login/")
    response = client.post(
        "/admin/login/?next=/admin/accounts/user/", {"username": email, "password": password}
    )
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def mfa_token_in(page: str) -> str:
    found = re.search(r'name="mfa_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_staff_with_an_app_answer_it_after_the_password(staff):
    secret = enrol(staff)
    client = Client()

    page = password_step(client, staff.email)

    assert "Code from your authenticator app" in page
    assert client.get("/admin/").status_code == HTTPStatus.FOUND  # not signed in yet
    response = client.post(
        "/admin/login/?next=/admin/accounts/user/",
        {
            "mfa_token": mfa_token_in(page),
            "code": code_now(secret),
            "next": "/admin/accounts/user/",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/accounts/user/"
    assert client.get("/admin/").status_code == HTTPStatus.OK
    assert SecurityEvent.objects.filter(user=staff, type="login").count() == 1


def test_a_wrong_code_asks_again_and_five_void_the_sign_in(staff):
    secret = enrol(staff)
    client = Client()
    token = mfa_token_in(password_step(client, staff.email))

    answers = [
        client.post("/admin/login/", {"mfa_token": token, "code": wrong_code(secret)})
        for _ in range(5)
    ]

    first = answers[0].content.decode()
    assert "The code is not correct, or it was already used." in first
    assert mfa_token_in(first) == token
    assert 'name="password"' in answers[4].content.decode()  # back to the password
    assert "This sign-in has expired. Sign in again." in answers[4].content.decode()
    assert client.get("/admin/").status_code == HTTPStatus.FOUND
    assert SecurityEvent.objects.filter(user=staff, type="mfa_failed").count() == 5


def test_a_recovery_code_signs_staff_in_once(staff):
    enrol(staff)
    codes = recovery_codes.generate_codes(user=staff)
    client = Client()
    token = mfa_token_in(password_step(client, staff.email))

    response = client.post("/admin/login/", {"mfa_token": token, "recovery_code": codes[0]})

    assert response.status_code == HTTPStatus.FOUND
    assert recovery_codes.count_codes(staff).unused == 9


def test_the_second_step_is_bound_to_the_browser_that_began_it(staff):
    secret = enrol(staff)
    token = mfa_token_in(password_step(Client(), staff.email))
    thief = Client()
    thief.get("/admin/login/")

    response = thief.post("/admin/login/", {"mfa_token": token, "code": code_now(secret)})

    assert response.status_code == HTTPStatus.OK
    assert "This sign-in has expired. Sign in again." in response.content.decode()
    assert thief.get("/admin/").status_code == HTTPStatus.FOUND


def test_staff_without_a_factor_are_kept_out_when_required(staff, settings):
    settings.ACCOUNTS_ADMIN_REQUIRE_MFA = True
    client = Client()

    page = password_step(client, staff.email)
    signed_in_elsewhere = Client()
    signed_in_elsewhere.force_login(staff)

    assert "Staff accounts need a second factor to enter the admin." in page
    assert client.get("/admin/").status_code == HTTPStatus.FOUND
    kept_out = signed_in_elsewhere.get("/admin/", follow=True)
    assert "Staff accounts need a second factor" in kept_out.content.decode()
    assert signed_in_elsewhere.get("/admin/accounts/user/").status_code == HTTPStatus.FOUND


def test_without_the_requirement_staff_without_a_factor_sign_in_with_the_password(staff, settings):
    settings.ACCOUNTS_ADMIN_REQUIRE_MFA = False
    client = Client()
    client.get("/admin/login/")

    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_the_requirement_is_on_by_default_when_debug_is_off(settings):
    del settings.ACCOUNTS_ADMIN_REQUIRE_MFA
    settings.DEBUG = False
    assert app_settings.ADMIN_REQUIRE_MFA is True
    settings.DEBUG = True
    assert app_settings.ADMIN_REQUIRE_MFA is False


def test_a_wrong_password_in_the_admin_says_nothing_of_a_second_factor(staff):
    enrol(staff)

    page = password_step(Client(), staff.email, password="not-the-password")

    assert "mfa_token" not in page
    assert "Please enter the correct email" in page


def staff_client(staff: User) -> Client:
    enrol(staff)
    client = Client()
    client.force_login(staff)
    return client


def test_the_users_page_shows_their_factors(staff):
    user = UserFactory.create()
    enrol(user)
    recovery_codes.generate_codes(user=user)

    page = staff_client(staff).get(f"/admin/accounts/user/{user.pk}/change/")

    assert page.status_code == HTTPStatus.OK
    assert "authenticator app, recovery codes" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_staff_remove_a_users_factors_with_event_and_email(staff, mailbox):
    user = UserFactory.create()
    enrol(user)
    recovery_codes.generate_codes(user=user)
    client = staff_client(staff)
    mailbox.run_worker()  # nothing queued by the set-up above, but be sure

    response = client.post(
        "/admin/accounts/user/",
        {"action": "remove_second_factors", "_selected_action": [user.pk]},
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    assert "Removed the second factors of 1 user." in response.content.decode()
    assert base.active_factors(user) == []
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert recovery_codes.count_codes(user).total == 0
    assert list(SecurityEvent.objects.filter(user=user).values_list("type", flat=True)) == [
        "mfa_disabled"
    ]
    message = mailbox.deliver_one(user.email)
    assert message["Subject"] == "Support removed the second factors of your account"
    assert "password alone is enough" in text_part(message)


def test_factor_lists_are_read_only_and_show_no_secret(staff):
    user = UserFactory.create()
    enrol(user)
    client = staff_client(staff)
    device = TOTPDevice.objects.get(user=user)

    listing = client.get("/admin/mfa/totpdevice/")
    page = client.get(f"/admin/mfa/totpdevice/{device.pk}/change/")
    delete = client.post(f"/admin/mfa/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert listing.status_code == page.status_code == HTTPStatus.OK
    assert user.email in listing.content.decode()
    assert bytes(device.encrypted_secret).hex() not in page.content.decode()
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert client.get("/admin/mfa/passkey/").status_code == HTTPStatus.OK


def test_staff_answer_with_a_passkey_and_a_bad_answer_is_refused(staff, authenticator):
    from mfa import passkeys
    from mfa.tests.conftest import WEB_ORIGIN

    options = passkeys.registration_options(user=staff)
    passkeys.register_passkey(
        user=staff, credential=authenticator.create(options, origin=WEB_ORIGIN), name="key"
    )
    client = Client()
    page = password_step(client, staff.email)
    token = mfa_token_in(page)
    assert "Use a passkey" in page
    bad = client.post("/admin/login/", {"mfa_token": token, "credential": "[1, 2"})
    request_options = client.post(
        "/auth/mfa/authenticate/options/", {"mfa_token": token}, content_type="application/json"
    ).json()

    response = client.post(
        "/admin/login/",
        {
            "mfa_token": token,
            "credential": json.dumps(authenticator.get(request_options, origin=WEB_ORIGIN)),
        },
    )

    assert "The passkey could not be verified." in bad.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK
