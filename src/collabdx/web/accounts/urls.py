"""Account URLs. Names stay flat ("login", "logout", ...) as before the package split."""

from django.urls import path

from collabdx.web.accounts import security_views, twofactor_views, views

urlpatterns = [
    path("sign-in/", views.login_view, name="login"),
    path("sign-out/", views.logout_view, name="logout"),
    path("create-account/", views.signup_view, name="signup"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/", twofactor_views.two_factor, name="two_factor"),
    path("account/two-factor/start/", twofactor_views.two_factor_start, name="two_factor_start"),
    path(
        "account/two-factor/confirm/", twofactor_views.two_factor_confirm,
        name="two_factor_confirm",
    ),
    path(
        "account/two-factor/recovery-codes/", twofactor_views.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "account/two-factor/turn-off/", twofactor_views.two_factor_disable,
        name="two_factor_disable",
    ),
    path("account/verify/", twofactor_views.verify, name="verify"),
    path("account/confirm-password/", security_views.confirm_password, name="confirm_password"),
    path("account/security-log/", security_views.security_log, name="security_log"),
    path(
        "account/sessions/<int:session_pk>/sign-out/", security_views.session_end,
        name="session_end",
    ),
    path(
        "account/sessions/sign-out-others/", security_views.sessions_end_others,
        name="sessions_end_others",
    ),
]
