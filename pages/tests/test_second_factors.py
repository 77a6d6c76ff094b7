"""Second factors on the pages: signing in with one, a passkey alone, and their refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import PendingSignIn, SecurityEvent, User
from accounts.tests.factories import PASSWORD, UserFactory
from core.client import NO_CLIENT
from mfa import flows, passkeys
from mfa.tests.authenticator import SoftwareAuthenticator
from mfa.tests.helpers import code_before, code_now, wrong_code
from pages.tests.conftest import PageClient, field_errors, form_errors, text_of
from pages.tests.test_safety import _assert_safe_page as assert_safe_page

pytestmark = pytest.mark.django_db

RP_ID = "testserver"
ORIGIN = "http://testserver"
LOGIN = "/account/login/"
SECOND_STEP = "/account/login/verify/"


@pytest.fixture(autouse=True)
def relying_party(settings: Any) -> None:
    settings.ACCOUNTS_WEBAUTHN_RP_ID = RP_ID
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = [ORIGIN]


def enrol_app(user: User) -> tuple[str, list[str]]:
    """Turn an authenticator app on through the flow; the secret and the recovery codes."""
    setup = flows.start_totp_setup(user=user)
    codes = flows.confirm_totp(user=user, code=code_before(setup.secret), client=NO_CLIENT)
    return setup.secret, codes or []


def enrol_passkey(user: User, authenticator: SoftwareAuthenticator) -> int:
    options = passkeys.registration_options(user=user)
    credential = authenticator.create(options, origin=ORIGIN)
    added = flows.add_passkey(user=user, credential=credential, name="Laptop", client=NO_CLIENT)
    return added.passkey.pk


@pytest.fixture
def secured(member: User) -> tuple[User, str, list[str]]:
    """The member with an authenticator app (and its recovery codes)."""
    secret, codes = enrol_app(member)
    return member, secret, codes


def password_step(browser: PageClient, email: str, password: str = PASSWORD):
    return browser.submit(LOGIN, {"email": email, "password": password})


def is_signed_in(browser: PageClient) -> bool:
    return browser.get("/account/security/").status_code == HTTPStatus.OK


def options(browser: PageClient, path: str, page: str) -> Any:
    token = browser.csrf_token(page)
    return browser.post(path, HTTP_X_CSRFTOKEN=token)


# --- The second step ------------------------------------------------------------------------


def test_the_right_password_leads_to_the_second_step_and_a_code_signs_in(browser, secured):
    user, secret, _codes = secured

    first = password_step(browser, user.email)
    assert first.status_code == HTTPStatus.FOUND
    assert first["Location"] == SECOND_STEP
    assert not is_signed_in(browser)
    page = browser.get(SECOND_STEP)
    assert "Code from your authenticator app" in text_of(page)

    done = browser.submit(SECOND_STEP, {"code": code_now(secret)})

    assert done.status_code == HTTPStatus.FOUND
    assert done["Location"] == "/account/"
    assert is_signed_in(browser)
    # The sign-in with a second factor is a fresh proof: sensitive actions need nothing more.
    regenerate = browser.submit("/account/security/recovery-codes/", {}, page="/account/security/")
    assert regenerate.status_code == HTTPStatus.OK
    assert len(regenerate.context["codes"]) == 10


def test_a_wrong_password_says_nothing_about_a_second_factor(browser, secured):
    user, _secret, _codes = secured
    plain = UserFactory.create(status=User.Status.ACTIVE)

    with_factor = password_step(browser, user.email, "wrong-password")
    without = password_step(PageClient(), plain.email, "wrong-password")

    assert with_factor.status_code == without.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(with_factor) == form_errors(without)
    assert not PendingSignIn.objects.exists()


def test_a_wrong_code_is_refused_on_its_field_and_the_sign_in_waits(browser, secured):
    user, secret, _codes = secured
    password_step(browser, user.email)

    wrong = browser.submit(SECOND_STEP, {"code": wrong_code(secret)})

    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(wrong, "code") == ["The code is not correct, or it was already used."]
    assert SecurityEvent.objects.filter(user=user, type="mfa_failed").count() == 1
    assert browser.submit(SECOND_STEP, {"code": code_now(secret)}).status_code == HTTPStatus.FOUND


def test_a_code_used_once_is_refused_the_second_time(browser, secured):
    user, secret, _codes = secured
    code = code_now(secret)
    password_step(browser, user.email)
    assert browser.submit(SECOND_STEP, {"code": code}).status_code == HTTPStatus.FOUND

    again = PageClient()
    password_step(again, user.email)
    replayed = again.submit(SECOND_STEP, {"code": code})

    assert replayed.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(replayed, "code") == ["The code is not correct, or it was already used."]
    assert not is_signed_in(again)


def test_five_wrong_codes_void_the_sign_in_and_count_as_failed_logins(browser, secured):
    user, secret, _codes = secured
    password_step(browser, user.email)
    answers = [browser.submit(SECOND_STEP, {"code": wrong_code(secret)}) for _ in range(5)]

    assert [a.status_code for a in answers[:4]] == [HTTPStatus.BAD_REQUEST] * 4
    assert answers[4].status_code == HTTPStatus.FOUND
    assert answers[4]["Location"] == LOGIN
    assert "This sign-in has expired. Sign in again." in text_of(browser.get(LOGIN))
    assert not PendingSignIn.objects.exists()
    # The right code no longer helps, and the email is locked like after five wrong passwords.
    assert browser.get(SECOND_STEP)["Location"] == LOGIN
    locked = password_step(PageClient(), user.email)
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert locked["Retry-After"]


def test_an_expired_sign_in_sends_back_to_the_password(browser, secured):
    user, secret, _codes = secured
    password_step(browser, user.email)
    PendingSignIn.objects.update(expires=timezone.now() - timedelta(seconds=1))

    late = browser.submit(SECOND_STEP, {"code": code_now(secret)}, page=LOGIN)

    assert late.status_code == HTTPStatus.FOUND
    assert late["Location"] == LOGIN
    assert not is_signed_in(browser)


def test_the_second_step_without_a_pending_sign_in_is_the_sign_in_page(browser, db):
    assert browser.get(SECOND_STEP)["Location"] == LOGIN


def test_a_recovery_code_signs_in_once_and_a_wrong_one_is_refused(browser, secured):
    user, _secret, codes = secured
    password_step(browser, user.email)

    wrong = browser.submit(SECOND_STEP, {"recovery_code": "aaaa-bbbb-cccc"})
    right = browser.submit(SECOND_STEP, {"recovery_code": codes[0]})

    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(wrong, "recovery_code") == [
        "The code is not correct, or it was already used."
    ]
    assert right.status_code == HTTPStatus.FOUND
    assert is_signed_in(browser)


def test_the_second_step_refuses_a_post_without_its_csrf_token(browser, secured):
    user, secret, _codes = secured
    password_step(browser, user.email)

    forged = browser.post(SECOND_STEP, {"code": code_now(secret)})

    assert forged.status_code == HTTPStatus.FORBIDDEN
    assert not is_signed_in(browser)


def test_a_passkey_answers_the_second_step(browser, member):
    authenticator = SoftwareAuthenticator()
    enrol_passkey(member, authenticator)
    password_step(browser, member.email)

    got = options(browser, "/account/login/verify/options/", SECOND_STEP)
    credential = authenticator.get(got.json(), origin=ORIGIN)
    done = browser.submit(SECOND_STEP, {"credential": json.dumps(credential)})

    assert got.status_code == HTTPStatus.OK
    assert done.status_code == HTTPStatus.FOUND
    assert is_signed_in(browser)


# --- A passkey alone ------------------------------------------------------------------------


def test_a_passkey_alone_signs_in_from_the_login_page(browser, member):
    authenticator = SoftwareAuthenticator()
    enrol_passkey(member, authenticator)

    got = options(browser, "/account/login/passkey/options/", LOGIN)
    credential = authenticator.get(got.json(), origin=ORIGIN)
    done = browser.submit(
        "/account/login/passkey/", {"credential": json.dumps(credential)}, page=LOGIN
    )

    assert got.json()["allowCredentials"] == []
    assert done.status_code == HTTPStatus.FOUND
    assert is_signed_in(browser)
    assert SecurityEvent.objects.filter(user=member, type="login").exists()


def test_a_passkey_sign_in_with_a_replayed_answer_is_refused(browser, member):
    authenticator = SoftwareAuthenticator()
    enrol_passkey(member, authenticator)
    got = options(browser, "/account/login/passkey/options/", LOGIN)
    credential = json.dumps(authenticator.get(got.json(), origin=ORIGIN))
    assert browser.submit("/account/login/passkey/", {"credential": credential}, page=LOGIN)
    other = PageClient()

    replayed = other.submit("/account/login/passkey/", {"credential": credential}, page=LOGIN)

    assert replayed["Location"] == LOGIN
    assert "The passkey could not be verified." in text_of(other.get(LOGIN))
    assert not is_signed_in(other)


def test_the_passkey_sign_in_refuses_a_post_without_its_csrf_token(browser, member):
    assert browser.post("/account/login/passkey/", {"credential": "{}"}).status_code == 403
    assert browser.post("/account/login/passkey/options/").status_code == 403


def test_the_new_pages_carry_the_headers_and_no_inline_script(browser, secured):
    user, _secret, _codes = secured
    password_step(browser, user.email)
    second_step = browser.get(SECOND_STEP)
    signed_in = PageClient()
    signed_in.sign_in(UserFactory.create(status=User.Status.ACTIVE).email)
    signed_in.submit("/account/security/totp/", {}, page="/account/security/")
    setup = signed_in.get("/account/security/totp/")

    for response in (second_step, setup):
        assert response.status_code == HTTPStatus.OK
        assert_safe_page(response)


def test_the_second_step_speaks_the_users_language(browser, secured):
    user, _secret, _codes = secured
    User.objects.filter(pk=user.pk).update(language="ar")
    password_step(browser, user.email)

    html = browser.get(SECOND_STEP, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="ar" dir="rtl">' in html
