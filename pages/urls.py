"""The account pages under ``/account/``: a second interface over the accounts flows."""

from django.urls import path, re_path

from pages.views import account, auth, errors, links, security

app_name = "pages"

urlpatterns = [
    path("", account.profile, name="profile"),
    path("login/", auth.login, name="login"),
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
    path("security/delete/", security.delete, name="delete-account"),
    # Anything else under /account/ is a page that does not exist: said in a page.
    re_path(r"^", errors.not_found),
]
