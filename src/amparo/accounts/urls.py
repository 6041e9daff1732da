from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("security/", views.security_view, name="security"),
    path("security/password/", views.password_change_view, name="password_change"),
    path("security/recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path("reauth/", views.reauth_view, name="reauth"),
    path("membership/", views.membership_switch, name="membership_switch"),
    path("tokens/", views.api_tokens_view, name="api_tokens"),
    path("tokens/new/", views.api_token_create_view, name="api_token_create"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("users/", views.user_list_view, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:user_id>/", views.user_detail_view, name="user_detail"),
]
