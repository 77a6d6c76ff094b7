"""The account pages under ``/account/``: a second interface over the accounts flows."""

from django.urls import path, re_path

from pages.views import account, auth, errors, links, second_factors, security, sign_in, step_up

app_name = "pages"

urlpatterns = [
    path("", account.profile, name="profile"),
    path("login/", auth.login, name="login"),
    path("login/verify/", sign_in.second_step, name="second-step"),
    path("login/verify/options/", sign_in.second_step_passkey_options, name="second-step-options"),
    path("login/passkey/", sign_in.passkey_login, name="passkey-login"),
    path("login/passkey/options/", sign_in.passkey_login_options, name="passkey-login-options"),
    path("reauthenticate/", step_up.reauthenticate, name="reauthenticate"),
    path("reauthenticate/options/", step_up.reauthenticate_options, name="reauthenticate-options"),
    path("logout/", auth.logout, name="logout"),
    path("register/", auth.register, name="register"),
    path("register/sent/", auth.register_sent, name="register-sent"),
    path("verify-email/", links.verify_email_page, name="verify-email"),
    path("reset-password/", links.reset_password, name="reset-password"),
    path("reset-password/sent/", links.reset_password_sent, name="reset-password-sent"),
    path("confirm-email/", links.confirm_email_page, name="confirm-email"),
    path("onboarding/", account.onboarding, name="onboarding"),
    path("language/", account.language, name="language"),
    path("verify-email/resend/", account.resend_verification_email, name="resend-verification"),
    path("deleted/", account.deleted, name="deleted"),
    path("security/", security.security, name="security"),
    path("security/password/", security.password, name="change-password"),
    path("security/email/", security.email, name="change-email"),
    path(
        "security/sessions/<int:session_id>/end/",
        security.revoke_session_view,
        name="revoke-session",
    ),
    path("security/tokens/<int:token_id>/revoke/", security.revoke_token_view, name="revoke-token"),
    path("security/export/", security.export, name="export"),
    path("security/totp/", second_factors.totp_setup, name="totp-setup"),
    path("security/totp/confirm/", second_factors.totp_confirm, name="totp-confirm"),
    path("security/totp/remove/", second_factors.totp_remove, name="totp-remove"),
    path("security/recovery-codes/", second_factors.recovery_codes, name="recovery-codes"),
    path("security/passkeys/options/", second_factors.passkey_options, name="passkey-options"),
    path("security/passkeys/", second_factors.passkey_add, name="passkey-add"),
    path(
        "security/passkeys/<int:passkey_id>/remove/",
        second_factors.passkey_remove,
        name="passkey-remove",
    ),
    path("security/delete/", security.delete, name="delete-account"),
    # Anything else under /account/ is a page that does not exist: said in a page.
    re_path(r"^", errors.not_found),
]
