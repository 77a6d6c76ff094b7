"""Recovering a forgotten password through an emailed single-use link."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django_tasks_db.models import DBTaskResult

from accounts.models import AuthToken, SecurityEvent, User
from accounts.security import keys
from accounts.security.tokens import find_token, issue_token
from accounts.tests.conftest import html_part, link_base, link_in, text_part
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import BrowserClient

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-whole-new-passphrase"
ACCEPTED = {"message": "If an account uses this address, a reset link is on its way."}


def _request(client, email):
    return client.post("/auth/reset_password/", {"email": email}, format="json")


def _confirm(client, link, password=NEW_PASSWORD):
    return client.post(
        "/auth/reset_password_confirm/", {**link, "new_password": password}, format="json"
    )


def test_a_reset_link_sets_a_new_password_and_signs_out_everywhere(mailbox):
    user = UserFactory.create()
    signed_in = BrowserClient()
    signed_in.log_in(user.email)
    _, secret = issue_token(user=user, name="phone")
    client = BrowserClient()

    response = _request(client, f"  {user.email.upper()} ")
    assert (response.status_code, response.json()) == (202, ACCEPTED)

    message = mailbox.deliver_one(user.email)
    assert message["Subject"] == "Reset your password"
    assert "The link works once, for 60 minutes." in text_part(message)
    link = link_in(message, "/reset-password")
    assert set(link) == {"uid", "token"}

    response = _confirm(client, link)

    assert response.status_code == 200
    assert response.json() == {"message": "Your password was reset. Sign in with the new one."}
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert signed_in.get("/auth/me/").status_code == 401
    assert find_token(secret) is None
    assert not AuthToken.objects.filter(user=user).exists()
    assert SecurityEvent.objects.filter(user=user, type="password_reset").count() == 1
    assert mailbox.deliver_one(user.email)["Subject"] == "Your password was changed"
    BrowserClient().log_in(user.email, NEW_PASSWORD)


def test_the_reset_email_is_in_arabic_for_an_arabic_speaking_user(mailbox):
    user = UserFactory.create(language="ar")

    response = BrowserClient().post(
        "/auth/reset_password/", {"email": user.email}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (response.status_code, response.json()) == (202, ACCEPTED)

    message = mailbox.deliver_one(user.email)
    # Python folds the encoded subject onto a continuation line ("Subject:\n =?utf-8?b?...");
    # the parser keeps the folding space, which mail clients drop.
    assert message["Subject"].strip() == "إعادة تعيين كلمة المرور"
    assert message["Content-Language"] == "ar"
    url = f"{link_base('/reset-password')}?{urlencode(link_in(message, '/reset-password'))}"
    assert text_part(message).splitlines() == [
        "طلب أحدهم إعادة تعيين كلمة مرور حسابك. لاختيار كلمة مرور جديدة، افتح هذا الرابط:",
        "",
        url,
        "",
        "الرابط صالح للاستخدام مرة واحدة فقط، لمدة 60 دقيقة. "
        "إذا لم تطلب ذلك، فيمكنك تجاهل هذه الرسالة، وستبقى كلمة المرور كما هي.",
        "",
        "--",
        "تصلك هذه الرسالة بسبب نشاط في حسابك. أُرسلت تلقائيًا، ولن تُقرأ الردود عليها.",
        "",
    ]
    html = html_part(message)
    assert '<html lang="ar" dir="rtl">' in html
    assert "<title>إعادة تعيين كلمة المرور</title>" in html
    assert ">اختيار كلمة مرور جديدة</a>" in html
    # Past the markup and the link, not one Latin letter: nothing was left in English.
    words = re.sub(r"<[^>]*>|https?://\S+?(?=[<\s])", " ", html.split("</head>", 1)[1])
    assert re.findall(r"[A-Za-z]+", words) == []


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, mailbox):
    user = UserFactory.create()

    known = _request(client, user.email)
    unknown = _request(client, "nobody@example.com")

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    # The request did the same work for both: one queued task each.
    assert DBTaskResult.objects.count() == 2
    assert [message["To"] for message in mailbox.run_worker()] == [user.email]


def test_a_used_link_is_refused(client, mailbox):
    user = UserFactory.create()
    _request(client, user.email)
    link = link_in(mailbox.deliver_one(user.email), "/reset-password")
    assert _confirm(client, link).status_code == 200

    response = _confirm(client, link, password="yet-another-passphrase")

    assert response.status_code == 400
    assert response.json() == {
        "token": ["This link is invalid or has expired."],
        "codes": {"token": ["invalid_link"]},
    }
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_a_link_older_than_an_hour_is_refused(client):
    user = UserFactory.create()
    generator = keys.password_reset_tokens
    issued = generator._num_seconds(generator._now()) - 3601
    token = generator._make_token_with_timestamp(user, issued, generator.secret)

    response = _confirm(client, {"uid": keys.make_reset_uid(user), "token": token})

    assert response.status_code == 400
    assert response.json()["codes"] == {"token": ["invalid_link"]}
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_a_link_stops_working_once_the_password_changes(client, mailbox):
    user = UserFactory.create()
    _request(client, user.email)
    link = link_in(mailbox.deliver_one(user.email), "/reset-password")
    client.log_in(user.email)
    changed = client.post(
        "/auth/change_password/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert changed.status_code == 200

    response = _confirm(BrowserClient(), link, password="yet-another-passphrase")

    assert response.status_code == 400
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_a_refused_weak_password_leaves_the_link_usable(client, mailbox):
    user = UserFactory.create()
    _request(client, user.email)
    link = link_in(mailbox.deliver_one(user.email), "/reset-password")

    weak = _confirm(client, link, password="password")

    assert weak.status_code == 400
    assert weak.json()["codes"] == {"new_password": ["password_too_common"]}
    assert _confirm(client, link).status_code == 200


def test_a_tampered_uid_or_token_is_refused(client):
    user, other = UserFactory.create(), UserFactory.create()
    token = keys.make_reset_token(user)
    altered = token[:-1] + ("a" if token[-1] != "a" else "b")

    for link in [
        {"uid": keys.make_reset_uid(other), "token": token},
        {"uid": "!!", "token": token},
        {"uid": keys.make_reset_uid(user), "token": altered},
    ]:
        assert _confirm(client, link).status_code == 400, link
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_reset_needs_no_session_or_csrf_token(mailbox):
    user = UserFactory.create()
    client = BrowserClient()  # no CSRF cookie, no header

    assert _request(client, user.email).status_code == 202
    link = link_in(mailbox.deliver_one(user.email), "/reset-password")
    assert _confirm(client, link).status_code == 200
