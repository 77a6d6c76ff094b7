"""Recovery codes: ten at a time, stored hashed, each used once."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from mfa import recovery_codes
from mfa.errors import InvalidCode
from mfa.models import RecoveryCode
from mfa.tests.concurrency import run_concurrently

CODE_SHAPE = re.compile(r"[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}")


def test_a_set_is_ten_distinct_codes_easy_to_type(user):
    codes = recovery_codes.generate_codes(user=user)

    assert len(codes) == len(set(codes)) == 10
    assert all(CODE_SHAPE.fullmatch(code) for code in codes), codes
    assert recovery_codes.count_codes(user) == recovery_codes.RecoveryCodeCounts(10, 10)


def test_a_code_carries_at_least_fifty_bits():
    alphabet = len(recovery_codes.ALPHABET)
    assert alphabet == 32
    assert len(set(recovery_codes.ALPHABET)) == alphabet
    assert recovery_codes.CODE_LENGTH * 5 >= 50
    assert not set("ilou") & set(recovery_codes.ALPHABET)  # nothing to misread


def test_codes_are_stored_only_as_keyed_hashes(user):
    codes = recovery_codes.generate_codes(user=user)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mfa_recoverycode")
        stored = repr(cursor.fetchall())
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
    assert all(re.fullmatch(r"[0-9a-f]{64}", row.digest) for row in RecoveryCode.objects.all())


def test_each_code_works_once(user):
    codes = recovery_codes.generate_codes(user=user)

    recovery_codes.use_code(user=user, code=codes[3])
    with pytest.raises(InvalidCode):
        recovery_codes.use_code(user=user, code=codes[3])
    recovery_codes.use_code(user=user, code=codes[4])

    assert recovery_codes.count_codes(user) == recovery_codes.RecoveryCodeCounts(10, 8)


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.upper(),
        lambda code: code.replace("-", ""),
        lambda code: f"  {code.replace('-', ' ')} ",
        lambda code: code.replace("0", "o").replace("1", "l"),
        lambda code: code.replace("1", "I").upper(),
    ],
)
def test_case_spaces_dashes_and_look_alike_letters_do_not_matter(user, typed):
    code = recovery_codes.generate_codes(user=user)[0]

    recovery_codes.use_code(user=user, code=typed(code))

    assert recovery_codes.count_codes(user).unused == 9


def test_a_new_set_voids_the_old_one(user):
    old = recovery_codes.generate_codes(user=user)
    recovery_codes.use_code(user=user, code=old[0])
    new = recovery_codes.generate_codes(user=user)

    assert not set(old) & set(new)
    for code in old[1:3]:
        with pytest.raises(InvalidCode):
            recovery_codes.use_code(user=user, code=code)
    assert recovery_codes.count_codes(user) == recovery_codes.RecoveryCodeCounts(10, 10)


def test_another_users_code_is_refused(user):
    other = UserFactory.create()
    codes = recovery_codes.generate_codes(user=other)
    recovery_codes.generate_codes(user=user)

    with pytest.raises(InvalidCode):
        recovery_codes.use_code(user=user, code=codes[0])
    assert recovery_codes.count_codes(other).unused == 10


@pytest.mark.parametrize(
    "typed", ["", "abcd-efgh-jkm", "abcd-efgh-jkmnp", "uuuu-uuuu-uuuu", "x" * 10_000, None, 7]
)
def test_what_cannot_be_a_code_is_refused_without_a_query(user, typed, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(InvalidCode):
        recovery_codes.use_code(user=user, code=typed)


def test_using_a_code_is_one_query_and_counting_is_one(user, django_assert_num_queries):
    codes = recovery_codes.generate_codes(user=user)

    with django_assert_num_queries(1):
        recovery_codes.use_code(user=user, code=codes[0])
    with django_assert_num_queries(1):
        assert recovery_codes.count_codes(user) == recovery_codes.RecoveryCodeCounts(10, 9)


def test_codes_made_before_a_secret_key_rotation_still_work(user, settings):
    codes = recovery_codes.generate_codes(user=user)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "rotated-" + "r" * 60

    recovery_codes.use_code(user=user, code=codes[0])
    with pytest.raises(InvalidCode):
        recovery_codes.use_code(user=user, code=codes[0])
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(InvalidCode):
        recovery_codes.use_code(user=user, code=codes[1])


def test_deleting_the_codes_leaves_none(user):
    recovery_codes.generate_codes(user=user)

    assert recovery_codes.delete_codes(user=user) == 10
    assert recovery_codes.count_codes(user) == recovery_codes.RecoveryCodeCounts(0, 0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_of_one_code_succeed_exactly_once():
    user = UserFactory.create()
    code = recovery_codes.generate_codes(user=user)[0]

    outcomes = run_concurrently(8, lambda _: recovery_codes.use_code(user=user, code=code))

    assert sum(outcome is None for outcome in outcomes) == 1
    assert all(isinstance(outcome, InvalidCode) for outcome in outcomes if outcome is not None)
    assert recovery_codes.count_codes(user).unused == 9


@pytest.mark.django_db(transaction=True)
def test_concurrent_regenerations_leave_exactly_one_set():
    user = UserFactory.create()

    outcomes = run_concurrently(4, lambda _: recovery_codes.generate_codes(user=user))

    assert all(isinstance(outcome, list) for outcome in outcomes), outcomes
    assert recovery_codes.count_codes(user) == recovery_codes.RecoveryCodeCounts(10, 10)
    working = [codes for codes in outcomes if _works(user, codes[0])]
    assert len(working) == 1


def _works(user, code: str) -> bool:
    try:
        recovery_codes.use_code(user=user, code=code)
    except InvalidCode:
        return False
    return True
