"""Passkeys, exercised end to end with a software authenticator instead of a browser."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from mfa import passkeys
from mfa.errors import ChallengeExpired, InvalidCredential, InvalidPasskeyName
from mfa.models import Passkey, PasskeyUser, WebAuthnChallenge
from mfa.tests.authenticator import SoftwareAuthenticator, b64url, b64url_decode
from mfa.tests.concurrency import run_concurrently
from mfa.tests.conftest import APP_ORIGIN, RP_ID, WEB_ORIGIN

pytestmark = pytest.mark.django_db

LOGIN = WebAuthnChallenge.Purpose.LOGIN
MFA = WebAuthnChallenge.Purpose.MFA
REAUTHENTICATE = WebAuthnChallenge.Purpose.REAUTHENTICATE


def register(user, authenticator, *, name="Laptop", origin=WEB_ORIGIN) -> Passkey:
    options = passkeys.registration_options(user=user)
    credential = authenticator.create(options, origin=origin)
    return passkeys.register_passkey(user=user, credential=credential, name=name)


def sign_in(authenticator, *, origin=WEB_ORIGIN, **kwargs) -> Passkey:
    options = passkeys.authentication_options(purpose=LOGIN)
    credential = authenticator.get(options, origin=origin, **kwargs)
    return passkeys.authenticate(purpose=LOGIN, credential=credential)


# --- Registration options --------------------------------------------------------------


def test_registration_options_ask_for_a_discoverable_user_verified_credential(user):
    user.first_name, user.last_name = "Ann", "Lee"

    options = passkeys.registration_options(user=user)

    assert options["rp"] == {"id": RP_ID, "name": "Budget"}
    assert options["user"]["name"] == user.email
    assert options["user"]["displayName"] == "Ann Lee"
    assert options["authenticatorSelection"] == {
        "residentKey": "required",
        "requireResidentKey": True,
        "userVerification": "required",
    }
    assert options["attestation"] == "none"
    assert options["timeout"] == 300_000
    assert options["excludeCredentials"] == []
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]
    json.dumps(options)  # ready to be a response body as it is


def test_the_user_handle_is_64_random_bytes_made_once_and_not_the_id(user):
    first = passkeys.registration_options(user=user)["user"]["id"]
    second = passkeys.registration_options(user=user)["user"]["id"]
    other = passkeys.registration_options(user=UserFactory.create())["user"]["id"]

    assert first == second != other
    assert len(b64url_decode(first)) == 64
    assert str(user.pk).encode() != b64url_decode(first)
    assert PasskeyUser.objects.get(user=user).handle == b64url_decode(first)


def test_the_challenge_is_stored_for_five_minutes_for_this_user_and_purpose(user):
    options = passkeys.registration_options(user=user)

    challenge = WebAuthnChallenge.objects.get(challenge=options["challenge"])
    assert (challenge.purpose, challenge.user_id) == ("register", user.pk)
    assert challenge.expires - challenge.created == timedelta(minutes=5)
    assert len(b64url_decode(options["challenge"])) == 32


def test_existing_passkeys_are_excluded_with_their_transports(user, authenticator):
    register(user, authenticator)

    options = passkeys.registration_options(user=user)

    assert options["excludeCredentials"] == [
        {
            "id": authenticator.credential_id_b64,
            "type": "public-key",
            "transports": ["internal", "hybrid"],
        }
    ]


# --- Registration ------------------------------------------------------------------------


@pytest.mark.parametrize("attestation", ["none", "packed"])
def test_a_new_passkey_is_verified_and_kept(user, attestation):
    authenticator = SoftwareAuthenticator(attestation=attestation, backup_eligible=True)

    passkey = register(user, authenticator, name="  Phone  ")

    passkey.refresh_from_db()
    assert passkey.user == user
    assert passkey.name == "Phone"
    assert bytes(passkey.credential_id) == authenticator.credential_id
    assert bytes(passkey.public_key) == authenticator.cose_public_key()
    assert passkey.sign_count == 0
    assert passkey.transports == ["internal", "hybrid"]
    assert passkey.aaguid == "00000000-0000-0000-0000-000000000000"
    assert (passkey.backup_eligible, passkey.backed_up) == (True, True)
    assert passkey.last_used is None
    assert not WebAuthnChallenge.objects.exists()  # consumed


def test_a_native_app_registers_with_its_own_origin_and_no_session(user, authenticator):
    passkey = register(user, authenticator, origin=APP_ORIGIN)

    assert passkey.user == user


def test_a_registration_from_another_origin_is_refused(user, authenticator):
    options = passkeys.registration_options(user=user)
    credential = authenticator.create(options, origin="https://app.example.com.evil.test")

    with pytest.raises(InvalidCredential, match="origin"):
        passkeys.register_passkey(user=user, credential=credential, name="Laptop")
    assert not Passkey.objects.exists()


def test_a_registration_for_another_rp_id_is_refused(user, authenticator):
    options = passkeys.registration_options(user=user)
    credential = authenticator.create(options, origin=WEB_ORIGIN, rp_id="evil.test")

    with pytest.raises(InvalidCredential, match="RP ID"):
        passkeys.register_passkey(user=user, credential=credential, name="Laptop")


def test_a_registration_without_user_verification_is_refused(user):
    authenticator = SoftwareAuthenticator(user_verification=False)
    options = passkeys.registration_options(user=user)
    credential = authenticator.create(options, origin=WEB_ORIGIN)

    with pytest.raises(InvalidCredential, match="verification"):
        passkeys.register_passkey(user=user, credential=credential, name="Laptop")


def test_a_replayed_registration_is_refused(user, authenticator):
    options = passkeys.registration_options(user=user)
    credential = authenticator.create(options, origin=WEB_ORIGIN)
    passkeys.register_passkey(user=user, credential=credential, name="Laptop")

    with pytest.raises(InvalidCredential, match="challenge"):
        passkeys.register_passkey(user=user, credential=credential, name="Again")
    assert Passkey.objects.count() == 1


def test_a_refused_response_spends_its_challenge(user, authenticator):
    options = passkeys.registration_options(user=user)
    with pytest.raises(InvalidCredential):
        passkeys.register_passkey(
            user=user,
            credential=authenticator.create(options, origin="https://evil.test"),
            name="Laptop",
        )

    with pytest.raises(InvalidCredential, match="challenge"):
        passkeys.register_passkey(
            user=user, credential=authenticator.create(options, origin=WEB_ORIGIN), name="Laptop"
        )


def test_a_registration_after_five_minutes_is_refused_as_expired(user, authenticator):
    options = passkeys.registration_options(user=user)
    WebAuthnChallenge.objects.update(expires=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ChallengeExpired):
        passkeys.register_passkey(
            user=user, credential=authenticator.create(options, origin=WEB_ORIGIN), name="Laptop"
        )
    assert not Passkey.objects.exists()


def test_a_challenge_made_for_another_user_is_refused(user, authenticator):
    other = UserFactory.create()
    options = passkeys.registration_options(user=other)

    with pytest.raises(InvalidCredential, match="someone else"):
        passkeys.register_passkey(
            user=user, credential=authenticator.create(options, origin=WEB_ORIGIN), name="Laptop"
        )
    # Not spent: its own user can still answer it.
    passkeys.register_passkey(
        user=other, credential=authenticator.create(options, origin=WEB_ORIGIN), name="Laptop"
    )


def test_a_sign_in_challenge_cannot_register_a_passkey(user, authenticator):
    options = passkeys.authentication_options(purpose=LOGIN)
    forged = passkeys.registration_options(user=user) | {"challenge": options["challenge"]}

    with pytest.raises(InvalidCredential, match="challenge"):
        passkeys.register_passkey(
            user=user, credential=authenticator.create(forged, origin=WEB_ORIGIN), name="Laptop"
        )


def test_a_credential_registered_to_one_account_is_refused_for_another(user, authenticator):
    register(user, authenticator)
    other = UserFactory.create()

    with pytest.raises(InvalidCredential, match="already registered"):
        register(other, authenticator)
    assert list(Passkey.objects.values_list("user_id", flat=True)) == [user.pk]


def test_a_response_made_in_a_cross_origin_frame_is_refused(user, authenticator):
    options = passkeys.registration_options(user=user)
    credential = authenticator.create(options, origin=WEB_ORIGIN, crossOrigin=True)

    with pytest.raises(InvalidCredential, match="cross-origin"):
        passkeys.register_passkey(user=user, credential=credential, name="Laptop")


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "Lap\x00top", "Lap\ntop", None, 5])
def test_a_bad_name_is_refused_before_the_challenge_is_spent(user, authenticator, name):
    options = passkeys.registration_options(user=user)
    credential = authenticator.create(options, origin=WEB_ORIGIN)

    with pytest.raises(InvalidPasskeyName):
        passkeys.register_passkey(user=user, credential=credential, name=name)
    passkeys.register_passkey(user=user, credential=credential, name="Laptop")


# --- Signing in with a discoverable passkey ---------------------------------------------------


def test_sign_in_options_name_no_credential_and_require_user_verification():
    options = passkeys.authentication_options(purpose=LOGIN)

    assert options == {
        "challenge": options["challenge"],
        "timeout": 300_000,
        "rpId": RP_ID,
        "allowCredentials": [],
        "userVerification": "required",
    }
    challenge = WebAuthnChallenge.objects.get(challenge=options["challenge"])
    assert (challenge.purpose, challenge.user_id) == ("login", None)


def test_a_passkey_signs_its_owner_in_and_records_the_use(user, authenticator):
    register(user, authenticator)

    passkey = sign_in(authenticator)

    assert passkey.user == user
    passkey.refresh_from_db()
    assert passkey.sign_count == 1
    assert passkey.last_used is not None
    assert not WebAuthnChallenge.objects.exists()


def test_a_native_app_signs_in_with_its_own_origin(user, authenticator):
    register(user, authenticator)

    assert sign_in(authenticator, origin=APP_ORIGIN).user == user


def test_a_sign_in_from_another_origin_is_refused(user, authenticator):
    register(user, authenticator)

    with pytest.raises(InvalidCredential, match="origin"):
        sign_in(authenticator, origin="https://evil.test")


def test_a_sign_in_signed_for_another_rp_id_is_refused(user, authenticator):
    register(user, authenticator)

    with pytest.raises(InvalidCredential, match="RP ID"):
        sign_in(authenticator, rp_id="evil.test")


def test_a_replayed_sign_in_is_refused(user, authenticator):
    register(user, authenticator)
    options = passkeys.authentication_options(purpose=LOGIN)
    credential = authenticator.get(options, origin=WEB_ORIGIN)
    passkeys.authenticate(purpose=LOGIN, credential=credential)

    with pytest.raises(InvalidCredential, match="challenge"):
        passkeys.authenticate(purpose=LOGIN, credential=credential)


def test_a_sign_in_after_five_minutes_is_refused_as_expired(user, authenticator):
    register(user, authenticator)
    options = passkeys.authentication_options(purpose=LOGIN)
    WebAuthnChallenge.objects.update(expires=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ChallengeExpired):
        passkeys.authenticate(
            purpose=LOGIN, credential=authenticator.get(options, origin=WEB_ORIGIN)
        )


def test_a_sign_in_without_user_verification_is_refused(user, authenticator):
    register(user, authenticator)
    authenticator.user_verification = False

    with pytest.raises(InvalidCredential, match="verif"):
        sign_in(authenticator)


def test_a_discoverable_sign_in_must_return_the_owners_user_handle(user, authenticator):
    register(user, authenticator)
    other = UserFactory.create()
    register(other, SoftwareAuthenticator())
    others_handle = bytes(PasskeyUser.objects.get(user=other).handle)

    with pytest.raises(InvalidCredential, match="user handle"):
        sign_in(authenticator, user_handle=others_handle)
    with pytest.raises(InvalidCredential, match="user handle"):
        sign_in(authenticator, user_handle=False)


def test_an_unknown_credential_is_refused(user, authenticator):
    register(user, authenticator)
    stranger = SoftwareAuthenticator()
    stranger.user_handle = authenticator.user_handle

    with pytest.raises(InvalidCredential, match="unknown credential"):
        sign_in(stranger)


def test_a_signature_by_another_key_is_refused(user, authenticator):
    register(user, authenticator)
    impostor = SoftwareAuthenticator()
    impostor.credential_id, impostor.user_handle = (
        authenticator.credential_id,
        authenticator.user_handle,
    )

    with pytest.raises(InvalidCredential, match="signature"):
        sign_in(impostor)


def test_an_inactive_users_passkey_does_not_sign_in(user, authenticator):
    register(user, authenticator)
    user.is_active = False
    user.save(update_fields=["is_active"])

    with pytest.raises(InvalidCredential):
        sign_in(authenticator)


def test_a_counter_that_goes_back_is_refused(user, authenticator):
    register(user, authenticator)
    sign_in(authenticator)
    sign_in(authenticator)
    authenticator.sign_count = 0  # a cloned authenticator would repeat counts already seen

    with pytest.raises(InvalidCredential, match="sign count"):
        sign_in(authenticator)
    assert Passkey.objects.get().sign_count == 2


def test_an_authenticator_without_a_counter_signs_in_every_time(user):
    synced = SoftwareAuthenticator(counter_step=0, backup_eligible=True)
    register(user, synced)

    for _ in range(3):
        assert sign_in(synced).user == user
    assert Passkey.objects.get().sign_count == 0


def test_sign_in_costs_four_queries(user, authenticator, django_assert_num_queries):
    register(user, authenticator)
    options = passkeys.authentication_options(purpose=LOGIN)
    credential = authenticator.get(options, origin=WEB_ORIGIN)

    # The challenge read and deleted; the passkey with its user and handle; the use recorded.
    with django_assert_num_queries(4):
        passkeys.authenticate(purpose=LOGIN, credential=credential)


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_to_one_challenge_succeed_exactly_once():
    user = UserFactory.create()
    synced = SoftwareAuthenticator(counter_step=0)
    register(user, synced)
    options = passkeys.authentication_options(purpose=LOGIN)
    credential = synced.get(options, origin=WEB_ORIGIN)

    outcomes = run_concurrently(
        6, lambda _: passkeys.authenticate(purpose=LOGIN, credential=copy.deepcopy(credential))
    )

    assert sum(isinstance(outcome, Passkey) for outcome in outcomes) == 1
    assert all(
        isinstance(outcome, InvalidCredential)
        for outcome in outcomes
        if not isinstance(outcome, Passkey)
    ), outcomes


# --- Second step and step-up: a known user ---------------------------------------------------


@pytest.mark.parametrize("purpose", [MFA, REAUTHENTICATE])
def test_options_for_a_known_user_list_only_their_passkeys(user, authenticator, purpose):
    register(user, authenticator)
    register(UserFactory.create(), SoftwareAuthenticator())

    options = passkeys.authentication_options(purpose=purpose, user=user)

    assert options["allowCredentials"] == [
        {
            "id": authenticator.credential_id_b64,
            "type": "public-key",
            "transports": ["internal", "hybrid"],
        }
    ]
    assert WebAuthnChallenge.objects.get(challenge=options["challenge"]).user_id == user.pk


@pytest.mark.parametrize("purpose", [MFA, REAUTHENTICATE])
def test_a_known_user_confirms_with_their_passkey(user, authenticator, purpose):
    register(user, authenticator)
    options = passkeys.authentication_options(purpose=purpose, user=user)

    # A non-discoverable answer carries no user handle; the user is known already.
    credential = authenticator.get(options, origin=WEB_ORIGIN, user_handle=False)
    passkey = passkeys.authenticate(purpose=purpose, credential=credential, user=user)

    assert passkey.user == user


@pytest.mark.parametrize("purpose", [MFA, REAUTHENTICATE])
def test_another_users_passkey_is_refused_for_a_known_user(user, purpose):
    other = UserFactory.create()
    others_key = SoftwareAuthenticator()
    register(user, SoftwareAuthenticator())
    register(other, others_key)
    options = passkeys.authentication_options(purpose=purpose, user=user)

    with pytest.raises(InvalidCredential, match="another user's credential"):
        passkeys.authenticate(
            purpose=purpose, credential=others_key.get(options, origin=WEB_ORIGIN), user=user
        )


def test_a_challenge_of_one_ceremony_is_refused_by_another(user, authenticator):
    register(user, authenticator)
    login_options = passkeys.authentication_options(purpose=LOGIN)

    with pytest.raises(InvalidCredential, match="challenge"):
        passkeys.authenticate(
            purpose=REAUTHENTICATE,
            credential=authenticator.get(login_options, origin=WEB_ORIGIN),
            user=user,
        )


def test_a_second_step_challenge_of_another_user_is_refused(user, authenticator):
    register(user, authenticator)
    other = UserFactory.create()
    others_options = passkeys.authentication_options(purpose=MFA, user=other)

    with pytest.raises(InvalidCredential, match="someone else"):
        passkeys.authenticate(
            purpose=MFA, credential=authenticator.get(others_options, origin=WEB_ORIGIN), user=user
        )


def test_purposes_and_users_must_agree():
    with pytest.raises(ValueError, match="login takes no user"):
        passkeys.authentication_options(purpose=MFA)
    with pytest.raises(ValueError, match="not an authentication purpose"):
        passkeys.authentication_options(purpose="register")


# --- Malformed input --------------------------------------------------------------------------

NOT_CREDENTIALS: list[object] = [
    None,
    5,
    "not json",
    "[]",
    "{",
    [],
    {},
    {"response": None},
    {"response": {}},
]
BAD_CLIENT_DATA = [
    "***", b64url(b"\xff\xfe"), b64url(b"[1]"), b64url(b'{"challenge": 5}'),
    b64url(b'{"challenge": "%%%"}'), b64url(b"[" * 100_000), 5, None,
]  # fmt: skip


def _broken(credential, client_data, **response):
    """The credential with a fresh challenge and some members of its response replaced."""
    broken = copy.deepcopy(credential)
    broken["response"]["clientDataJSON"] = b64url(client_data)
    broken["response"].update(response)
    return broken


def _broken_everywhere(credential, client_data, response_cases):
    top_level: list[dict[str, object]] = [
        {"rawId": "%%%"}, {"rawId": b64url(b"other")}, {"id": None}, {"type": "password"},
    ]  # fmt: skip
    yield from NOT_CREDENTIALS
    for value in BAD_CLIENT_DATA:
        yield {**credential, "response": {**credential["response"], "clientDataJSON": value}}
    for members in response_cases:
        yield _broken(credential, client_data(), **members)
    for members in top_level:
        yield {**_broken(credential, client_data()), **members}


def test_malformed_registrations_are_refused_as_invalid_credentials(user, authenticator):
    template = authenticator.create(passkeys.registration_options(user=user), origin=WEB_ORIGIN)

    def client_data():
        challenge = passkeys.registration_options(user=user)["challenge"]
        return authenticator.client_data("webauthn.create", challenge, WEB_ORIGIN)

    attestation_objects = [b64url(b"\xa1"), b64url(b"\xff" * 40), b64url(b"\xa0"), 7, None]
    cases = _broken_everywhere(
        template, client_data, [{"attestationObject": value} for value in attestation_objects]
    )
    for case in cases:
        with pytest.raises(InvalidCredential):
            passkeys.register_passkey(user=user, credential=case, name="Laptop")
    assert not Passkey.objects.exists()


def test_malformed_assertions_are_refused_as_invalid_credentials(user, authenticator):
    register(user, authenticator)
    template = authenticator.get(passkeys.authentication_options(purpose=LOGIN), origin=WEB_ORIGIN)

    def client_data():
        challenge = passkeys.authentication_options(purpose=LOGIN)["challenge"]
        return authenticator.client_data("webauthn.get", challenge, WEB_ORIGIN)

    members = [
        {"signature": "!!"}, {"signature": b64url(b"junk")}, {"signature": None},
        {"authenticatorData": b64url(b"short")}, {"authenticatorData": 5},
        {"userHandle": 5}, {"userHandle": "%%%"},
    ]  # fmt: skip
    for case in _broken_everywhere(template, client_data, members):
        with pytest.raises(InvalidCredential):
            passkeys.authenticate(purpose=LOGIN, credential=case)
    assert Passkey.objects.get().last_used is None


def test_a_credential_may_arrive_as_a_json_string(user, authenticator):
    options = passkeys.registration_options(user=user)
    credential = json.dumps(authenticator.create(options, origin=WEB_ORIGIN))

    assert passkeys.register_passkey(user=user, credential=credential, name="Laptop").user == user


# --- The user's passkeys ---------------------------------------------------------------------


def test_passkeys_are_listed_renamed_and_removed_only_by_their_owner(user):
    first = register(user, SoftwareAuthenticator(), name="Laptop")
    second = register(user, SoftwareAuthenticator(), name="Phone")
    other = UserFactory.create()

    assert list(passkeys.list_passkeys(user)) == [first, second]
    assert passkeys.rename_passkey(user=other, passkey_id=first.pk, name="Mine") is None
    renamed = passkeys.rename_passkey(user=user, passkey_id=first.pk, name=" Work ")
    assert renamed is not None
    assert renamed.name == "Work"
    with pytest.raises(InvalidPasskeyName):
        passkeys.rename_passkey(user=user, passkey_id=first.pk, name="")
    assert passkeys.remove_passkey(user=other, passkey_id=second.pk) is False
    assert passkeys.remove_passkey(user=user, passkey_id=second.pk) is True
    assert [p.name for p in passkeys.list_passkeys(user)] == ["Work"]


def test_options_drop_challenges_nobody_answered(user):
    passkeys.authentication_options(purpose=LOGIN)
    WebAuthnChallenge.objects.update(expires=timezone.now() - timedelta(seconds=1))

    passkeys.authentication_options(purpose=LOGIN)

    assert WebAuthnChallenge.objects.count() == 1
