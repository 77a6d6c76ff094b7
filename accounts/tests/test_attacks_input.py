"""Names that would lie on screen are refused with 400 (item 16).

A token named ``invoice\u202egpj.exe`` shows as ``invoiceexe.jpg`` in a list; a newline or an
escape sequence in a name forges lines in a log or a terminal. Every free-text field
(token names, first and last names) refuses control characters, line and paragraph
separators and the bidi embedding, override and isolate characters, over HTTP against
gunicorn. The admin's form is checked in ``test_attacks_admin``.
"""

from __future__ import annotations

import pytest

from accounts.models import AuthToken, User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.live import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LYING_NAMES = [
    "invoice\u202egpj.exe",  # right-to-left override
    "invoice\u202dexe",  # left-to-right override
    "a\u202ab\u202c",  # embedding and pop
    "a\u2066b\u2069",  # isolates
    "a\u2067b",
    "a\u2068b",
    "Ann\nLee",
    "Ann\rLee",
    "Ann\x1b[2JLee",  # an ANSI escape sequence
    "Ann\x7fLee",
    "Ann\x85Lee",  # next line (C1)
    "Ann\u2028Lee",  # line separator
    "Ann\u2029Lee",  # paragraph separator
    "Ann\tLee",
]
REFUSED = ["This field cannot contain control characters."]


@pytest.mark.parametrize("name", LYING_NAMES)
def test_a_token_name_with_control_or_bidi_characters_is_refused(services, name):
    user = UserFactory.create()

    answer = (
        services("no-cache")
        .browser()
        .post("/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": name})
    )

    assert answer.status == 400, answer
    assert answer.json() == {"name": REFUSED, "codes": {"name": ["control_characters"]}}
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("name", LYING_NAMES)
def test_names_with_control_or_bidi_characters_are_refused_at_registration(services, name):
    answer = (
        services("no-cache")
        .browser()
        .post(
            "/auth/",
            {
                "email": "new@example.com",
                "password": PASSWORD,
                "first_name": name,
                "last_name": name,
            },
        )
    )

    assert answer.status == 400, answer
    assert answer.json() == {
        "first_name": REFUSED,
        "last_name": REFUSED,
        "codes": {"first_name": ["control_characters"], "last_name": ["control_characters"]},
    }
    assert not User.objects.exists()


@pytest.mark.parametrize("name", LYING_NAMES)
def test_names_with_control_or_bidi_characters_are_refused_in_the_profile(services, name):
    user = UserFactory.create(first_name="Ann", last_name="Lee")
    browser = sign_in(services("no-cache"), user)

    answer = browser.patch("/auth/update_profile/", {"first_name": name, "last_name": name})

    assert answer.status == 400, answer
    assert set(answer.json()) == {"first_name", "last_name", "codes"}
    assert User.objects.values_list("first_name", "last_name").get(pk=user.pk) == ("Ann", "Lee")


def test_names_in_any_script_with_their_joiners_are_kept(services):
    # The zero-width non-joiner belongs to correctly written Persian; Arabic, accents and
    # right-to-left marks are text, not tricks.
    user = UserFactory.create()
    browser = sign_in(services("no-cache"), user)
    names = {
        "first_name": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian, with a ZWNJ
        "last_name": "\u0639\u0628\u062f \u0627\u0644\u0644\u0647\u200f M\u00fcller",  # Arabic, RLM
    }

    answer = browser.patch("/auth/update_profile/", names)

    assert answer.status == 200, answer
    assert {key: answer.json()[key] for key in names} == names
